/**
 * What the extraction finds on a devis. Field names follow MDSO's attribute vocabulary
 * (`numero_devis`, `prix_total_ht`…) so results compare one-to-one with MDSO and the corpus.
 */

/** Where a value was read: 1-based page, 0-based line within the page, and the line's text. */
export interface Provenance {
	page: number;
	line: number;
	text: string;
}

/** A value found on the document, with where it was found. */
export interface Found<T> {
	value: T;
	where: Provenance;
}

/** What the document says it is. */
export type DocumentType = 'devis' | 'facture' | 'proposition' | 'bon_de_commande' | 'inconnu';

/** One VAT line of the totals block. */
export interface VatLine {
	taux_tva: number;
	montant_tva: number | null;
	base_ht: number | null;
	where: Provenance;
}

/** The administrative block of a devis: document, company, client, dates and totals. */
export interface AdminFields {
	document_type: Found<DocumentType> | null;
	/** The word "devis" is printed (outside the general terms of sale). */
	mention_devis: Found<boolean> | null;
	numero_devis: Found<string> | null;
	/** Number of an invoice or another document that is not a devis. */
	numero_document: Found<string> | null;
	date_devis: Found<string> | null;
	/** Validity as printed ("3 mois", "jusqu'au 14/06/2025"). */
	validite: Found<string> | null;
	/** Validity end date when it can be computed (ISO). */
	date_fin_validite: Found<string> | null;
	date_pre_visite: Found<string> | null;
	date_debut_chantier: Found<string> | null;
	delai_debut_chantier: Found<string> | null;
	raison_sociale: Found<string> | null;
	forme_juridique: Found<string> | null;
	capital: Found<string> | null;
	/** SIRET or SIREN as digits (a 9-digit value means a SIREN was printed). */
	siret: Found<string> | null;
	rcs: Found<string> | null;
	rcs_ville: Found<string> | null;
	/** RM / RNE / CMA registration as printed. */
	rne: Found<string> | null;
	numero_tva: Found<string> | null;
	pro_adresse: Found<string> | null;
	assurance: Found<string> | null;
	rge_labels: Found<string>[];
	client_civilite: Found<string> | null;
	client_prenom: Found<string> | null;
	client_nom: Found<string> | null;
	client_adresse: Found<string> | null;
	chantier_adresse: Found<string> | null;
	/** The worksite is stated to be the client's address. */
	chantier_idem_client: Found<boolean> | null;
	prix_total_ht: Found<number> | null;
	prix_total_ttc: Found<number> | null;
	montant_tva_total: Found<number> | null;
	tva: VatLine[];
	/** "TVA non applicable, art. 293 B du CGI" or a similar exemption. */
	tva_non_applicable: Found<string> | null;
	/** Sole trader (EI, micro-entrepreneur…): capital, VAT number and RCS are not required. */
	entrepreneur_individuel: Found<boolean> | null;
	/** Supply and labour are priced separately (a labour line, or "dont main d'œuvre"). */
	separation_fourniture_pose: Found<boolean> | null;
	/** Declared aid programmes ("MaPrimeRénov'", "CEE"…). */
	aides: string[];
}

/** The geste types MDSO knows (quotes.md §2.4). */
export const GESTE_TYPES = [
	'pac_air_eau',
	'pac_eau_eau',
	'pac_hybride',
	'pac_air_air',
	'chaudiere_biomasse',
	'poele_insert',
	'systeme_solaire_combine',
	'chauffe_eau_solaire_individuel',
	'chauffe_eau_thermo',
	'isolation_thermique_par_exterieur_ITE',
	'isolation_thermique_par_interieur_ITI',
	'isolation_comble_perdu',
	'isolation_rampants_toiture',
	'isolation_toiture_terrasse',
	'isolation_plancher_bas',
	'menuiserie_fenetre',
	'menuiserie_fenetre_toit',
	'menuiserie_porte',
	'menuiserie_volet_isolant',
	'vmc_simple_flux',
	'vmc_double_flux'
] as const;

/** One MDSO geste type. */
export type GesteType = (typeof GESTE_TYPES)[number];

/** A technical value of a geste: text as printed, plus the parsed number when it has one. */
export interface GesteValue {
	text: string;
	number: number | null;
	where: Provenance;
}

/** One priced line of the works table. */
export interface LineItem {
	/** Line label (first line of the designation) with its section title for context. */
	intitule: string;
	section: string | null;
	/** Full designation: the label plus its description lines. */
	description: string;
	quantite: number | null;
	unite: string | null;
	prix_unitaire_ht: number | null;
	prix_ht: number | null;
	taux_tva: number | null;
	where: Provenance;
	/** Provenance of each description line. */
	lines: Provenance[];
}

/** A geste: a priced line of a known work type, with its technical values. */
export interface Geste extends LineItem {
	index: number;
	type: GesteType;
	values: Partial<Record<string, GesteValue>>;
}

/** Everything the extraction found on one devis. */
export interface Extraction {
	admin: AdminFields;
	gestes: Geste[];
	/** Priced lines that are not gestes: labour, scaffolding, disposal, travel… */
	lignes_hors_geste: LineItem[];
	/** Number of text lines read (CGV excluded). */
	lineCount: number;
	/** Discount or deduction rows in the works table (then lines need not add up to the total). */
	deductions: number;
	/** Geste types named in the subject of the devis ("Objet : pose d'une pompe à chaleur"). */
	namedTypes: GesteType[];
	/** Pages with text that were not analysed (beyond the page cap). */
	skippedPages: number[];
}
