import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGristPort } from '#widget/grist-port.ts';
import { createMemoryBackend } from '#widget/memory-backend.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { startGristDouble, type GristDouble } from '../grist-double/index.ts';
import { createSecretsStore } from '../secrets/secrets-store.ts';
import { createDsConfigStore } from '../ds-configs/ds-configs.ts';
import { createDsGraphqlTransport } from '../ds/graphql-transport.ts';
import { startFakeDs } from '../ds-fake/index.ts';
import { parseDsRunCheckpoint, runDsSync } from '#worker/ds/ds-sync.ts';
import { describePostgres, startPostgres, type TestPostgres } from '../testing/postgres.ts';
import { requestRun, type RunRow } from './schedule-store.ts';
import { tickSchedules } from './scheduler.ts';
import { connectDocument, insertConfig, memoryLogger, testSecretKey, waitFor } from './testing/fixtures.ts';
import {
	createNumberedRowsHandler,
	EXECUTIONS_TABLE,
	NUMBERS_TABLE
} from './testing/numbered-rows-handler.ts';

const SCRIPT = join(import.meta.dirname, 'testing', 'instance-main.ts');

interface Instance {
	id: string;
	child: ChildProcess;
	output: string[];
	exited: Promise<number | null>;
}

describePostgres('schedules on one PostgreSQL shared by several server processes', () => {
	let pg: TestPostgres;
	let url: string;
	let database: Database;
	const key = testSecretKey();
	const doubles: GristDouble[] = [];
	const instances: Instance[] = [];

	beforeAll(async () => {
		pg = await startPostgres();
		url = await pg.createDatabase('planification');
		database = await openDatabase({ databaseUrl: url, dataDir: '/tmp' }, { poolSize: 4 });
		await migrate(database);
	});

	afterAll(async () => {
		for (const instance of instances) instance.child.kill('SIGKILL');
		await Promise.all(instances.map((i) => i.exited));
		await database?.close();
		await Promise.all(doubles.map((d) => d.close()));
		await pg?.stop();
	});

	async function document(docId: string): Promise<GristDouble> {
		const double = await startGristDouble({ docId });
		doubles.push(double);
		await connectDocument(
			database,
			createSecretsStore(database, { current: key }),
			docId,
			double.url,
			double.apiKey
		);
		return double;
	}

	async function spawn(id: string, env: Record<string, string>): Promise<Instance> {
		const child = fork(SCRIPT, [], {
			execPath: process.execPath,
			env: {
				...process.env,
				DATABASE_URL: url,
				PASSERELLE_SECRET_KEY: key.key.toString('base64'),
				INSTANCE_ID: id,
				...env
			},
			stdio: ['ignore', 'pipe', 'pipe', 'ipc']
		});
		const output: string[] = [];
		child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
		child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
		const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
		const instance: Instance = { id, child, output, exited };
		instances.push(instance);
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error(`${id} n’a pas démarré :\n${output.join('')}`)),
				30_000
			);
			child.on('message', (m: { ready?: string }) => {
				if (m.ready) {
					clearTimeout(timer);
					resolve();
				}
			});
			child.once('exit', () => reject(new Error(`${id} s’est arrêté :\n${output.join('')}`)));
		});
		return instance;
	}

	async function stop(instance: Instance): Promise<void> {
		instance.child.kill('SIGTERM');
		await instance.exited;
	}

	function runRows(configId: string): Promise<RunRow[]> {
		return database.query<RunRow>('SELECT * FROM schedule_runs WHERE config_id = $1 ORDER BY requested_at', [
			configId
		]);
	}

	it('races two schedulers in one process: a due fire is recorded once', async () => {
		const configId = await insertConfig(database, 'docCourse', 1);
		await database.query(
			`INSERT INTO schedules (id, doc_id, config_id, enabled, spec, cron, next_fire_at)
			 VALUES ($1, 'docCourse', $2, true, '{"kind":"horaire","minute":0}', '0 * * * *', now() - interval '1 minute')`,
			[randomUUID(), configId]
		);
		const other = await openDatabase({ databaseUrl: url, dataDir: '/tmp' }, { poolSize: 2 });
		try {
			const enqueue = async () => randomUUID();
			const results = await Promise.all(
				[database, other, database, other].map((db) =>
					tickSchedules({ database: db, enqueue, now: () => new Date() })
				)
			);
			expect(results.reduce((n, r) => n + r.fired, 0)).toBe(1);
			expect(results.reduce((n, r) => n + r.enqueued, 0)).toBe(1);
			expect(await runRows(configId)).toHaveLength(1);
		} finally {
			await other.close();
		}
	});

	it('two server processes ticking together run every fire exactly once', { timeout: 90_000 }, async () => {
		const double = await document('docMulti');
		const configId = await insertConfig(database, 'docMulti', 2);
		const env = { PAGES: '1', PAGE_SIZE: '2', TICK_MS: '100' };
		const [a, b] = await Promise.all([spawn('instance-a', env), spawn('instance-b', env)]);
		// Every 2 seconds (a seconds field: test-only, users get 5-field crons of 15 min or more).
		const scheduleId = randomUUID();
		await database.query(
			`INSERT INTO schedules (id, doc_id, config_id, enabled, spec, cron, next_fire_at)
			 VALUES ($1, 'docMulti', $2, true, '{"kind":"cron","expression":"*/2 * * * * *"}', '*/2 * * * * *', now())`,
			[scheduleId, configId]
		);
		await waitFor(async () => (await runRows(configId)).length >= 5, 30_000, '5 déclenchements');
		await database.query('UPDATE schedules SET enabled = false WHERE id = $1', [scheduleId]);
		const runs = await waitFor(
			async () => {
				const rows = await runRows(configId);
				return rows.every((r) => ['reussie', 'echouee', 'ignoree'].includes(r.status)) ? rows : undefined;
			},
			30_000,
			'fin des exécutions'
		);
		await Promise.all([stop(a!), stop(b!)]);

		// Under load a fire may find the previous run still going: it is then recorded as skipped.
		const executed = runs.filter((r) => r.status !== 'ignoree');
		expect(executed.length).toBeGreaterThanOrEqual(3);
		expect(executed.map((r) => [r.status, r.error_message])).toStrictEqual(
			executed.map(() => ['reussie', null])
		);
		expect(runs.filter((r) => r.status === 'ignoree').every((r) => r.job_id === null)).toBe(true);
		const fires = runs.map((r) => r.fire_time!.toISOString());
		expect(new Set(fires).size).toBe(runs.length);
		expect(new Set(executed.map((r) => r.job_id)).size).toBe(executed.length);
		// Each executed run's handler ran exactly once, all instances together; skipped fires never ran.
		const executions = double.doc.fetchTable(EXECUTIONS_TABLE);
		const byRun = new Map<string, number>();
		for (const runId of executions.run_id as string[]) byRun.set(runId, (byRun.get(runId) ?? 0) + 1);
		expect([...byRun.keys()].sort()).toStrictEqual(executed.map((r) => r.id).sort());
		expect([...byRun.values()]).toStrictEqual(executed.map(() => 1));
		expect(executed.map((r) => r.attempts)).toStrictEqual(executed.map(() => 1));
	});

	it(
		'a run whose process is killed -9 is resumed by another from its checkpoint, with no duplicate and no gap',
		{ timeout: 120_000 },
		async () => {
			const pages = 12;
			const pageSize = 10;
			const double = await document('docReprise');
			const configId = await insertConfig(database, 'docReprise', 3);
			const env = { PAGES: String(pages), PAGE_SIZE: String(pageSize), PAGE_DELAY_MS: '400', TICK_MS: '200' };
			const spawned = await Promise.all([spawn('reprise-a', env), spawn('reprise-b', env)]);
			const run = await requestRun(database, 'docReprise', configId, new Date());

			const running = await waitFor(
				async () => {
					const [row] = await database.query<RunRow>('SELECT * FROM schedule_runs WHERE id = $1', [run.id]);
					const next = (row?.checkpoint as { nextPage?: number } | null)?.nextPage ?? 0;
					return row?.status === 'en_cours' && next >= 4 ? row : undefined;
				},
				30_000,
				'exécution au milieu'
			);
			const victim = spawned.find((i) => i.id === running.instance)!;
			const survivor = spawned.find((i) => i !== victim)!;
			victim.child.kill('SIGKILL');
			await victim.exited;
			const [afterKill] = await database.query<RunRow>('SELECT * FROM schedule_runs WHERE id = $1', [run.id]);
			const resumeFrom = (afterKill!.checkpoint as { nextPage: number }).nextPage;
			expect(resumeFrom).toBeLessThanOrEqual(pages);

			const done = await waitFor(
				async () => {
					const [row] = await database.query<RunRow>('SELECT * FROM schedule_runs WHERE id = $1', [run.id]);
					return row && !['en_attente', 'en_cours', 'nouvel_essai'].includes(row.status) ? row : undefined;
				},
				60_000,
				'reprise et fin de l’exécution'
			);
			await stop(survivor);
			expect(done).toMatchObject({ status: 'reussie', attempts: 2, instance: survivor.id });

			// The second attempt started at the saved checkpoint, not from the beginning.
			const executions = double.doc.fetchTable(EXECUTIONS_TABLE);
			const attempts = (executions.run_id as string[])
				.map((runId, i) => ({ runId, attempt: executions.attempt![i], firstPage: executions.first_page![i] }))
				.filter((e) => e.runId === run.id)
				.sort((x, y) => Number(x.attempt) - Number(y.attempt));
			expect(attempts.map((e) => [e.attempt, e.firstPage])).toStrictEqual([
				[1, 1],
				[2, resumeFrom]
			]);

			// Final table equals a clean run's: every number once, none missing.
			const clean = createGristPort(createMemoryBackend());
			await createNumberedRowsHandler({ pages, pageSize })(
				{
					runId: 'propre',
					scheduleId: 's',
					configId,
					docId: 'propre',
					trigger: 'manuelle',
					fireTime: null,
					attempt: 1
				},
				{
					signal: new AbortController().signal,
					checkpoint: null,
					saveCheckpoint: async () => {},
					grist: clean,
					gristUrl: 'memoire',
					log: memoryLogger().log,
					now: Date.now
				}
			);
			const strip = (rows: { fields: Record<string, unknown> }[]) =>
				rows.map((r) => r.fields).sort((x, y) => Number(x.numero) - Number(y.numero));
			const resumed = strip(await createGristPort(createMemoryBackend(double.doc)).readRows(NUMBERS_TABLE));
			expect(resumed).toStrictEqual(strip(await clean.readRows(NUMBERS_TABLE)));
			expect(resumed.map((r) => r.numero)).toStrictEqual(
				Array.from({ length: pages * pageSize }, (_, i) => i + 1)
			);
		}
	);

	it(
		'a DS sync killed -9 mid-way is resumed by another process from its cursor: tables equal a clean run',
		{ timeout: 120_000 },
		async () => {
			const dossiers = 1200;
			const ds = await startFakeDs({ dossiers, seed: 5, latencyMs: 250, rateLimitPerMinute: 100_000 });
			try {
				const docId = 'docRepriseDs';
				const double = await document(docId);
				const store = createDsConfigStore(database, createSecretsStore(database, { current: key }), {
					allowLoopback: true
				});
				const config = await store.create(docId, {
					demarcheNumber: ds.demarcheNumber,
					dsUrl: ds.url,
					token: ds.tokens.valid
				});
				const env = { HANDLER: 'ds', TICK_MS: '200' };
				const spawned = await Promise.all([spawn('ds-a', env), spawn('ds-b', env)]);
				const run = await requestRun(database, docId, config.id, new Date());

				// Killed once at least two batches (500 dossiers) are written and checkpointed.
				const running = await waitFor(
					async () => {
						const [row] = await database.query<RunRow>('SELECT * FROM schedule_runs WHERE id = $1', [run.id]);
						const cp = parseDsRunCheckpoint((row?.checkpoint as { run?: unknown } | null)?.run);
						return row?.status === 'en_cours' && cp && cp.dossiers >= 500 ? row : undefined;
					},
					60_000,
					'synchronisation DS au milieu'
				);
				const victim = spawned.find((i) => i.id === running.instance)!;
				const survivor = spawned.find((i) => i !== victim)!;
				victim.child.kill('SIGKILL');
				await victim.exited;
				const [afterKill] = await database.query<RunRow>('SELECT * FROM schedule_runs WHERE id = $1', [
					run.id
				]);
				const cp = parseDsRunCheckpoint((afterKill!.checkpoint as { run: unknown }).run)!;
				expect(cp.dossiers).toBeGreaterThanOrEqual(500);
				expect(cp.dossiers).toBeLessThan(dossiers);
				// Requests the victim sent just before dying are counted once their latency is over.
				await new Promise((resolve) => setTimeout(resolve, 1000));
				ds.resetStats();

				const done = await waitFor(
					async () => {
						const [row] = await database.query<RunRow>('SELECT * FROM schedule_runs WHERE id = $1', [run.id]);
						return row && !['en_attente', 'en_cours', 'nouvel_essai'].includes(row.status) ? row : undefined;
					},
					90_000,
					'reprise et fin de la synchronisation DS'
				);
				await stop(survivor);
				expect(done).toMatchObject({ status: 'reussie', attempts: 2, instance: survivor.id, dossiers });

				// The second attempt read only the pages after the saved cursor (plus at most the two
				// it had prefetched), not the whole démarche again.
				const pages = ds.stats().byOperation.PasserelleDossiersPage ?? 0;
				expect(pages).toBeGreaterThanOrEqual(Math.ceil((dossiers - cp.dossiers) / 100));
				expect(pages).toBeLessThanOrEqual(Math.ceil((dossiers - cp.dossiers) / 100) + 2);

				// Same tables as a clean run of the same engine: every dossier once, none missing.
				const clean = createGristPort(createMemoryBackend());
				await runDsSync({
					transport: createDsGraphqlTransport({ endpoint: ds.url, token: ds.tokens.valid }),
					grist: clean,
					demarche: ds.demarcheNumber,
					options: { tablePrefix: config.tablePrefix, recordRuns: false }
				});
				const resumed = createGristPort(createMemoryBackend(double.doc));
				const tables = (await clean.listTables())
					.map((t) => t.id)
					.filter((id) => id.startsWith(config.tablePrefix));
				expect(tables.length).toBeGreaterThanOrEqual(3);
				// Row ids depend on arrival order (the listing is read from both ends): references to the
				// dossier row are compared through the dossier's number.
				const byKey = async (port: typeof clean, id: string) => {
					const numero = new Map(
						(await port.readRows(`${config.tablePrefix}_dossiers`)).map((r) => [r.id, r.fields.numero])
					);
					return (await port.readRows(id))
						.map((r) =>
							JSON.stringify({ ...r.fields, dossier: numero.get(Number(r.fields.dossier)) ?? null })
						)
						.sort();
				};
				for (const id of tables) {
					expect(await byKey(resumed, id), id).toStrictEqual(await byKey(clean, id));
				}
				const numbers = (await resumed.readRows(`${config.tablePrefix}_dossiers`)).map(
					(r) => r.fields.numero
				);
				expect(new Set(numbers).size).toBe(dossiers);
			} finally {
				await ds.close();
			}
		}
	);
});
