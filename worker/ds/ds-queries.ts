/**
 * Our GraphQL documents for the DS API v2 (ds.md §1–2). Every document is validated against
 * `shared/ds/schema.graphql` in `ds-queries.test.ts`.
 *
 * Fields that share a name but not a type across champ types (`value` is String, BigInt, Float,
 * Boolean…) are aliased: GraphQL refuses to merge them otherwise.
 */

/**
 * Champ values for every concrete champ type, so DS never falls back to `TextChamp` (ds.md §1.6).
 * No champ `id` nor `__typename`: champs are keyed by `champDescriptorId` (block rows by
 * `Row.id`) and their type comes from the descriptor; the two would add a quarter to every page.
 */
const CHAMP_FIELDS = /* GraphQL */ `
	fragment ChampFields on Champ {
		champDescriptorId
		stringValue
		... on TextChamp {
			textValue: value
		}
		... on IntegerNumberChamp {
			integerValue: value
		}
		... on DecimalNumberChamp {
			decimalValue: value
		}
		... on DateChamp {
			date
		}
		... on DatetimeChamp {
			datetime
		}
		... on CheckboxChamp {
			checked: value
		}
		... on YesNoChamp {
			yesNo: value
		}
		... on CiviliteChamp {
			civilite: value
		}
		... on DropDownListChamp {
			choice: value
		}
		... on MultipleDropDownListChamp {
			values
		}
		... on LinkedDropDownListChamp {
			primaryValue
			secondaryValue
		}
		... on PieceJustificativeChamp {
			files {
				filename
				contentType
				checksum
				byteSizeBigInt
			}
		}
		... on TitreIdentiteChamp {
			filled
		}
		... on AddressChamp {
			address {
				label
				postalCode
				cityName
				cityCode
				departmentCode
				departmentName
				regionCode
				regionName
			}
		}
		... on CommuneChamp {
			commune {
				name
				code
				postalCode
			}
			departement {
				code
				name
			}
		}
		... on DepartementChamp {
			departement {
				code
				name
			}
		}
		... on RegionChamp {
			region {
				code
				name
			}
		}
		... on PaysChamp {
			pays {
				code
				name
			}
		}
		... on EpciChamp {
			epci {
				code
				name
			}
			departement {
				code
				name
			}
		}
		... on SiretChamp {
			etablissement {
				siret
				entreprise {
					raisonSociale
				}
			}
		}
		... on RNAChamp {
			rna {
				id
				title
			}
		}
		... on RNFChamp {
			rnf {
				id
				title
			}
		}
		... on DossierLinkChamp {
			dossier {
				number
			}
		}
		... on CarteChamp {
			geoAreas {
				source
				description
				... on ParcelleCadastrale {
					commune
					section
					numero
					prefixe
					surface
				}
			}
		}
		... on EngagementJuridiqueChamp {
			engagementJuridique {
				montantEngage
				montantPaye
			}
		}
		... on HeaderSectionChamp {
			level
		}
		... on ExplicationChamp {
			stringValue
		}
	}
`;

/** A top-level champ: the champ itself, plus repetition rows (blocks do not nest). */
const ROOT_CHAMP_FIELDS = /* GraphQL */ `
	fragment RootChampFields on Champ {
		...ChampFields
		... on RepetitionChamp {
			rows {
				id
				champs {
					...ChampFields
				}
			}
		}
	}
	${CHAMP_FIELDS}
`;

/** The dossier as Passerelle stores it: dossier-level columns, champs and annotations. */
const DOSSIER_FIELDS = /* GraphQL */ `
	fragment DossierFields on Dossier {
		id
		number
		state
		archived
		prefilled
		deposeParUnTiers
		connectionUsager
		dateDepot
		datePassageEnConstruction
		datePassageEnInstruction
		dateTraitement
		dateDerniereModification
		dateDerniereModificationChamps
		dateDerniereModificationAnnotations
		dateExpiration
		dateSuppressionParUsager
		dateSuppressionParAdministration
		dateDerniereCorrectionEnAttente
		datePrevisionnelleDecisionSVASVR
		motivation
		nomMandataire
		prenomMandataire
		usager {
			email
		}
		groupeInstructeur {
			number
			label
		}
		labels {
			name
		}
		instructeurs {
			email
		}
		demarche {
			number
			revision {
				id
			}
		}
		demandeur {
			__typename
			... on PersonnePhysique {
				civilite
				nom
				prenom
				email
			}
			... on PersonneMorale {
				siret
				naf
				libelleNaf
				address {
					label
				}
				entreprise {
					raisonSociale
				}
				association {
					titre
				}
			}
			... on PersonneMoraleIncomplete {
				siret
			}
		}
		champs {
			...RootChampFields
		}
		annotations {
			...RootChampFields
		}
	}
	${ROOT_CHAMP_FIELDS}
`;

/** A page of full dossiers, in either direction (`first`/`after` or `last`/`before`). */
const DOSSIER_PAGE_FIELDS = /* GraphQL */ `
	fragment DossierPageFields on DossierConnection {
		pageInfo {
			hasNextPage
			endCursor
			hasPreviousPage
			startCursor
		}
		nodes {
			...DossierFields
		}
	}
	${DOSSIER_FIELDS}
`;

