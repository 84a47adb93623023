/** worker/ds — the DS → Grist engine: queries, form plan, champ mapping, sync orchestration, worker shell and client. */
export * from './ds-types.ts';
export * from './ds-queries.ts';
export * from './ds-errors.ts';
export * from './ds-transport.ts';
export * from './ds-throttle.ts';
export * from './ds-caller.ts';
export * from './ds-pager.ts';
export * from './form-plan.ts';
export * from './champ-values.ts';
export * from './dossier-rows.ts';
export * from './grist-writer.ts';
export * from './ds-state.ts';
export * from './ds-sync.ts';
export * from './ds-worker-api.ts';
export * from './ds-client.ts';
