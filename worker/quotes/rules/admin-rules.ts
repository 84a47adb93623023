import type { AdminFields, Found } from '../extract/types.ts';

/**
 * Administrative presence rules, as data (quotes.md §2.2): what must be printed, when, and
 * which ones a sole trader is exempt from (kept as a warning, as MDSO still asks for them).
 */

/** One "this mention must be printed" rule of the administrative block. */
export interface AdminRule {
	code: string;
	/** The devis passes when this holds. */
	present: (f: AdminFields) => boolean;
	/** Only checked when this holds. */
	when?: (f: AdminFields) => boolean;
	/** For a sole trader (EI, micro, VAT franchise) the mention is not required: warning only. */
	soleTraderExempt?: boolean;
	/** The value found, shown with the error (e.g. the 9-digit SIREN). */
	found?: (f: AdminFields) => Found<string> | null;
}

const has = (v: Found<unknown> | null) => v !== null;

/** Administrative rules, in MDSO's order. */
export const ADMIN_RULES: AdminRule[] = [
	{
		code: 'devis_manquant',
		// Invoices and purchase orders are not devis even when they mention one.
		present: (f) =>
			has(f.mention_devis) &&
			f.document_type?.value !== 'facture' &&
			f.document_type?.value !== 'bon_de_commande',
		found: (f) => (f.document_type ? { value: f.document_type.value, where: f.document_type.where } : null)
	},
	{ code: 'numero_devis_manquant', present: (f) => has(f.numero_devis) },
	{ code: 'date_devis_manquant', present: (f) => has(f.date_devis) },
	{
		code: 'date_chantier_manquant',
		present: (f) => has(f.date_debut_chantier) || has(f.delai_debut_chantier)
	},
	{ code: 'date_pre_visite_manquant', present: (f) => has(f.date_pre_visite) },
	{ code: 'date_validite_manquant', present: (f) => has(f.validite) },
	{ code: 'pro_raison_sociale_manquant', present: (f) => has(f.raison_sociale) },
	{ code: 'pro_forme_juridique_manquant', present: (f) => has(f.forme_juridique) },
	{ code: 'tva_manquant', present: (f) => has(f.numero_tva), soleTraderExempt: true },
	{ code: 'capital_manquant', present: (f) => has(f.capital), soleTraderExempt: true },
	{ code: 'siret_manquant', present: (f) => has(f.siret) },
	{
		code: 'siret_format_erreur',
		when: (f) => has(f.siret),
		present: (f) => f.siret?.value.length === 14,
		found: (f) => f.siret
	},
	{
		code: 'rcs_manquant',
		// An RCS number, an RM/RNE number, or an RCS city with the SIRET (MDSO's rule).
		present: (f) => has(f.rcs) || has(f.rne) || (has(f.rcs_ville) && has(f.siret)),
		soleTraderExempt: true
	},
	{
		code: 'rcs_ville_manquant',
		when: (f) => has(f.rcs) || has(f.rne),
		present: (f) => has(f.rcs_ville),
		soleTraderExempt: true,
		found: (f) => f.rcs ?? f.rne
	},
	{ code: 'pro_assurance_manquant', present: (f) => has(f.assurance) },
	{ code: 'pro_adresse_manquant', present: (f) => has(f.pro_adresse) },
	{ code: 'client_prenom_manquant', present: (f) => has(f.client_prenom), found: (f) => f.client_nom },
	{ code: 'client_nom_manquant', present: (f) => has(f.client_nom) },
	{ code: 'client_civilite_manquant', present: (f) => has(f.client_civilite), found: (f) => f.client_nom },
	{ code: 'client_adresse_manquant', present: (f) => has(f.client_adresse) },
	{ code: 'rge_manquant', present: (f) => f.rge_labels.length > 0 },
	{
		code: 'separation_fourniture_pose_manquant',
		when: (f) => has(f.separation_fourniture_pose),
		present: (f) => f.separation_fourniture_pose?.value !== false
	},
	{ code: 'prix_total_ttc_manquant', present: (f) => has(f.prix_total_ttc) },
	{ code: 'prix_total_ht_manquant', present: (f) => has(f.prix_total_ht) }
];

/** French note added to a sole trader's exempted mention. */
export const SOLE_TRADER_NOTE =
	'Entrepreneur individuel ou franchise de TVA (art. 293 B du CGI) : cette mention n’est pas exigée, elle est signalée pour information.';
