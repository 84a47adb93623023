import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import type { Database } from '../db/database.ts';
import { startGristDouble, type GristDouble } from '../grist-double/index.ts';
import { createSecretsStore, type SecretsStore } from '../secrets/secrets-store.ts';
import { openTestDatabase } from '../testing/pglite.ts';
import { executeRun, recordAbandoned, RetryLaterError, type RunnerDeps } from './job-runner.ts';
import { findSchedule, requestRun, type RunRow } from './schedule-store.ts';
import type { SyncJob, SyncJobHandler } from './sync-job.ts';
import { connectDocument, insertConfig, memoryLogger, testSecretKey } from './testing/fixtures.ts';

let database: Database;
let secrets: SecretsStore;
let double: GristDouble;
const logger = memoryLogger();

beforeAll(async () => {
	database = await openTestDatabase();
	secrets = createSecretsStore(database, { current: testSecretKey() });
	double = await startGristDouble({ docId: 'docRunner' });
	await connectDocument(database, secrets, 'docRunner', double.url, double.apiKey);
});
afterAll(async () => {
	await database?.close();
	await double?.close();
});

let configNumber = 0;
async function pendingJob(docId = 'docRunner'): Promise<Omit<SyncJob, 'attempt'>> {
	const configId = await insertConfig(database, docId, ++configNumber);
	const run = await requestRun(database, docId, configId, new Date());
	const schedule = await findSchedule(database, docId, configId);
	return { runId: run.id, scheduleId: schedule!.id, configId, docId, trigger: 'manuelle', fireTime: null };
}

function deps(handler: SyncJobHandler, extra: Partial<RunnerDeps> = {}): RunnerDeps {
	return { database, secrets, handler, log: logger.log, instanceId: 'test:1', heartbeatMs: 50, ...extra };
}

async function row(runId: string): Promise<RunRow> {
	const [found] = await database.query<RunRow>('SELECT * FROM schedule_runs WHERE id = $1', [runId]);
	return found!;
}

const firstAttempt = { retryCount: 0, retryLimit: 2 };

describe('executeRun', () => {
	it('stops a run at its time limit and records a clear French failure', async () => {
		const job = await pendingJob();
		const outcome = await executeRun(
			deps(
				(_job, ctx) =>
					new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stop')))),
				{
					timeoutMs: 150
				}
			),
			job,
			firstAttempt
		);
		expect(outcome.status).toBe('echouee');
		const stored = await row(job.runId);
		expect(stored).toMatchObject({ status: 'echouee', error_code: 'run_timeout', attempts: 1 });
		expect(stored.error_message).toContain('durée maximale (1 min)');
	});

	it('asks the queue to retry a transient error while retries remain, then gives up', async () => {
		const job = await pendingJob();
		const flaky: SyncJobHandler = async () => {
			throw new PasserelleError(
				'grist_server_error',
				'Grist a rencontré une erreur (502). Nouvel essai bientôt.',
				true
			);
		};
		await expect(executeRun(deps(flaky), job, firstAttempt)).rejects.toBeInstanceOf(RetryLaterError);
		expect(await row(job.runId)).toMatchObject({
			status: 'nouvel_essai',
			attempts: 1,
			error_message: 'Nouvel essai prévu. Grist a rencontré une erreur (502). Nouvel essai bientôt.'
		});
		const last = await executeRun(deps(flaky), job, { retryCount: 2, retryLimit: 2 });
		expect(last.status).toBe('echouee');
		expect(await row(job.runId)).toMatchObject({
			status: 'echouee',
			attempts: 2,
			error_code: 'grist_server_error'
		});
	});

	it('gives a resumed attempt the checkpoint its predecessor saved', async () => {
		const job = await pendingJob();
		const seen: unknown[] = [];
		const dying: SyncJobHandler = async (_job, ctx) => {
			await ctx.saveCheckpoint({ nextPage: 4 });
			throw new PasserelleError('grist_unreachable', 'Grist ne répond pas.', true);
		};
		await expect(executeRun(deps(dying), job, firstAttempt)).rejects.toBeInstanceOf(RetryLaterError);
		const resumed: SyncJobHandler = async (j, ctx) => {
			seen.push(j.attempt, ctx.checkpoint);
			return { dossiers: 3, rowsWritten: 2 };
		};
		expect((await executeRun(deps(resumed), job, { retryCount: 1, retryLimit: 2 })).status).toBe('reussie');
		expect(seen).toStrictEqual([2, { nextPage: 4 }]);
		expect(await row(job.runId)).toMatchObject({
			status: 'reussie',
			dossiers: 3,
			rows_written: 2,
			attempts: 2
		});
	});

	it('stops writing when another instance took the run over (fenced by attempt)', async () => {
		const job = await pendingJob();
		const outcome = await executeRun(
			deps(async (_j, ctx) => {
				// Another instance claims the run (its attempt number moves on).
				await database.query('UPDATE schedule_runs SET attempts = attempts + 1 WHERE id = $1', [job.runId]);
				await ctx.saveCheckpoint({ nextPage: 2 });
				return { dossiers: 1, rowsWritten: 1 };
			}),
			job,
			firstAttempt
		);
		expect(outcome.status).toBe('lost');
		expect(await row(job.runId)).toMatchObject({ status: 'en_cours', attempts: 2, checkpoint: null });
	});

	it('fails without calling the handler when no API key is stored', async () => {
		const job = await pendingJob('docSansCle');
		let called = false;
		await executeRun(
			deps(async () => {
				called = true;
				return { dossiers: 0, rowsWritten: 0 };
			}),
			job,
			firstAttempt
		);
		expect(called).toBe(false);
		expect(await row(job.runId)).toMatchObject({ status: 'echouee', error_code: 'grist_url_missing' });
	});

	it('masks the API key in a stored error message', async () => {
		const job = await pendingJob();
		await executeRun(
			deps(async () => {
				throw new Error(`requête refusée pour Bearer ${double.apiKey} et clé ${double.apiKey}`);
			}),
			job,
			firstAttempt
		);
		const stored = await row(job.runId);
		expect(stored.error_message).toBe(
			'Erreur inattendue : requête refusée pour Bearer [masqué] et clé [masqué]'
		);
	});

	it('records a run the queue gave up on as failed, once', async () => {
		const job = await pendingJob();
		await database.query(`UPDATE schedule_runs SET status = 'en_cours', started_at = now() WHERE id = $1`, [
			job.runId
		]);
		expect(await recordAbandoned({ database, log: logger.log }, job.runId)).toBe(true);
		expect(await recordAbandoned({ database, log: logger.log }, job.runId)).toBe(false);
		const stored = await row(job.runId);
		expect(stored).toMatchObject({ status: 'echouee', error_code: 'run_abandoned' });
		expect(stored.error_message).toContain('interrompue');
	});
});
