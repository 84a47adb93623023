/** server/db — the database: drizzle schema, connection (PGlite or PostgreSQL), migrations, locks. */
export * from './schema.ts';
export * from './database.ts';
export * from './advisory-lock.ts';
export * from './migrate.ts';
