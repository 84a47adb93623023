import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGristDouble, type GristDouble } from '../grist-double/index.ts';
import type { Database } from '../db/database.ts';
import { createSecretsStore, type SecretsStore } from '../secrets/secrets-store.ts';
import { openTestDatabase } from '../testing/pglite.ts';
import { startScheduleService, type ScheduleService } from './schedule-service.ts';
import {
	findSchedule,
	listRuns,
	requestRun,
	resumeSchedule,
	saveSchedule,
	type RunView
} from './schedule-store.ts';
import type { SyncJobHandler } from './sync-job.ts';
import { connectDocument, insertConfig, memoryLogger, testSecretKey, waitFor } from './testing/fixtures.ts';
import { createNumberedRowsHandler, NUMBERS_TABLE } from './testing/numbered-rows-handler.ts';

let database: Database;
let secrets: SecretsStore;
let service: ScheduleService;
const doubles: GristDouble[] = [];
const logger = memoryLogger();
/** Per-configuration handlers: each test plugs its own behaviour into the one running service. */
const handlers = new Map<string, SyncJobHandler>();
const numbered = createNumberedRowsHandler({ pages: 3, pageSize: 5 });

beforeAll(async () => {
	database = await openTestDatabase();
	secrets = createSecretsStore(database, { current: testSecretKey() });
	service = await startScheduleService(
		{
			database,
			secrets,
			log: logger.log,
			handler: (job, ctx) => (handlers.get(job.configId) ?? numbered)(job, ctx)
		},
		{
			tickIntervalMs: 60_000,
			pollingIntervalSeconds: 0.5,
			heartbeatSeconds: 10,
			superviseIntervalSeconds: 1,
			retryLimit: 2,
			retryDelaySeconds: 1,
			retryDelayMaxSeconds: 1,
			runHeartbeatMs: 500,
			maxConsecutiveFailures: 3,
			concurrency: 2
		}
	);
});

afterAll(async () => {
	await service?.stop();
	await database?.close();
	await Promise.all(doubles.map((d) => d.close()));
});

async function newDocument(
	docId: string,
	options: { key?: 'valid' | 'wrong' | 'readonly' | 'none'; url?: string } = {}
): Promise<{ double: GristDouble; configId: string }> {
	const double = await startGristDouble({ docId, readOnlyKeys: ['cle-lecture-seule'] });
	doubles.push(double);
	const key = options.key ?? 'valid';
	const apiKey =
		key === 'valid'
			? double.apiKey
			: key === 'wrong'
				? 'cle-inconnue'
				: key === 'readonly'
					? 'cle-lecture-seule'
					: null;
	await connectDocument(database, secrets, docId, options.url ?? double.url, apiKey);
	const configId = await insertConfig(database, docId, 1000 + doubles.length);
	return { double, configId };
}

async function runs(docId: string, configId: string): Promise<RunView[]> {
	const schedule = await findSchedule(database, docId, configId);
	return schedule ? listRuns(database, schedule.id) : [];
}

async function finished(docId: string, configId: string, count = 1, timeoutMs = 15_000): Promise<RunView[]> {
	return waitFor(
		async () => {
			const list = await runs(docId, configId);
			const done = list.filter((r) => !['en_attente', 'en_cours', 'nouvel_essai'].includes(r.status));
			return done.length >= count ? list : undefined;
		},
		timeoutMs,
		`${count} exécution(s) terminée(s)`
	);
}

function numbers(double: GristDouble): number[] {
	const data = double.doc.fetchTable(NUMBERS_TABLE);
	return (data.numero as number[]).slice().sort((a, b) => a - b);
}

