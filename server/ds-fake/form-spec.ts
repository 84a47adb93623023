/**
 * The fake démarche's form: every champ kind of ds.md §6.1, two published revisions
 * (one champ only in the old one, one label renamed in the new one) and a draft.
 */
import { DEPARTEMENTS, PAYS, REGIONS } from './french-data.ts';

/** Descriptor kind = the schema's `…ChampDescriptor` typename without the suffix. */
export type ChampKind =
	| 'Text'
	| 'Textarea'
	| 'Email'
	| 'Phone'
	| 'Iban'
	| 'Formatted'
	| 'IntegerNumber'
	| 'Number'
	| 'DecimalNumber'
	| 'Date'
	| 'Datetime'
	| 'Checkbox'
	| 'YesNo'
	| 'Civilite'
	| 'DropDownList'
	| 'MultipleDropDownList'
	| 'LinkedDropDownList'
	| 'PieceJustificative'
	| 'TitreIdentite'
	| 'Address'
	| 'Commune'
	| 'Departement'
	| 'Region'
	| 'Pays'
	| 'Epci'
	| 'Siret'
	| 'RNA'
	| 'RNF'
	| 'DossierLink'
	| 'Carte'
	| 'Repetition'
	| 'EngagementJuridique'
	| 'HeaderSection'
	| 'Explication';

/** A champ shown only when another top-level champ has a given value. */
export interface ChampCondition {
	stableId: number;
	equals: string | boolean;
}

/** One field of the form (a DS `type_de_champ`). */
export interface FieldSpec {
	stableId: number;
	kind: ChampKind;
	label: string;
	description?: string;
	required?: boolean;
	options?: readonly string[];
	otherOption?: boolean;
	level?: number;
	condition?: ChampCondition;
	children?: readonly FieldSpec[];
}

/** One revision of the form. */
export interface RevisionSpec {
	/** Database id, used in the global id and for min/max revision filters. */
	id: number;
	createdAt: number;
	publishedAt: number | null;
	champs: FieldSpec[];
	annotations: FieldSpec[];
}

/** GraphQL concrete champ typename DS returns for a descriptor kind (ds.md §1.6). */
export const CHAMP_TYPENAME: Readonly<Record<ChampKind, string>> = {
	Text: 'TextChamp',
	Textarea: 'TextChamp',
	Email: 'TextChamp',
	Phone: 'TextChamp',
	Iban: 'TextChamp',
	Formatted: 'TextChamp',
	IntegerNumber: 'IntegerNumberChamp',
	Number: 'IntegerNumberChamp',
	DecimalNumber: 'DecimalNumberChamp',
	Date: 'DateChamp',
	Datetime: 'DatetimeChamp',
	Checkbox: 'CheckboxChamp',
	YesNo: 'YesNoChamp',
	Civilite: 'CiviliteChamp',
	DropDownList: 'DropDownListChamp',
	MultipleDropDownList: 'MultipleDropDownListChamp',
	LinkedDropDownList: 'LinkedDropDownListChamp',
	PieceJustificative: 'PieceJustificativeChamp',
	TitreIdentite: 'TitreIdentiteChamp',
	Address: 'AddressChamp',
	Commune: 'CommuneChamp',
	Departement: 'DepartementChamp',
	Region: 'RegionChamp',
	Pays: 'PaysChamp',
	Epci: 'EpciChamp',
	Siret: 'SiretChamp',
	RNA: 'RNAChamp',
	RNF: 'RNFChamp',
	DossierLink: 'DossierLinkChamp',
	Carte: 'CarteChamp',
	Repetition: 'RepetitionChamp',
	EngagementJuridique: 'EngagementJuridiqueChamp',
	HeaderSection: 'HeaderSectionChamp',
	Explication: 'ExplicationChamp'
};

