/**
 * Quote (devis) checking: reading (`read/`), extraction without LLM (`extract/`), rules as data
 * (`rules/`), the check pipeline (`check/`) and the Grist tables of the results.
 */
export * from './read/index.ts';
export * from './extract/index.ts';
export * from './rules/index.ts';
export * from './check/index.ts';
export * from './grist-output.ts';
