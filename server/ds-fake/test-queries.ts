/**
 * Query documents used by the fake's own tests and benchmarks: a full dossier selection
 * whose result, once the aliases forced by GraphQL's field-merging rule are undone, equals
 * `truth()` exactly. It also shows the aliases any client needs for the `value` fields.
 */
import type { FakeChamp } from './champ-values.ts';
import type { FakeDossier } from './dossier-store.ts';

const FILE = 'filename contentType checksum byteSize byteSizeBigInt url createdAt virusScanResult';

const ADDRESS = `label type streetAddress streetNumber streetName postalCode cityName cityCode
departmentName departmentCode regionName regionCode countryCode countryName geometry { type coordinates }`;

const PERSONNE_MORALE = `__typename id siret siegeSocial naf libelleNaf address { ${ADDRESS} } adresse
codeInseeLocalite codePostal localite complementAdresse nomVoie numeroVoie typeVoie
entreprise { siren raisonSociale nomCommercial siretSiegeSocial formeJuridique formeJuridiqueCode inlineAdresse
  capitalSocial codeEffectifEntreprise dateCreation etatAdministratif effectifMensuel { periode nb }
  effectifAnnuel { periode nb } enseigne nom prenom numeroTvaIntracommunautaire
  attestationFiscaleAttachment { filename } attestationSocialeAttachment { filename } }
association { rna titre objet dateCreation dateDeclaration datePublication }`;

/** Aliases that `value` needs when several champ types are selected together. */
const VALUE_ALIASES = ['intValue', 'decimalValue', 'dateValue', 'checked', 'yesNo', 'civilite'] as const;

const CHAMP_FIELDS = `
fragment ChampFields on Champ {
  __typename id champDescriptorId label stringValue updatedAt prefilled
  ... on TextChamp { value }
  ... on IntegerNumberChamp { intValue: value }
  ... on DecimalNumberChamp { decimalValue: value }
  ... on DateChamp { date dateValue: value }
  ... on DatetimeChamp { datetime }
  ... on CheckboxChamp { checked: value }
  ... on YesNoChamp { yesNo: value }
  ... on CiviliteChamp { civilite: value }
  ... on DropDownListChamp { value }
  ... on MultipleDropDownListChamp { values }
  ... on LinkedDropDownListChamp { primaryValue secondaryValue }
  ... on PieceJustificativeChamp { files { ${FILE} } file { ${FILE} } }
  ... on TitreIdentiteChamp { filled grantType }
  ... on AddressChamp { address { ${ADDRESS} } commune { name code postalCode } departement { code name } }
  ... on CommuneChamp { commune { name code postalCode } departement { code name } }
  ... on DepartementChamp { departement { code name } }
  ... on RegionChamp { region { code name } }
  ... on PaysChamp { pays { code name } }
  ... on EpciChamp { epci { code name } departement { code name } }
  ... on SiretChamp { etablissement { ${PERSONNE_MORALE} } }
  ... on RNAChamp { rna { id title address { ${ADDRESS} } } commune { name code postalCode } departement { code name } }
  ... on RNFChamp { rnf { id title address { ${ADDRESS} } } commune { name code postalCode } departement { code name } }
  ... on DossierLinkChamp { dossier { number } }
  ... on CarteChamp {
    geoAreas {
      __typename id source description geometry { type coordinates }
      ... on ParcelleCadastrale { commune numero section prefixe surface codeArr codeCom codeDep nomCom feuille
        surfaceIntersection surfaceParcelle }
    }
  }
  ... on EngagementJuridiqueChamp { engagementJuridique { montantEngage montantPaye } }
  ... on HeaderSectionChamp { level }
  ... on ExplicationChamp { __typename }
}`;

const ROOT_CHAMP = `...ChampFields ... on RepetitionChamp { rows { id champs { ...ChampFields } } }`;

/** Every field `truth()` holds for a dossier. */
export const DOSSIER_FIELDS = `
fragment DossierFields on Dossier {
  __typename id number state archived prefilled connectionUsager deposeParUnTiers nomMandataire prenomMandataire
  dateDepot datePassageEnConstruction datePassageEnInstruction dateTraitement dateDerniereModification
  dateDerniereModificationChamps dateDerniereModificationAnnotations dateExpiration dateSuppressionParUsager
  dateSuppressionParAdministration dateDerniereCorrectionEnAttente datePrevisionnelleDecisionSVASVR dateTraitementSVASVR
  motivation motivationAttachment { filename } attestation { ${FILE} } pdf { ${FILE} } geojson { ${FILE} }
  usager { id email }
  demandeur {
    __typename id
    ... on PersonnePhysique { civilite nom prenom email dateDeNaissance }
    ... on PersonneMorale { ${PERSONNE_MORALE} }
    ... on PersonneMoraleIncomplete { siret }
  }
  groupeInstructeur { id number label closed }
  instructeurs { id email }
  labels { id name color }
  traitements { id event state dateTraitement emailAgentTraitant motivation }
  avis { id }
  messages { id }
  demarche { id number title revision { id } }
  revision { id }
  champs { ${ROOT_CHAMP} }
  annotations { ${ROOT_CHAMP} }
}
${CHAMP_FIELDS}`;

/** Paginates `demarche.dossiers` with every field. Variables: number, first, after, updatedSince, createdSince, state. */
export const FULL_DOSSIERS_QUERY = `
query fullDossiers($number: Int!, $first: Int, $after: String, $updatedSince: ISO8601DateTime,
  $createdSince: ISO8601DateTime, $state: DossierState) {
  demarche(number: $number) {
    dossiers(first: $first, after: $after, updatedSince: $updatedSince, createdSince: $createdSince, state: $state) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      nodes { ...DossierFields }
    }
  }
}
${DOSSIER_FIELDS}`;

/** Undoes the `value` aliases of `ChampFields`, in place, so a served dossier compares to `truth()`. */
export function unaliasDossier(dossier: FakeDossier): FakeDossier {
	const fix = (champ: FakeChamp): void => {
		for (const alias of VALUE_ALIASES) {
			if (alias in champ) {
				champ.value = champ[alias];
				delete champ[alias];
			}
		}
		if (champ.__typename === 'ExplicationChamp') return;
		for (const row of (champ.rows as { champs: FakeChamp[] }[] | undefined) ?? []) row.champs.forEach(fix);
	};
	dossier.champs.forEach(fix);
	dossier.annotations.forEach(fix);
	return dossier;
}
