import { PasserelleError, toErrorPayload } from '#widget/errors.ts';
import { loadConfig, type ServerConfig } from './config.ts';
import { openDatabase, type Database, type OpenDatabaseOptions } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { createLogger, type Logger } from './log.ts';
import { createSecretsStore, type SecretsStore } from './secrets/secrets-store.ts';

/** Everything a route needs: configuration, the migrated database, secrets and the logger. */
export interface AppContext {
	config: ServerConfig;
	db: Database;
	secrets: SecretsStore;
	log: Logger;
}

/** Builds a context: opens and migrates the database once. Most code wants `getContext()`. */
export async function createContext(
	config: ServerConfig,
	options: { database?: OpenDatabaseOptions; log?: Logger } = {}
): Promise<AppContext> {
	const log = options.log ?? createLogger({ level: config.logLevel, base: { service: 'passerelle' } });
	for (const key of [config.secretKeys.current, config.secretKeys.previous]) {
		if (key)
			for (const form of ['base64', 'base64url', 'hex'] as const) log.addSecretValue(key.key.toString(form));
	}
	const db = await openDatabase(config, options.database);
	try {
		const applied = await migrate(db, { log });
		log.info('Base de données prête', {
			database: db.kind,
			migrationsApplied: applied.length,
			demo: config.demo
		});
	} catch (error) {
		await db.close().catch(() => {});
		throw error;
	}
	return { config, db, secrets: createSecretsStore(db, config.secretKeys), log };
}

let config: ServerConfig | undefined;
let pending: Promise<AppContext> | undefined;
let ready: AppContext | undefined;

/** The process configuration, read from `process.env` on first use (throws `config_invalid`). */
export function getConfig(): ServerConfig {
	config ??= loadConfig();
	return config;
}

/** The process-wide context, created on first call; a failed start is retried on the next call. */
export function getContext(): Promise<AppContext> {
	if (!pending) {
		const attempt = Promise.resolve()
			.then(() => createContext(getConfig()))
			.then((context) => (ready = context));
		pending = attempt;
		attempt.catch(() => {
			if (pending === attempt) pending = undefined;
		});
	}
	return pending;
}

/** The context if it is already up, without starting it (for error handlers). */
export function peekContext(): AppContext | undefined {
	return ready;
}

/** Closes the database and forgets the context (tests, graceful shutdown). */
export async function closeContext(): Promise<void> {
	const current = pending;
	pending = undefined;
	ready = undefined;
	const context = await current?.catch(() => undefined);
	await context?.db.close();
}

/** Body of `GET /api/health`. */
export type HealthBody =
	| { status: 'ok'; version: string; database: Database['kind']; demo: boolean }
	| { status: 'error'; code: string; message: string };

/** Checks the database with a real `select 1`; 503 with a French message when it fails. */
export async function checkHealth(
	context: () => Promise<AppContext> = getContext
): Promise<{ status: 200 | 503; body: HealthBody }> {
	let ctx: AppContext | undefined;
	try {
		ctx = await context();
		const rows = await ctx.db.query<{ ok: number }>('SELECT 1 AS ok');
		if (rows[0]?.ok !== 1) throw new Error('SELECT 1 returned no row');
		return {
			status: 200,
			body: { status: 'ok', version: ctx.config.version, database: ctx.db.kind, demo: ctx.config.demo }
		};
	} catch (error) {
		(ctx?.log ?? createLogger()).error('Contrôle de santé en échec', { error });
		const code = error instanceof PasserelleError ? error.code : 'db_unavailable';
		const message =
			error instanceof PasserelleError && error.code === 'config_invalid'
				? toErrorPayload(error).message
				: 'La base de données ne répond pas : le service est momentanément indisponible.';
		return { status: 503, body: { status: 'error', code, message } };
	}
}