const DESCRIPTOR_FIELDS = /* GraphQL */ `
	fragment DescriptorFields on ChampDescriptor {
		__typename
		id
		label
		description
		required
		... on DropDownListChampDescriptor {
			options
			otherOption
		}
		... on MultipleDropDownListChampDescriptor {
			options
		}
		... on LinkedDropDownListChampDescriptor {
			options
		}
		... on DepartementChampDescriptor {
			departements: options {
				code
				name
			}
		}
		... on RegionChampDescriptor {
			regions: options {
				code
				name
			}
		}
		... on PaysChampDescriptor {
			pays: options {
				code
				name
			}
		}
	}
`;

/** Form structure of a démarche: every revision with its descriptors, groups and labels. */
const DEMARCHE_SCHEMA_FIELDS = /* GraphQL */ `
	fragment DemarcheSchemaFields on Demarche {
		id
		number
		title
		state
		dateDerniereModification
		activeRevision {
			id
		}
		revisions {
			id
			dateCreation
			datePublication
			champDescriptors {
				...DescriptorFields
				... on RepetitionChampDescriptor {
					champDescriptors {
						...DescriptorFields
					}
				}
			}
			annotationDescriptors {
				...DescriptorFields
				... on RepetitionChampDescriptor {
					champDescriptors {
						...DescriptorFields
					}
				}
			}
		}
		groupeInstructeurs {
			number
			label
			closed
		}
		labels {
			name
			color
		}
	}
	${DESCRIPTOR_FIELDS}
`;

/** Form structure alone (1 request per run when the first page cannot come with it). */
export const DEMARCHE_SCHEMA_QUERY = /* GraphQL */ `
	query PasserelleDemarcheSchema($demarche: Int!) {
		demarche(number: $demarche) {
			...DemarcheSchemaFields
		}
	}
	${DEMARCHE_SCHEMA_FIELDS}
`;

/** One page of full dossiers of a démarche: `first`/`after` forwards, or `last`/`before` backwards (≤ 100). */
export const DOSSIERS_PAGE_QUERY = /* GraphQL */ `
	query PasserelleDossiersPage(
		$demarche: Int!
		$first: Int
		$after: String
		$last: Int
		$before: String
		$state: DossierState
		$createdSince: ISO8601DateTime
		$updatedSince: ISO8601DateTime
	) {
		demarche(number: $demarche) {
			dossiers(
				first: $first
				after: $after
				last: $last
				before: $before
				state: $state
				createdSince: $createdSince
				updatedSince: $updatedSince
			) {
				...DossierPageFields
			}
		}
	}
	${DOSSIER_PAGE_FIELDS}
`;

/**
 * The form and the first page of dossiers in one request: a run's first round trip does both
 * (one request and one latency less per run). Same arguments as DOSSIERS_PAGE_QUERY, forwards.
 */
export const DEMARCHE_SCHEMA_AND_PAGE_QUERY = /* GraphQL */ `
	query PasserelleDemarcheSchemaEtPage(
		$demarche: Int!
		$first: Int
		$after: String
		$state: DossierState
		$createdSince: ISO8601DateTime
		$updatedSince: ISO8601DateTime
	) {
		demarche(number: $demarche) {
			...DemarcheSchemaFields
			dossiers(
				first: $first
				after: $after
				state: $state
				createdSince: $createdSince
				updatedSince: $updatedSince
			) {
				...DossierPageFields
			}
		}
	}
	${DEMARCHE_SCHEMA_FIELDS}
	${DOSSIER_PAGE_FIELDS}
`;

/** One page of full dossiers of one groupe instructeur: DS's only server-side group filter. */
export const GROUPE_DOSSIERS_PAGE_QUERY = /* GraphQL */ `
	query PasserelleGroupeDossiersPage(
		$groupe: Int!
		$first: Int
		$after: String
		$last: Int
		$before: String
		$state: DossierState
		$createdSince: ISO8601DateTime
		$updatedSince: ISO8601DateTime
	) {
		groupeInstructeur(number: $groupe) {
			dossiers(
				first: $first
				after: $after
				last: $last
				before: $before
				state: $state
				createdSince: $createdSince
				updatedSince: $updatedSince
			) {
				...DossierPageFields
			}
		}
	}
	${DOSSIER_PAGE_FIELDS}
`;

/** Dossier numbers only, 100 per page: the listing step of the per-dossier way (bench baseline). */
export const DOSSIER_NUMBERS_QUERY = /* GraphQL */ `
	query PasserelleDossierNumbers($demarche: Int!, $first: Int!, $after: String) {
		demarche(number: $demarche) {
			dossiers(first: $first, after: $after) {
				pageInfo {
					hasNextPage
					endCursor
				}
				edges {
					cursor
					node {
						number
					}
				}
			}
		}
	}
`;

