import { fold } from './value-normalise.ts';

/**
 * Label synonyms of the administrative block, as data. Each entry is written the way it is
 * printed; `labelPattern` folds it (case, accents, apostrophes) and makes spaces, dots and the
 * "n°" abbreviation flexible, so "N° de devis", "No devis" and "Numéro du devis" all match.
 */
export const ADMIN_LABELS = {
	numero_devis: [
		'devis n°',
		'devis numéro',
		'devis',
		'n° de devis',
		'n° du devis',
		'n° devis',
		'numéro de devis',
		'numéro du devis',
		'réf. devis',
		'référence devis',
		'référence du devis',
		'devis réf.',
		'offre n°',
		'proposition n°',
		'n° d’offre',
		'n° de proposition',
		'réf.',
		'référence',
		'n°'
	],
	date_devis: [
		'date du devis',
		'date de devis',
		'devis du',
		'devis établi le',
		'établi le',
		'date d’établissement',
		'date d’émission',
		'émis le',
		'fait le',
		'date de l’offre',
		'date',
		'le'
	],
	validite: [
		'durée de validité',
		'validité de l’offre',
		'validité du devis',
		'validité',
		'devis valable',
		'offre valable',
		'proposition valable',
		'valable jusqu’au',
		'valable',
		'valide jusqu’au',
		'date limite de validité',
		'date de fin de validité',
		'expire le'
	],
	date_pre_visite: [
		'visite technique préalable',
		'date de la visite technique',
		'date de visite technique',
		'visite technique',
		'date de la visite préalable',
		'visite préalable',
		'date de visite',
		'pré-visite',
		'pré visite',
		'previsite',
		'date de la visite',
		'visite effectuée le',
		'visite du',
		'métré réalisé le',
		'relevé effectué le'
	],
	date_debut_chantier: [
		'début prévisionnel des travaux',
		'date prévisionnelle de début des travaux',
		'date de début des travaux',
		'date prévisionnelle des travaux',
		'début des travaux',
		'démarrage des travaux',
		'démarrage prévu',
		'date de démarrage',
		'date de début',
		'début du chantier',
		'date d’intervention',
		'date des travaux',
		'date prévue des travaux',
		'intervention prévue',
		'travaux prévus',
		'délai d’exécution',
		'délai de réalisation',
		'délai d’intervention',
		'délai de démarrage'
	],
	raison_sociale: [
		'raison sociale',
		'dénomination sociale',
		'dénomination',
		'entreprise',
		'société',
		'émetteur',
		'prestataire',
		'artisan',
		'installateur'
	],
	capital: ['capital social', 'au capital de', 'capital de', 'capital'],
	siret: ['n° siret', 'siret', 'siret n°', 'numéro siret', 'n° de siret'],
	siren: ['n° siren', 'siren', 'siren n°'],
	rcs: [
		'r.c.s.',
		'rcs',
		'registre du commerce et des sociétés',
		'registre du commerce',
		'immatriculée au rcs'
	],
	rne: [
		'rne',
		'registre national des entreprises',
		'rm',
		'répertoire des métiers',
		'immatriculation au répertoire des métiers',
		'cma',
		'chambre de métiers'
	],
	numero_tva: [
		'n° tva intracommunautaire',
		'tva intracommunautaire',
		'n° de tva intracommunautaire',
		'numéro de tva intracommunautaire',
		'tva intra-communautaire',
		'tva intracom',
		'n° tva intracom',
		'n° tva',
		'numéro de tva',
		'id. tva',
		'identifiant tva',
		'tva'
	],
	assurance: [
		'assurance décennale',
		'garantie décennale',
		'assurance',
		'assureur',
		'décennale',
		'responsabilité civile professionnelle',
		'rc professionnelle',
		'rc pro',
		'rc décennale',
		'police d’assurance'
	],
	rge: [
		'qualification rge',
		'qualifications rge',
		'certification rge',
		'certificat rge',
		'n° rge',
		'rge n°',
		'rge',
		'qualibat',
		'qualipac',
		'qualisol',
		'qualibois',
		'qualipv',
		'qualit’enr',
		'qualifelec',
		'certibat',
		'cequami',
		'eco artisan',
		'pro de la performance énergétique'
	],
	client: [
		'client',
		'nom du client',
		'nom et prénom du client',
		'nom et adresse du client',
		'client(e)',
		'clients',
		'coordonnées du client',
		'coordonnées client',
		'destinataire',
		'adressé à',
		'à l’attention de',
		'maître d’ouvrage',
		'bénéficiaire',
		'bénéficiaire des travaux',
		'facturé à',
		'facturer à',
		'particulier',
		'demandeur',
		'propriétaire',
		'commanditaire'
	],
	chantier_adresse: [
		'adresse des travaux',
		'adresse du chantier',
		'adresse de chantier',
		'lieu des travaux',
		'lieu du chantier',
		'lieu d’intervention',
		'adresse d’intervention',
		'adresse de réalisation',
		'adresse de réalisation des travaux',
		'site des travaux',
		'chantier',
		'réalisation à'
	],
	pro_adresse: ['siège social', 'adresse du siège', 'siège', 'adresse de l’entreprise'],
	client_nom: ['nom du client', 'nom', 'nom de famille'],
	client_prenom: ['prénom du client', 'prénom', 'prénoms'],
	client_civilite: ['civilité'],
	client_adresse: ['adresse du client', 'adresse de facturation', 'adresse postale', 'adresse', 'domicile'],
	prix_total_ht: [
		'total ht',
		'total h.t.',
		'montant ht',
		'montant h.t.',
		'montant total ht',
		'total hors taxes',
		'montant hors taxes',
		'total général ht',
		'net ht',
		'total net ht',
		'prix total ht',
		'total des travaux ht',
		'total (ht)',
		'total € ht',
		'sous-total ht'
	],
	prix_total_ttc: [
		'total ttc',
		'total t.t.c.',
		'montant ttc',
		'montant t.t.c.',
		'montant total ttc',
		'total toutes taxes comprises',
		'net à payer',
		'net à payer ttc',
		'total net à payer',
		'total général ttc',
		'prix total ttc',
		'total des travaux ttc',
		'total (ttc)',
		'total € ttc',
		'reste à payer',
		'total à payer'
	],
	tva_total: [
		'total tva',
		'montant tva',
		'montant de la tva',
		'tva totale',
		'dont tva',
		'total de la tva',
		'tva'
	]
} as const;

