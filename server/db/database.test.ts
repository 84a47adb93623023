import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import { emptyPgliteTemplate, openTestDatabase } from '../testing/pglite.ts';
import { describePostgres, startPostgres, type TestPostgres } from '../testing/postgres.ts';
import { withAdvisoryLock, lockKeyToBigint } from './advisory-lock.ts';
import { openDatabase, type Database } from './database.ts';
import { loadMigrations, migrate, MIGRATIONS_TABLE, type Migration } from './migrate.ts';
import { demarcheConfigs } from './schema.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tableNames(database: Database): Promise<string[]> {
	const rows = await database.query<{ table_name: string }>(
		`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`
	);
	return rows.map((r) => r.table_name);
}

/** Two callers of `run` that would overlap without a lock; returns their [start, end] times. */
async function twoOverlappingCallers(
	run: (body: () => Promise<void>) => Promise<void>
): Promise<{ first: [number, number]; second: [number, number] }> {
	const times: Record<string, [number, number]> = {};
	let firstInside!: () => void;
	const firstHasLock = new Promise<void>((resolve) => (firstInside = resolve));
	const first = run(async () => {
		const start = performance.now();
		firstInside();
		await sleep(150);
		times.first = [start, performance.now()];
	});
	await firstHasLock;
	const second = run(async () => {
		const start = performance.now();
		await sleep(10);
		times.second = [start, performance.now()];
	});
	await Promise.all([first, second]);
	return { first: times.first!, second: times.second! };
}

const migrations = loadMigrations();
const names = migrations.map((m) => m.name);
const OUR_TABLES = ['demarche_configs', MIGRATIONS_TABLE, 'secrets'];

describe('migrations on PGlite', () => {
	let database: Database;
	beforeAll(async () => {
		database = await openTestDatabase({ migrated: false });
	});
	afterAll(() => database.close());

	it('applies every migration once and records it', async () => {
		expect(database.kind).toBe('pglite');
		expect(await tableNames(database)).toStrictEqual([]);
		expect(names[0]).toBe('0001_initial');
		expect(await migrate(database, { migrations })).toStrictEqual(names);
		expect(await tableNames(database)).toEqual(expect.arrayContaining(OUR_TABLES));
		expect(await migrate(database, { migrations })).toStrictEqual([]);
		const rows = await database.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`);
		expect(rows).toStrictEqual(names.map((name) => ({ name })));
	});

	it('refuses a migration edited after it was applied', async () => {
		const edited: Migration[] = migrations.map((m) => ({ ...m, checksum: 'x' + m.checksum.slice(1) }));
		await expect(migrate(database, { migrations: edited })).rejects.toMatchObject({
			code: 'db_migration_changed'
		});
	});

	it('rolls back a failing migration and reports it', async () => {
		const broken: Migration = {
			name: '0999_broken',
			sql: 'CREATE TABLE half_done (a int); SELECT * FROM missing_table;',
			checksum: 'c'
		};
		await expect(migrate(database, { migrations: [...migrations, broken] })).rejects.toMatchObject({
			code: 'db_migration_failed'
		});
		expect(await tableNames(database)).not.toContain('half_done');
		expect(await database.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`)).toStrictEqual(
			names.map((name) => ({ name }))
		);
	});

	it('runs the drizzle schema against the migrated tables (jsonb round trip, unique key)', async () => {
		const row = {
			id: 'cfg-1',
			docId: 'doc-a',
			demarcheNumber: 1234,
			dsUrl: 'https://www.demarches-simplifiees.fr',
			tokenSecretId: null,
			tablePrefix: 'DS_',
			filters: { states: ['en_instruction'] },
			syncState: { cursor: 'abc' }
		};
		await database.db.insert(demarcheConfigs).values(row);
		const [read] = await database.db.select().from(demarcheConfigs).where(eq(demarcheConfigs.id, 'cfg-1'));
		expect({ ...read, createdAt: undefined, updatedAt: undefined }).toStrictEqual({
			...row,
			createdAt: undefined,
			updatedAt: undefined
		});
		await expect(database.db.insert(demarcheConfigs).values({ ...row, id: 'cfg-2' })).rejects.toThrow();
	});

	it('serialises withAdvisoryLock callers with a process-local mutex', async () => {
		const { first, second } = await twoOverlappingCallers((body) =>
			withAdvisoryLock(database, 'test-lock', async () => body())
		);
		expect(second[0]).toBeGreaterThanOrEqual(first[1]);
	});

	it('rolls back a failed transaction', async () => {
		await expect(
			database.transaction(async (tx) => {
				await tx.query(`INSERT INTO demarche_configs (id, doc_id, demarche_number, ds_url, table_prefix)
					VALUES ('tx-1', 'doc-tx', 1, 'u', 'p')`);
				throw new Error('stop');
			})
		).rejects.toThrow('stop');
		expect(await database.query(`SELECT id FROM demarche_configs WHERE id = 'tx-1'`)).toStrictEqual([]);
	});
});