/**
 * Page info only, no dossier field: the cursor just past a dossier DS cannot serve, so the run
 * can step over it (with `first: 1`).
 */
export const DOSSIER_CURSOR_QUERY = /* GraphQL */ `
	query PasserelleDossierCursor(
		$demarche: Int!
		$first: Int!
		$after: String
		$state: DossierState
		$createdSince: ISO8601DateTime
		$updatedSince: ISO8601DateTime
	) {
		demarche(number: $demarche) {
			dossiers(
				first: $first
				after: $after
				state: $state
				createdSince: $createdSince
				updatedSince: $updatedSince
			) {
				pageInfo {
					hasNextPage
					endCursor
				}
			}
		}
	}
`;

/** Same as DOSSIER_CURSOR_QUERY inside one groupe instructeur. */
export const GROUPE_DOSSIER_CURSOR_QUERY = /* GraphQL */ `
	query PasserelleGroupeDossierCursor(
		$groupe: Int!
		$first: Int!
		$after: String
		$state: DossierState
		$createdSince: ISO8601DateTime
		$updatedSince: ISO8601DateTime
	) {
		groupeInstructeur(number: $groupe) {
			dossiers(
				first: $first
				after: $after
				state: $state
				createdSince: $createdSince
				updatedSince: $updatedSince
			) {
				pageInfo {
					hasNextPage
					endCursor
				}
			}
		}
	}
`;

/** Labels only (they do not bump `updated_at`, so `updatedSince` misses them): the cheap pass. */
export const LABELS_PAGE_QUERY = /* GraphQL */ `
	query PasserelleLabelsPage($demarche: Int!, $first: Int!, $after: String) {
		demarche(number: $demarche) {
			dossiers(first: $first, after: $after) {
				pageInfo {
					hasNextPage
					endCursor
				}
				nodes {
					number
					labels {
						name
					}
				}
			}
		}
	}
`;

/** Final deletions since a date (cheap, indexed on DS's side): every run. */
export const DELETED_DOSSIERS_QUERY = /* GraphQL */ `
	query PasserelleDeletedDossiers(
		$demarche: Int!
		$first: Int!
		$after: String
		$deletedSince: ISO8601DateTime
	) {
		demarche(number: $demarche) {
			deletedDossiers(first: $first, after: $after, deletedSince: $deletedSince) {
				pageInfo {
					hasNextPage
					endCursor
				}
				nodes {
					number
					dateSupression
					reason
					state
				}
			}
		}
	}
`;

/** Dossiers in the trash, restorable (expensive on DS's side): at a low cadence. */
export const PENDING_DELETED_DOSSIERS_QUERY = /* GraphQL */ `
	query PasserellePendingDeletedDossiers($demarche: Int!, $first: Int!, $after: String) {
		demarche(number: $demarche) {
			pendingDeletedDossiers(first: $first, after: $after) {
				pageInfo {
					hasNextPage
					endCursor
				}
				nodes {
					number
					dateSupression
					reason
					state
				}
			}
		}
	}
`;

/** One dossier alone (complexity ≈ 430): culprit isolation and "refresh this dossier". */
export const DOSSIER_QUERY = /* GraphQL */ `
	query PasserelleDossier($number: Int!) {
		dossier(number: $number) {
			...DossierFields
		}
	}
	${DOSSIER_FIELDS}
`;

/** The cheapest call that proves the token sees the démarche. */
export const CONNECTION_TEST_QUERY = /* GraphQL */ `
	query PasserelleConnectionTest($demarche: Int!) {
		demarche(number: $demarche) {
			id
			number
			title
			state
		}
	}
`;

/** Every document Passerelle may send to DS: the proxy route only forwards these. */
export const DS_QUERY_DOCUMENTS: Readonly<Record<string, string>> = {
	PasserelleDemarcheSchema: DEMARCHE_SCHEMA_QUERY,
	PasserelleDemarcheSchemaEtPage: DEMARCHE_SCHEMA_AND_PAGE_QUERY,
	PasserelleDossiersPage: DOSSIERS_PAGE_QUERY,
	PasserelleGroupeDossiersPage: GROUPE_DOSSIERS_PAGE_QUERY,
	PasserelleDossierNumbers: DOSSIER_NUMBERS_QUERY,
	PasserelleDossierCursor: DOSSIER_CURSOR_QUERY,
	PasserelleGroupeDossierCursor: GROUPE_DOSSIER_CURSOR_QUERY,
	PasserelleLabelsPage: LABELS_PAGE_QUERY,
	PasserelleDeletedDossiers: DELETED_DOSSIERS_QUERY,
	PasserellePendingDeletedDossiers: PENDING_DELETED_DOSSIERS_QUERY,
	PasserelleDossier: DOSSIER_QUERY,
	PasserelleConnectionTest: CONNECTION_TEST_QUERY
};

const KNOWN = new Set(Object.values(DS_QUERY_DOCUMENTS));

/** True when `query` is exactly one of our documents (the proxy refuses anything else, e.g. mutations). */
export function isKnownDsQuery(query: string): boolean {
	return KNOWN.has(query);
}