/** Value of the deprecated `ChampDescriptor.type` enum (`TypeDeChamp`). */
export const TYPE_DE_CHAMP: Readonly<Record<ChampKind, string>> = {
	Text: 'text',
	Textarea: 'textarea',
	Email: 'email',
	Phone: 'phone',
	Iban: 'iban',
	Formatted: 'formatted',
	IntegerNumber: 'integer_number',
	Number: 'number',
	DecimalNumber: 'decimal_number',
	Date: 'date',
	Datetime: 'datetime',
	Checkbox: 'checkbox',
	YesNo: 'yes_no',
	Civilite: 'civilite',
	DropDownList: 'drop_down_list',
	MultipleDropDownList: 'multiple_drop_down_list',
	LinkedDropDownList: 'linked_drop_down_list',
	PieceJustificative: 'piece_justificative',
	TitreIdentite: 'titre_identite',
	Address: 'address',
	Commune: 'communes',
	Departement: 'departements',
	Region: 'regions',
	Pays: 'pays',
	Epci: 'epci',
	Siret: 'siret',
	RNA: 'rna',
	RNF: 'rnf',
	DossierLink: 'dossier_link',
	Carte: 'carte',
	Repetition: 'repetition',
	EngagementJuridique: 'engagement_juridique',
	HeaderSection: 'header_section',
	Explication: 'explication'
};

/** Stable ids with a role in tests and docs. */
export const STABLE = {
	/** YesNo that shows/hides the two conditional champs. */
	aidePrecedente: 1021,
	/** Conditional Text (visible only when aidePrecedente is true). */
	referenceAide: 1022,
	/** Conditional DossierLink (visible only when aidePrecedente is true). */
	dossierPrecedent: 1030,
	/** Decimal whose label differs between the two revisions. */
	montantTravaux: 1019,
	/** Text present only in the old revision. */
	numeroFiscal: 1050,
	/** First repetition block. */
	entreprises: 1034,
	/** Second repetition block. */
	occupants: 1039,
	/** Repetition among annotations. */
	controles: 2006
} as const;

const TYPES_TRAVAUX = [
	'Isolation des combles',
	'Isolation des murs par l’extérieur',
	'Remplacement des fenêtres',
	'Pompe à chaleur',
	'Chaudière biomasse',
	'Ventilation double flux',
	'Rénovation globale'
];

const EQUIPEMENTS = [
	'Panneaux solaires thermiques',
	'Panneaux photovoltaïques',
	'Poêle à granulés',
	'VMC hygroréglable',
	'Thermostat connecté',
	'Ballon thermodynamique'
];

/** Linked list options as DS stores them: `--Primary--` headers, then secondary values. */
const ENERGIES = [
	'--Électricité--',
	'Pompe à chaleur air/eau',
	'Radiateurs électriques',
	'--Gaz--',
	'Chaudière à condensation',
	'Chaudière classique',
	'--Bois--',
	'Poêle à granulés',
	'Chaudière à bûches'
];

const LIENS = ['Conjoint', 'Enfant', 'Parent', 'Autre'];
const AVIS = ['Favorable', 'Favorable sous réserve', 'Défavorable', 'Ajourné'];

function entreprisesBlock(): FieldSpec {
	return {
		stableId: STABLE.entreprises,
		kind: 'Repetition',
		label: 'Entreprises intervenantes',
		description: 'Une ligne par entreprise ayant fourni un devis.',
		required: true,
		children: [
			{ stableId: 1035, kind: 'Text', label: 'Raison sociale', required: true },
			{ stableId: 1036, kind: 'Siret', label: 'SIRET de l’entreprise', required: true },
			{ stableId: 1037, kind: 'DecimalNumber', label: 'Montant du devis (€ TTC)', required: true },
			{ stableId: 1038, kind: 'Date', label: 'Date du devis' }
		]
	};
}

function occupantsBlock(): FieldSpec {
	return {
		stableId: STABLE.occupants,
		kind: 'Repetition',
		label: 'Occupants du logement',
		children: [
			{ stableId: 1040, kind: 'Civilite', label: 'Civilité' },
			{ stableId: 1041, kind: 'Text', label: 'Nom et prénom', required: true },
			{ stableId: 1042, kind: 'Date', label: 'Date de naissance' },
			{ stableId: 1043, kind: 'DropDownList', label: 'Lien avec le demandeur', options: LIENS },
			{ stableId: 1047, kind: 'Checkbox', label: 'Personne à charge' }
		]
	};
}

