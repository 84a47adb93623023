import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { PasserelleError } from '#widget/errors.ts';
import type { ServerConfig } from '../config.ts';
import { schema, type Schema } from './schema.ts';

/** The drizzle database, the same type on PGlite and on PostgreSQL. */
export type AppDb = PgDatabase<PgQueryResultHKT, Schema>;

/** Which engine holds the data. */
export type DatabaseKind = 'pglite' | 'postgres';

/** One connection's worth of raw SQL: parameterised queries and multi-statement scripts. */
export interface DbSession {
	/** Runs one statement with `$1…` parameters and returns its rows. */
	query<T extends Record<string, unknown> = Record<string, unknown>>(
		sql: string,
		params?: readonly unknown[]
	): Promise<T[]>;
	/** Runs a script of several statements without parameters (migrations). */
	exec(sql: string): Promise<void>;
}

/** An open database: drizzle for typed queries, raw SQL for the rest, and its kind. */
export interface Database extends DbSession {
	readonly kind: DatabaseKind;
	readonly db: AppDb;
	/** Runs `fn` inside one transaction on one connection; rolls back if it throws. */
	transaction<T>(fn: (session: DbSession) => Promise<T>): Promise<T>;
	/**
	 * Runs `fn` with a connection of its own for as long as it runs (PostgreSQL); on PGlite,
	 * the single connection. Session-level state such as advisory locks lives there.
	 */
	withSession<T>(fn: (session: DbSession) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}

/** Options mostly for tests: where PGlite keeps its files, or a template to start from. */
export interface OpenDatabaseOptions {
	/** PGlite data folder; `memory://` keeps it in memory. Defaults to `<dataDir>/pglite`. */
	pgliteDataDir?: string;
	/** A `dumpDataDir()` tarball to start a new (empty-folder) PGlite from: fast test databases. */
	pgliteTemplate?: Blob;
	/** Connections in the PostgreSQL pool (advisory locks keep one busy). */
	poolSize?: number;
}

function dbUnavailable(cause: unknown, kind: DatabaseKind): PasserelleError {
	return new PasserelleError(
		'db_unavailable',
		kind === 'postgres'
			? 'La base de données PostgreSQL est injoignable. Vérifiez DATABASE_URL et que le serveur PostgreSQL tourne.'
			: 'La base de données intégrée (PGlite) n’a pas pu s’ouvrir. Vérifiez le dossier de données.',
		true,
		{ cause, details: { kind } }
	);
}

function pgSession(client: pg.PoolClient | pg.Pool): DbSession {
	return {
		async query<T extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
			const result = await client.query(sql, params as unknown[]);
			return result.rows as T[];
		},
		async exec(sql: string) {
			// Without parameters node-postgres uses the simple protocol, which accepts several statements.
			await client.query(sql);
		}
	};
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
	const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
	// An idle client losing its server must not crash the process; the next query reports it.
	pool.on('error', () => {});
	try {
		const client = await pool.connect();
		client.release();
	} catch (cause) {
		await pool.end().catch(() => {});
		throw dbUnavailable(cause, 'postgres');
	}
	const db = drizzleNodePg({ client: pool, schema }) as unknown as AppDb;
	const poolSession = pgSession(pool);
	const withSession = async <T>(fn: (session: DbSession) => Promise<T>): Promise<T> => {
		const client = await pool.connect();
		let broken: Error | undefined;
		try {
			return await fn(pgSession(client));
		} catch (error) {
			// A connection whose state is unknown (aborted transaction, held lock) is not reused.
			broken = error instanceof Error ? error : new Error(String(error));
			throw error;
		} finally {
			client.release(broken);
		}
	};
	return {
		kind: 'postgres',
		db,
		query: poolSession.query,
		exec: poolSession.exec,
		withSession,
		transaction: (fn) =>
			withSession(async (session) => {
				await session.exec('BEGIN');
				try {
					const result = await fn(session);
					await session.exec('COMMIT');
					return result;
				} catch (error) {
					await session.exec('ROLLBACK').catch(() => {});
					throw error;
				}
			}),
		close: () => pool.end()
	};
}

type PgliteQueryable = Pick<PGlite, 'query' | 'exec'>;

function pgliteSession(client: PgliteQueryable): DbSession {
	return {
		async query<T extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
			const result = await client.query<T>(sql, params as unknown[]);
			return result.rows;
		},
		async exec(sql: string) {
			await client.exec(sql);
		}
	};
}

async function openPglite(
	config: Pick<ServerConfig, 'dataDir'>,
	options: OpenDatabaseOptions
): Promise<Database> {
	const dataDir = options.pgliteDataDir ?? join(config.dataDir, 'pglite');
	if (!dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
	let client: PGlite;
	try {
		client = await PGlite.create({ dataDir, loadDataDir: options.pgliteTemplate });
	} catch (cause) {
		throw dbUnavailable(cause, 'pglite');
	}
	const db = drizzlePglite({ client, schema }) as unknown as AppDb;
	const session = pgliteSession(client);
	return {
		kind: 'pglite',
		db,
		query: session.query,
		exec: session.exec,
		// PGlite has one connection; queries from elsewhere simply interleave on it.
		withSession: (fn) => fn(session),
		// PGlite's own transaction holds the connection exclusively, so other queries wait.
		transaction: (fn) => client.transaction((tx) => fn(pgliteSession(tx))),
		close: async () => {
			if (!client.closed) await client.close();
		}
	};
}

/**
 * Opens the database the configuration names: PostgreSQL (pool) when `databaseUrl` is set,
 * otherwise embedded PGlite under `<dataDir>/pglite`. Does not migrate (see `migrate`).
 */
export function openDatabase(
	config: Pick<ServerConfig, 'databaseUrl' | 'dataDir'>,
	options: OpenDatabaseOptions = {}
): Promise<Database> {
	return config.databaseUrl ? openPostgres(config.databaseUrl, options) : openPglite(config, options);
}
