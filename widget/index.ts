/** widget/ — the Grist bridge: the GristPort contract, table specs, user actions, adapters. */
export * from './errors.ts';
export * from './grist-types.ts';
export * from './table-spec.ts';
export * from './user-actions.ts';
export * from './grist-port.ts';
export * from './plugin-backend.ts';
export * from './rest-backend.ts';
export * from './grist-plugin-api.ts';
export * from './memory-backend.ts';