/** Public champs of a revision; `active` adds the newer fields and the renamed label. */
function publicChamps(active: boolean): FieldSpec[] {
	const champs: FieldSpec[] = [
		{ stableId: 1001, kind: 'HeaderSection', label: 'Le demandeur', level: 1 },
		{
			stableId: 1002,
			kind: 'Explication',
			label: 'Avant de commencer',
			description: 'Munissez-vous de vos devis et de votre dernier avis d’imposition.'
		},
		{ stableId: 1003, kind: 'Civilite', label: 'Civilité du représentant', required: true },
		{ stableId: 1004, kind: 'Text', label: 'Nom du projet', required: true },
		{ stableId: 1005, kind: 'Textarea', label: 'Description du projet', required: true },
		{ stableId: 1006, kind: 'Email', label: 'Adresse électronique de contact', required: true },
		{ stableId: 1007, kind: 'Phone', label: 'Téléphone' },
		{ stableId: 1008, kind: 'Iban', label: 'IBAN du compte à créditer', required: true },
		{ stableId: 1046, kind: 'Formatted', label: 'Référence cadastrale', description: 'Exemple : 000 AB 123' },
		...(active
			? []
			: [{ stableId: STABLE.numeroFiscal, kind: 'Text' as const, label: 'Numéro fiscal de référence' }]),
		{ stableId: 1009, kind: 'HeaderSection', label: 'Le logement', level: 1 },
		{ stableId: 1010, kind: 'Address', label: 'Adresse du logement', required: true },
		{ stableId: 1011, kind: 'Commune', label: 'Commune de résidence principale' },
		{ stableId: 1012, kind: 'Departement', label: 'Département du logement' },
		{ stableId: 1013, kind: 'Region', label: 'Région' },
		{ stableId: 1014, kind: 'Pays', label: 'Pays de naissance du demandeur' },
		...(active ? [{ stableId: 1015, kind: 'Epci' as const, label: 'Intercommunalité (EPCI)' }] : []),
		{ stableId: 1016, kind: 'Date', label: 'Date de début des travaux', required: true },
		{ stableId: 1017, kind: 'Datetime', label: 'Date et heure de la visite technique' },
		{ stableId: 1018, kind: 'IntegerNumber', label: 'Surface habitable (m²)', required: true },
		{ stableId: 1045, kind: 'Number', label: 'Nombre de pièces' },
		{
			stableId: STABLE.montantTravaux,
			kind: 'DecimalNumber',
			label: active ? 'Montant des travaux (€ TTC)' : 'Montant estimé des travaux',
			required: true
		},
		{
			stableId: 1020,
			kind: 'Checkbox',
			label: 'J’atteste sur l’honneur l’exactitude des informations',
			required: true
		},
		{
			stableId: STABLE.aidePrecedente,
			kind: 'YesNo',
			label: 'Avez-vous déjà bénéficié d’une aide de l’Anah ?'
		},
		{
			stableId: STABLE.referenceAide,
			kind: 'Text',
			label: 'Référence de l’aide précédente',
			condition: { stableId: STABLE.aidePrecedente, equals: true }
		},
		{
			stableId: STABLE.dossierPrecedent,
			kind: 'DossierLink',
			label: 'Numéro du dossier précédent',
			condition: { stableId: STABLE.aidePrecedente, equals: true }
		},
		{
			stableId: 1023,
			kind: 'DropDownList',
			label: 'Type de travaux',
			required: true,
			options: TYPES_TRAVAUX,
			otherOption: true
		},
		{ stableId: 1024, kind: 'MultipleDropDownList', label: 'Équipements installés', options: EQUIPEMENTS },
		{ stableId: 1025, kind: 'LinkedDropDownList', label: 'Énergie de chauffage', options: ENERGIES },
		{ stableId: 1027, kind: 'PieceJustificative', label: 'Devis des travaux', required: true },
		{ stableId: 1028, kind: 'TitreIdentite', label: 'Pièce d’identité', required: true },
		{ stableId: 1029, kind: 'Siret', label: 'SIRET de l’entreprise principale' },
		{ stableId: 1031, kind: 'RNA', label: 'Association accompagnatrice (numéro RNA)' },
		...(active ? [{ stableId: 1032, kind: 'RNF' as const, label: 'Fondation partenaire (numéro RNF)' }] : []),
		{ stableId: 1033, kind: 'Carte', label: 'Localisation des parcelles' },
		entreprisesBlock(),
		occupantsBlock(),
		...(active
			? [{ stableId: 1044, kind: 'EngagementJuridique' as const, label: 'Engagement juridique' }]
			: [])
	];
	return champs;
}