describe('PGlite data folder', () => {
	it('keeps data in <dataDir>/pglite across reopenings', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-db-'));
		try {
			const config = { databaseUrl: undefined, dataDir };
			const first = await openDatabase(config, { pgliteTemplate: await emptyPgliteTemplate() });
			await migrate(first, { migrations });
			await first.exec(`INSERT INTO demarche_configs (id, doc_id, demarche_number, ds_url, table_prefix)
				VALUES ('kept', 'doc', 7, 'u', 'p')`);
			await first.close();
			expect(existsSync(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
			const second = await openDatabase(config);
			expect(await migrate(second, { migrations })).toStrictEqual([]);
			expect(await second.query('SELECT id, demarche_number FROM demarche_configs')).toStrictEqual([
				{ id: 'kept', demarche_number: 7 }
			]);
			await second.close();
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
		}
	});
});

describe('lock keys', () => {
	it('hashes names to stable signed 64-bit integers and keeps integers', () => {
		expect(lockKeyToBigint(42)).toBe(42n);
		expect(lockKeyToBigint(2n ** 63n)).toBe(-(2n ** 63n));
		const a = lockKeyToBigint('passerelle:migrations');
		expect(a).toBe(lockKeyToBigint('passerelle:migrations'));
		expect(a).not.toBe(lockKeyToBigint('passerelle:other'));
		expect(a >= -(2n ** 63n) && a < 2n ** 63n).toBe(true);
	});
});

describePostgres('migrations and locks on PostgreSQL', () => {
	let server: TestPostgres;
	const open: Database[] = [];
	const connect = async (url: string) => {
		const database = await openDatabase({ databaseUrl: url, dataDir: tmpdir() });
		open.push(database);
		return database;
	};
	beforeAll(async () => {
		server = await startPostgres();
	});
	afterAll(async () => {
		await Promise.all(open.map((d) => d.close()));
		await server?.stop();
	});

	it('applies migrations, then none the second time', async () => {
		const database = await connect(await server.createDatabase('single'));
		expect(database.kind).toBe('postgres');
		expect(await migrate(database, { migrations })).toStrictEqual(names);
		expect(await tableNames(database)).toEqual(expect.arrayContaining(OUR_TABLES));
		expect(await migrate(database, { migrations })).toStrictEqual([]);
	});

	it('applies each migration exactly once when two instances migrate together', async () => {
		const url = await server.createDatabase('concurrent');
		const [a, b] = await Promise.all([connect(url), connect(url)]);
		// A slow extra migration widens the window in which an unlocked second instance would race.
		const slow: Migration = {
			name: '9999_slow',
			sql: 'SELECT pg_sleep(0.3); CREATE TABLE slow_marker (a int);',
			checksum: 's'
		};
		const list = [...migrations, slow];
		const [appliedA, appliedB] = await Promise.all([
			migrate(a!, { migrations: list }),
			migrate(b!, { migrations: list })
		]);
		expect([...appliedA, ...appliedB].sort()).toStrictEqual([...names, '9999_slow']);
		expect([appliedA, appliedB].filter((x) => x.length === 0)).toHaveLength(1);
		expect(await a!.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`)).toStrictEqual(
			[...names, '9999_slow'].map((name) => ({ name }))
		);
	});

	it('withAdvisoryLock keeps two instances from overlapping (and they do overlap without it)', async () => {
		const url = await server.createDatabase('locks');
		const [a, b] = await Promise.all([connect(url), connect(url)]);
		let turn = 0;
		const locked = await twoOverlappingCallers((body) =>
			withAdvisoryLock(turn++ === 0 ? a! : b!, 'shared-job', async (session) => {
				await session.query('SELECT 1');
				await body();
			})
		);
		expect(locked.second[0]).toBeGreaterThanOrEqual(locked.first[1]);

		// Control: different keys do not exclude each other, so the measure above can fail.
		turn = 0;
		const unlocked = await twoOverlappingCallers((body) =>
			withAdvisoryLock(turn === 0 ? a! : b!, `key-${turn++}`, async () => body())
		);
		expect(unlocked.second[0]).toBeLessThan(unlocked.first[1]);
	});

	it('reports an unreachable server as a retryable PasserelleError', async () => {
		const error = await openDatabase({
			databaseUrl: 'postgres://postgres@127.0.0.1:1/none',
			dataDir: tmpdir()
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PasserelleError);
		expect(error).toMatchObject({ code: 'db_unavailable', retryable: true });
	});
});
