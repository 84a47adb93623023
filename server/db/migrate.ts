import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PasserelleError } from '#widget/errors.ts';
import type { Logger } from '../log.ts';
import { withAdvisoryLock } from './advisory-lock.ts';
import type { Database, DbSession } from './database.ts';

/** One SQL migration file. */
export interface Migration {
	/** File name without `.sql`, e.g. `0001_initial`; recorded once applied. */
	name: string;
	sql: string;
	/** SHA-256 of the SQL, so an edited, already-applied migration is noticed. */
	checksum: string;
}

/** Lock name shared by every instance migrating the same database. */
export const MIGRATION_LOCK_KEY = 'passerelle:migrations';

/** Table recording applied migrations. */
export const MIGRATIONS_TABLE = 'passerelle_migrations';

const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * Folder of the SQL migrations: beside this file when run from source, else
 * `server/db/migrations` under the working directory (the built server is bundled elsewhere).
 */
export function defaultMigrationsDir(): string {
	const here = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
	try {
		readdirSync(here);
		return here;
	} catch {
		return join(process.cwd(), 'server', 'db', 'migrations');
	}
}

/** Reads the `NNNN_name.sql` files in order; refuses other names and duplicate numbers. */
export function loadMigrations(dir: string = defaultMigrationsDir()): Migration[] {
	let files: string[];
	try {
		files = readdirSync(dir);
	} catch (cause) {
		throw new PasserelleError(
			'db_migrations_missing',
			`Dossier des migrations introuvable : ${dir}.`,
			false,
			{
				cause
			}
		);
	}
	const migrations: Migration[] = [];
	const numbers = new Set<string>();
	for (const file of files.filter((f) => f.endsWith('.sql')).sort()) {
		const match = FILE_PATTERN.exec(file);
		if (!match?.[1] || numbers.has(match[1])) {
			throw new PasserelleError(
				'db_migration_invalid',
				`Nom de migration invalide ou numéro en double : ${file} (attendu NNNN_nom.sql).`
			);
		}
		numbers.add(match[1]);
		const sql = readFileSync(join(dir, file), 'utf8');
		migrations.push({
			name: file.slice(0, -'.sql'.length),
			sql,
			checksum: createHash('sha256').update(sql).digest('hex')
		});
	}
	return migrations;
}

async function inTransaction(database: Database, session: DbSession, fn: (s: DbSession) => Promise<void>) {
	if (database.kind === 'pglite') return database.transaction(fn);
	// On PostgreSQL stay on the connection holding the advisory lock.
	await session.exec('BEGIN');
	try {
		await fn(session);
		await session.exec('COMMIT');
	} catch (error) {
		await session.exec('ROLLBACK').catch(() => {});
		throw error;
	}
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so
 * several instances starting together apply each one exactly once. Returns the names applied.
 */
export async function migrate(
	database: Database,
	options: { migrations?: Migration[]; log?: Logger } = {}
): Promise<string[]> {
	const migrations = options.migrations ?? loadMigrations();
	return withAdvisoryLock(database, MIGRATION_LOCK_KEY, async (session) => {
		await session.exec(
			`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
				name text PRIMARY KEY,
				checksum text NOT NULL,
				applied_at timestamptz NOT NULL DEFAULT now()
			)`
		);
		const rows = await session.query<{ name: string; checksum: string }>(
			`SELECT name, checksum FROM ${MIGRATIONS_TABLE}`
		);
		const applied = new Map(rows.map((r) => [r.name, r.checksum]));
		const done: string[] = [];
		for (const migration of migrations) {
			const checksum = applied.get(migration.name);
			if (checksum !== undefined) {
				if (checksum !== migration.checksum) {
					throw new PasserelleError(
						'db_migration_changed',
						`La migration ${migration.name} a été modifiée après avoir été appliquée : ajoutez une nouvelle migration au lieu de la modifier.`,
						false,
						{ details: { migration: migration.name } }
					);
				}
				continue;
			}
			options.log?.info('Migration de la base', { migration: migration.name, kind: database.kind });
			try {
				await inTransaction(database, session, async (tx) => {
					await tx.exec(migration.sql);
					await tx.query(`INSERT INTO ${MIGRATIONS_TABLE} (name, checksum) VALUES ($1, $2)`, [
						migration.name,
						migration.checksum
					]);
				});
			} catch (cause) {
				throw new PasserelleError(
					'db_migration_failed',
					`La migration ${migration.name} a échoué : ${(cause as Error).message}`,
					false,
					{ cause, details: { migration: migration.name } }
				);
			}
			done.push(migration.name);
		}
		return done;
	});
}