/** Private champs (annotations); the repetition block exists only in the active revision. */
function annotationChamps(active: boolean): FieldSpec[] {
	return [
		{ stableId: 2001, kind: 'Text', label: 'Commentaire de l’instructeur' },
		{ stableId: 2002, kind: 'YesNo', label: 'Visite effectuée' },
		{ stableId: 2003, kind: 'DecimalNumber', label: 'Montant accordé (€)' },
		{ stableId: 2004, kind: 'Date', label: 'Date de passage en commission' },
		{ stableId: 2005, kind: 'DropDownList', label: 'Avis de la commission', options: AVIS },
		...(active
			? [
					{
						stableId: STABLE.controles,
						kind: 'Repetition' as const,
						label: 'Contrôles sur place',
						children: [
							{ stableId: 2007, kind: 'Date' as const, label: 'Date du contrôle' },
							{ stableId: 2008, kind: 'Text' as const, label: 'Contrôleur' },
							{ stableId: 2009, kind: 'Checkbox' as const, label: 'Travaux conformes' }
						]
					}
				]
			: [])
	];
}

/** Dates of the form's life (fixed, so the same seed always yields the same data). */
export const FORM_DATES = {
	demarcheCreatedAt: Date.UTC(2025, 0, 6, 9, 12, 40),
	oldRevisionCreatedAt: Date.UTC(2025, 0, 6, 9, 12, 41),
	oldRevisionPublishedAt: Date.UTC(2025, 0, 20, 8, 0, 0),
	activeRevisionCreatedAt: Date.UTC(2025, 0, 20, 8, 0, 1),
	activeRevisionPublishedAt: Date.UTC(2025, 8, 1, 6, 30, 0),
	draftRevisionCreatedAt: Date.UTC(2025, 8, 1, 6, 30, 1)
} as const;

/** Builds the three revisions: old (published), active (published), draft (copy of active). */
export function buildRevisions(): RevisionSpec[] {
	const active = { champs: publicChamps(true), annotations: annotationChamps(true) };
	return [
		{
			id: 4101,
			createdAt: FORM_DATES.oldRevisionCreatedAt,
			publishedAt: FORM_DATES.oldRevisionPublishedAt,
			champs: publicChamps(false),
			annotations: annotationChamps(false)
		},
		{
			id: 4102,
			createdAt: FORM_DATES.activeRevisionCreatedAt,
			publishedAt: FORM_DATES.activeRevisionPublishedAt,
			...active
		},
		// The draft shares the active revision's fields: a label renamed in the form shows in both.
		{ id: 4103, createdAt: FORM_DATES.draftRevisionCreatedAt, publishedAt: null, ...active }
	];
}

/** Options for the choice-like descriptors that list them in GraphQL. */
export const DESCRIPTOR_OPTIONS = {
	Departement: DEPARTEMENTS.map(({ code, name }) => ({ code, name })),
	Region: REGIONS,
	Pays: PAYS
} as const;

/** All fields of a list, repetition children included (depth first). */
export function flattenFields(fields: readonly FieldSpec[]): FieldSpec[] {
	const out: FieldSpec[] = [];
	for (const field of fields) {
		out.push(field);
		if (field.children) out.push(...field.children);
	}
	return out;
}
