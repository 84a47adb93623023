/** server/ds-fake — a local Démarches Simplifiées GraphQL server for tests, the demo and benchmarks. */
export {
	startFakeDs,
	bearerToken,
	type FakeDs,
	type FakeDsOptions,
	type FakeDsStats,
	type FakeDsTokens,
	type FakeDsDeletions,
	type FaultConfig
} from './fake-ds-server.ts';
export {
	DsStore,
	type DossierTarget,
	type DossierState,
	type DeletedDossierReason,
	type FakeDossier,
	type FakeDeletedDossier,
	type FakeFile,
	type LabelColor
} from './dossier-store.ts';
export type { FakeChamp } from './champ-values.ts';
export type { PoisonMode } from './ds-graphql.ts';
export { loadDsSchema, defaultSchemaPath } from './ds-graphql.ts';
export { STABLE, CHAMP_TYPENAME } from './form-spec.ts';
export { champId, rowChampId, rowTypedId, typedId, encodeCursor, decodeCursor } from './ds-format.ts';
export { createFakeDsControl, type FakeDsControl } from './fake-ds-control.ts';
export { FULL_DOSSIERS_QUERY, DOSSIER_FIELDS, unaliasDossier } from './test-queries.ts';
