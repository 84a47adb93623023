/** server/auth — authorising widget→server calls for one Grist document. */
export * from './authorize.ts';
export * from './cors.ts';
