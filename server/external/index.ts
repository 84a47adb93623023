/** server/external — RGE (ADEME) and company-state (Annuaire des entreprises) checks by SIRET, cached and rate-limited. */
export * from './external-types.ts';
export * from './external-config.ts';
export * from './external-checks.ts';
export { normaliseSiret, isValidSiret, siretProblem } from './siret.ts';
export { fetchRgeHistory, DirectoryUnavailable, MAX_RGE_PAGES } from './rge-client.ts';
export { fetchCompanyState } from './company-client.ts';
