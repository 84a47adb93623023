/** server/secrets — AES-256-GCM secrets stored in the database, and key rotation. */
export * from './secrets-store.ts';
