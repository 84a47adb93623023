import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase, type Database } from '../db/database.ts';
import { loadMigrations, migrate } from '../db/migrate.ts';

// The package does not export its package.json: read it beside its entry point.
const pgliteVersion = (
	JSON.parse(
		readFileSync(
			join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '..', 'package.json'),
			'utf8'
		)
	) as { version: string }
).version;

/** Templates live on disk so test files (separate processes) pay PGlite's initdb once per machine. */
const TEMPLATE_DIR = join(tmpdir(), 'passerelle-pglite-templates');

const memo = new Map<string, Promise<Blob>>();

async function cachedTemplate(name: string, build: () => Promise<Blob>): Promise<Blob> {
	const path = join(TEMPLATE_DIR, `${name}.tar`);
	try {
		return new Blob([readFileSync(path)]);
	} catch {
		const blob = await build();
		mkdirSync(TEMPLATE_DIR, { recursive: true });
		// Write then rename: a concurrent reader never sees half a tarball.
		const partial = `${path}.${randomUUID()}.partial`;
		writeFileSync(partial, new Uint8Array(await blob.arrayBuffer()));
		renameSync(partial, path);
		return blob;
	}
}

function memoised(name: string, build: () => Promise<Blob>): Promise<Blob> {
	let promise = memo.get(name);
	if (!promise) {
		promise = cachedTemplate(name, build);
		promise.catch(() => memo.delete(name));
		memo.set(name, promise);
	}
	return promise;
}

/** A dump of a fresh, empty PGlite database (initdb done once, ~3 s, then reused). */
export function emptyPgliteTemplate(): Promise<Blob> {
	return memoised(`empty-${pgliteVersion}`, async () => {
		const client = await PGlite.create('memory://');
		try {
			return await client.dumpDataDir('none');
		} finally {
			await client.close();
		}
	});
}

/** A dump of a PGlite database with every current migration applied. */
export function migratedPgliteTemplate(): Promise<Blob> {
	const migrations = loadMigrations();
	const hash = createHash('sha256')
		.update(migrations.map((m) => `${m.name}:${m.checksum}`).join('\n'))
		.digest('hex')
		.slice(0, 16);
	return memoised(`migrated-${pgliteVersion}-${hash}`, async () => {
		const database = await openDatabase(
			{ databaseUrl: undefined, dataDir: tmpdir() },
			{ pgliteDataDir: 'memory://', pgliteTemplate: await emptyPgliteTemplate() }
		);
		try {
			await migrate(database, { migrations });
			const client = (database.db as unknown as { $client: PGlite }).$client;
			return await client.dumpDataDir('none');
		} finally {
			await database.close();
		}
	});
}

/** Opens a throwaway in-memory PGlite database (~0.5 s), migrated unless `migrated: false`. */
export async function openTestDatabase(options: { migrated?: boolean } = {}): Promise<Database> {
	const template = options.migrated === false ? await emptyPgliteTemplate() : await migratedPgliteTemplate();
	return openDatabase(
		{ databaseUrl: undefined, dataDir: tmpdir() },
		{ pgliteDataDir: 'memory://', pgliteTemplate: template }
	);
}