/** A key of `ADMIN_LABELS`. */
export type AdminLabel = keyof typeof ADMIN_LABELS;

const N_DEGREE = '(?:n\\s?[°º*o]\\.?|no\\.?|num\\.?|numero|nr\\.?|#)';

/** Regex source for one printed label, on folded text. */
export function labelSource(label: string): string {
	const folded = fold(label);
	return folded
		.split(/(n°)/)
		.map((part) =>
			part === 'n°'
				? N_DEGREE
				: part
						.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
						.replace(/\\\./g, '\\.?')
						.replace(/ /g, '\\s*')
						.replace(/'/g, "['\\s]?")
						.replace(/-/g, '[-\\s]?')
		)
		.join('');
}

/**
 * A regex matching any label of a list at a word boundary, longest first. Group 1 is the label;
 * the separator after it (`:`, `=`, `-`, `n°`) is not part of the match.
 */
export function labelPattern(labels: readonly string[], flags = ''): RegExp {
	const sources = [...labels].sort((a, b) => b.length - a.length).map(labelSource);
	return new RegExp(`(?<![a-z0-9])(${sources.join('|')})(?![a-z0-9])`, flags);
}

/** Words that title a document, in the order they are checked (folded). */
export const DOCUMENT_TITLES: {
	type: 'devis' | 'facture' | 'proposition' | 'bon_de_commande';
	re: RegExp;
}[] = [
	{ type: 'facture', re: /^(?:facture|facture d'acompte|facture de solde)\b(?!\s+(?:payable|sera|a\b))/ },
	{ type: 'devis', re: /^(?:devis|devis estimatif|devis descriptif|devis quantitatif|devis n)\b/ },
	{
		type: 'proposition',
		// "Offre valable 3 mois" is a validity, not a title: "offre" alone does not name the document.
		re: /^(?:proposition(?: commerciale| de prix| technique)?(?!\s+valable)|offre (?:de prix|commerciale|n)|estimation|chiffrage)\b/
	},
	{ type: 'bon_de_commande', re: /^bon de commande\b/ }
];

/** Legal forms, longest first; `sole` marks the sole-trader forms (no capital, VAT or RCS required). */
export const LEGAL_FORMS: { form: string; re: RegExp; sole: boolean }[] = [
	{ form: 'SASU', re: /\bS\.?A\.?S\.?U\.?(?![A-Za-z])/, sole: false },
	{ form: 'SAS', re: /\bS\.?A\.?S\.?(?![A-Za-z])/, sole: false },
	{ form: 'SARL', re: /\bS\.?A\.?R\.?L\.?(?![A-Za-z])/, sole: false },
	{ form: 'EURL', re: /\bE\.?U\.?R\.?L\.?(?![A-Za-z])/, sole: false },
	{ form: 'SELARL', re: /\bSELARL\b/, sole: false },
	{ form: 'SCOP', re: /\bSCOP\b/, sole: false },
	{ form: 'SNC', re: /\bS\.?N\.?C\.?(?![A-Za-z])/, sole: false },
	{ form: 'SA', re: /\bS\.A\.?(?![A-Za-z])|\bSA\b(?= au capital|\s*[-–,]|\s*$)/, sole: false },
	{ form: 'EIRL', re: /\bE\.?I\.?R\.?L\.?(?![A-Za-z])/, sole: true },
	{ form: 'EI', re: /\bE\.?I\.?(?![A-Za-z'’])/, sole: true },
	{ form: 'Entrepreneur individuel', re: /\bentrepr(?:eneur|ise) individuel(?:le)?\b/i, sole: true },
	{ form: 'Micro-entreprise', re: /\bmicro[-\s]?entrep(?:rise|reneur)\b/i, sole: true },
	{ form: 'Auto-entrepreneur', re: /\bauto[-\s]?entrepreneur\b/i, sole: true }
];

/** Civilities, longest first (folded, without trailing dot). */
export const CIVILITIES = [
	'monsieur et madame',
	'madame et monsieur',
	'm. et mme',
	'mme et m.',
	'm et mme',
	'mme et m',
	'mr et mme',
	'mr et mrs',
	'messieurs',
	'mesdames',
	'monsieur',
	'madame',
	'mademoiselle',
	'mlle',
	'mme',
	'mr',
	'm.',
	'm'
];

/** Street words that make a line look like a street address (folded). */
export const STREET_WORDS =
	/\b(?:rue|avenue|av\.?|bd|boulevard|chemin|ch\.|impasse|imp\.|allee|place|pl\.|route|rte|quai|cours|square|sq\.|residence|res\.|lieu[- ]dit|lotissement|lot\.|hameau|voie|za|zi|zac|parc|cite|passage|sentier|faubourg|fg|promenade|esplanade|clos|domaine|mail|montee|rond[- ]point|villa|bp|cs|batiment|bat\.|appartement|apt)\b/;

/** A French postcode followed by a city (folded or not). */
export const POSTCODE_CITY = /\b(?:F-)?(\d{2}\s?\d{3})\s+([A-Za-zÀ-ÿ' -]{2,}?)(?:\s+cedex(?:\s*\d+)?)?\s*$/i;