describe('schedule service on embedded PGlite (pg-boss backend pglite)', () => {
	it('fires a due schedule once and writes through the REST Grist port', async () => {
		const { double, configId } = await newDocument('docPlanifie');
		// Saved "yesterday": its next fire (02:30 Paris) is already due.
		const saved = await saveSchedule(
			database,
			'docPlanifie',
			configId,
			{ enabled: true, spec: { kind: 'quotidien', time: '02:30' } },
			new Date('2026-01-01T12:00:00Z')
		);
		expect(saved.nextFireAt).toBe('2026-01-02T01:30:00.000Z');
		const first = await service.tick();
		const second = await service.tick();
		expect(first.fired).toBe(1);
		expect(second.fired).toBe(0);
		const [run] = await finished('docPlanifie', configId);
		expect(run).toMatchObject({
			trigger: 'planifiee',
			fireTime: '2026-01-02T01:30:00.000Z',
			status: 'reussie',
			attempts: 1,
			dossiers: 15,
			rowsWritten: 15,
			errorMessage: null
		});
		expect(run!.durationMs).toBeGreaterThanOrEqual(0);
		expect(numbers(double)).toStrictEqual(Array.from({ length: 15 }, (_, i) => i + 1));
		const schedule = await findSchedule(database, 'docPlanifie', configId);
		expect(schedule!.last_fire_at?.toISOString()).toBe('2026-01-02T01:30:00.000Z');
		expect(schedule!.next_fire_at!.getTime()).toBeGreaterThan(Date.now());
	});

	it('runs « Exécuter maintenant » and refuses a second one while the first is active', async () => {
		const { configId } = await newDocument('docManuel');
		await requestRun(database, 'docManuel', configId, new Date());
		await expect(requestRun(database, 'docManuel', configId, new Date())).rejects.toMatchObject({
			code: 'run_already_active',
			details: { status: 409 }
		});
		service.nudge();
		const [run] = await finished('docManuel', configId);
		expect(run).toMatchObject({ trigger: 'manuelle', fireTime: null, status: 'reussie', rowsWritten: 15 });
	});

	it('retries a transient Grist error with backoff, then succeeds', async () => {
		const { double, configId } = await newDocument('docPassager');
		double.failNext(1, 502);
		await requestRun(database, 'docPassager', configId, new Date());
		await service.tick();
		const [run] = await finished('docPassager', configId);
		expect(run).toMatchObject({ status: 'reussie', attempts: 2, errorMessage: null });
		expect(numbers(double)).toHaveLength(15);
	});

	it('fails a run with a wrong Grist key once, without retrying, with a clear French message', async () => {
		const { configId } = await newDocument('docMauvaiseCle', { key: 'wrong' });
		await requestRun(database, 'docMauvaiseCle', configId, new Date());
		await service.tick();
		const [run] = await finished('docMauvaiseCle', configId);
		expect(run).toMatchObject({
			status: 'echouee',
			attempts: 1,
			errorCode: 'grist_unauthorized',
			errorMessage:
				'Grist refuse la clé API enregistrée (clé révoquée ou erronée). Remplacez-la dans l’onglet Planification.'
		});
	});

	it('fails a run whose key cannot write, keeping what the document already holds', async () => {
		const { double, configId } = await newDocument('docLecture', { key: 'readonly' });
		double.doc.apply([
			['AddTable', NUMBERS_TABLE, [{ id: 'numero', type: 'Int' }]],
			['BulkAddRecord', NUMBERS_TABLE, [null, null], { numero: [41, 42] }]
		]);
		await requestRun(database, 'docLecture', configId, new Date());
		await service.tick();
		const [run] = await finished('docLecture', configId);
		expect(run).toMatchObject({ status: 'echouee', errorCode: 'grist_forbidden' });
		expect(run!.errorMessage).toContain('n’a pas le droit d’écrire');
		expect(numbers(double)).toStrictEqual([41, 42]);
	});

	it('retries when Grist is unreachable, then fails with a clear message', async () => {
		const { configId } = await newDocument('docInjoignable', { url: 'http://127.0.0.1:1' });
		await requestRun(database, 'docInjoignable', configId, new Date());
		await service.tick();
		const [run] = await finished('docInjoignable', configId, 1, 20_000);
		expect(run).toMatchObject({ status: 'echouee', attempts: 3, errorCode: 'grist_unreachable' });
		expect(run!.errorMessage).toContain('Grist ne répond pas');
	});

	it('pauses a schedule after 3 consecutive failed fires and resumes on « Réactiver »', async () => {
		const { configId } = await newDocument('docPause', { key: 'wrong' });
		const schedule = await saveSchedule(
			database,
			'docPause',
			configId,
			{ enabled: true, spec: { kind: 'horaire', minute: 0 } },
			new Date()
		);
		for (let i = 1; i <= 3; i++) {
			await database.query(
				`UPDATE schedules SET next_fire_at = now() - make_interval(mins => $2) WHERE id = $1`,
				[schedule.id, 10 - i]
			);
			expect((await service.tick()).fired).toBe(1);
			await finished('docPause', configId, i);
		}
		const paused = await findSchedule(database, 'docPause', configId);
		expect(paused!.consecutive_failures).toBe(3);
		expect(paused!.paused_at).not.toBeNull();
		expect(paused!.pause_reason).toContain(
			'Planification suspendue automatiquement après 3 échecs consécutifs'
		);
		expect(paused!.pause_reason).toContain('Grist refuse la clé API');
		// Paused: a due fire is not taken.
		await database.query(`UPDATE schedules SET next_fire_at = now() - interval '1 minute' WHERE id = $1`, [
			schedule.id
		]);
		expect((await service.tick()).fired).toBe(0);
		const resumed = await resumeSchedule(database, 'docPause', configId, new Date());
		expect(resumed).toMatchObject({ pausedAt: null, pauseReason: null, consecutiveFailures: 0 });
		expect(Date.parse(resumed.nextFireAt!)).toBeGreaterThan(Date.now());
	});

	it('staggers runs of one document and lets another document run alongside', async () => {
		const spans = new Map<string, { start: number; end: number }>();
		const slow: SyncJobHandler = async (job) => {
			const start = Date.now();
			await new Promise((resolve) => setTimeout(resolve, 600));
			spans.set(job.configId, { start, end: Date.now() });
			return { dossiers: 0, rowsWritten: 0 };
		};
		const a = await newDocument('docEtale');
		const b = { configId: await insertConfig(database, 'docEtale', 2001) };
		const other = await newDocument('docVoisin');
		for (const id of [a.configId, b.configId, other.configId]) handlers.set(id, slow);
		await requestRun(database, 'docEtale', a.configId, new Date());
		await requestRun(database, 'docEtale', b.configId, new Date());
		await requestRun(database, 'docVoisin', other.configId, new Date());
		await service.tick();
		await finished('docEtale', a.configId);
		await finished('docEtale', b.configId);
		await finished('docVoisin', other.configId);
		const [first, second] = [spans.get(a.configId)!, spans.get(b.configId)!].sort(
			(x, y) => x.start - y.start
		);
		expect(second!.start).toBeGreaterThanOrEqual(first!.end);
		const neighbour = spans.get(other.configId)!;
		const overlapsSomeone = [first!, second!].some((s) => neighbour.start < s.end && s.start < neighbour.end);
		expect(overlapsSomeone).toBe(true);
	});

	it('never writes the API key into its logs', () => {
		const text = logger.lines.join('\n');
		expect(text).toContain('Exécution terminée');
		expect(text).not.toContain('cle-api-double');
	});
});
