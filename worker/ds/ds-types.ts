/**
 * Shapes of the answers to our query documents (`ds-queries.ts`), written by hand from the DS
 * schema. Aliased fields carry the alias name.
 */

/** DS dossier states (`DossierState`). */
export const DOSSIER_STATES = [
	'en_construction',
	'en_instruction',
	'accepte',
	'refuse',
	'sans_suite'
] as const;
/** One DS dossier state. */
export type DossierState = (typeof DOSSIER_STATES)[number];

/** Why DS deleted a dossier (`DeletedDossierReason`). */
export const DELETION_REASONS = [
	'expired',
	'instructeur_request',
	'manager_request',
	'procedure_removed',
	'user_expired',
	'user_removed',
	'user_request'
] as const;

/** A champ descriptor as the schema query selects it. */
export interface DsDescriptor {
	__typename: string;
	id: string;
	label: string;
	description?: string | null;
	required?: boolean;
	options?: string[] | null;
	otherOption?: boolean | null;
	departements?: { code: string; name: string }[] | null;
	regions?: { code: string; name: string }[] | null;
	pays?: { code: string; name: string }[] | null;
	/** Sub-fields of a repetition block. */
	champDescriptors?: DsDescriptor[] | null;
}

/** A form revision with its descriptors. */
export interface DsRevision {
	id: string;
	dateCreation: string;
	datePublication?: string | null;
	champDescriptors: DsDescriptor[];
	annotationDescriptors: DsDescriptor[];
}

/** The démarche as the schema query returns it. */
export interface DsDemarcheSchema {
	id: string;
	number: number;
	title: string;
	state: string;
	dateDerniereModification: string;
	activeRevision: { id: string };
	revisions: DsRevision[];
	groupeInstructeurs: { number: number; label: string; closed: boolean }[];
	labels: { name: string; color: string }[];
}

/** A file of a pièce justificative. */
export interface DsFile {
	filename: string;
	contentType?: string;
	checksum?: string;
	byteSizeBigInt?: string;
}

/** A champ as the ChampFields fragment selects it; typed fields depend on its type (its descriptor's). */
export interface DsChamp {
	/** Not asked for by our queries (the descriptor gives the type). */
	__typename?: string;
	/** Not asked for by our queries (champs are keyed by `champDescriptorId`). */
	id?: string;
	champDescriptorId: string;
	stringValue?: string | null;
	textValue?: string | null;
	integerValue?: string | null;
	decimalValue?: number | null;
	date?: string | null;
	datetime?: string | null;
	checked?: boolean | null;
	yesNo?: boolean | null;
	civilite?: string | null;
	choice?: string | null;
	values?: string[] | null;
	primaryValue?: string | null;
	secondaryValue?: string | null;
	files?: DsFile[] | null;
	filled?: boolean | null;
	address?: {
		label: string;
		postalCode?: string | null;
		cityName?: string | null;
		cityCode?: string | null;
		departmentCode?: string | null;
		departmentName?: string | null;
		regionCode?: string | null;
		regionName?: string | null;
	} | null;
	commune?: { name: string; code: string; postalCode?: string | null } | null;
	departement?: { code: string; name: string } | null;
	region?: { code: string; name: string } | null;
	pays?: { code: string; name: string } | null;
	epci?: { code: string; name: string } | null;
	etablissement?: { siret: string; entreprise?: { raisonSociale?: string | null } | null } | null;
	rna?: { id: string; title?: string | null } | null;
	rnf?: { id: string; title?: string | null } | null;
	dossier?: { number: number } | null;
	geoAreas?: {
		source: string;
		description?: string | null;
		commune?: string;
		section?: string;
		numero?: string;
		prefixe?: string;
		surface?: string;
	}[];
	engagementJuridique?: { montantEngage?: string | null; montantPaye?: string | null } | null;
	level?: number;
	/** Repetition rows (top-level champs only). */
	rows?: { id: string; champs: DsChamp[] }[];
}

/** The demandeur: a natural person, a legal entity, or an entity DS could not complete. */
export interface DsDemandeur {
	__typename: string;
	civilite?: string | null;
	nom?: string;
	prenom?: string;
	email?: string | null;
	siret?: string;
	naf?: string | null;
	libelleNaf?: string;
	address?: { label: string } | null;
	entreprise?: { raisonSociale?: string | null } | null;
	association?: { titre?: string | null } | null;
}

/** A full dossier as the DossierFields fragment selects it. */
export interface DsDossier {
	id: string;
	number: number;
	state: DossierState;
	archived: boolean;
	prefilled: boolean;
	deposeParUnTiers?: boolean | null;
	connectionUsager: string;
	dateDepot: string;
	datePassageEnConstruction: string;
	datePassageEnInstruction?: string | null;
	dateTraitement?: string | null;
	dateDerniereModification: string;
	dateDerniereModificationChamps: string;
	dateDerniereModificationAnnotations: string;
	dateExpiration?: string | null;
	dateSuppressionParUsager?: string | null;
	dateSuppressionParAdministration?: string | null;
	dateDerniereCorrectionEnAttente?: string | null;
	datePrevisionnelleDecisionSVASVR?: string | null;
	motivation?: string | null;
	nomMandataire?: string | null;
	prenomMandataire?: string | null;
	usager: { email: string };
	groupeInstructeur: { number: number; label: string };
	labels: { name: string }[];
	instructeurs: { email: string }[];
	demarche: { number: number; revision: { id: string } };
	demandeur: DsDemandeur;
	champs: DsChamp[];
	annotations: DsChamp[];
}

/** Relay page info as our queries select it. */
export interface DsPageInfo {
	hasNextPage: boolean;
	endCursor: string | null;
}

/** A connection page with nodes. */
export interface DsPage<T> {
	pageInfo: DsPageInfo;
	nodes: (T | null)[];
}

/** A deleted (or pending-deleted) dossier. */
export interface DsDeletedDossier {
	number: number;
	dateSupression: string;
	reason: string;
	state: string;
}

/** One GraphQL error as DS sends it. */
export interface DsGraphqlError {
	message: string;
	path?: (string | number)[];
	extensions?: { code?: string; [key: string]: unknown };
}
