import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { openTestDatabase } from '../testing/pglite.ts';
import { requestRun, saveSchedule } from './schedule-store.ts';
import { pruneRuns, SKIPPED_MESSAGE, tickSchedules, type PendingRun } from './scheduler.ts';
import { insertConfig } from './testing/fixtures.ts';

let database: Database;
beforeAll(async () => {
	database = await openTestDatabase();
});
afterAll(async () => {
	await database.close();
});
// One database for the file: each test starts with no schedule and no run left by another.
beforeEach(async () => {
	await database.exec('DELETE FROM schedule_runs; DELETE FROM schedules;');
});

/** Walks a fake clock in steps, ticking the scheduler and finishing every run it hands out. */
async function walk(
	configId: string,
	spec: unknown,
	from: string,
	to: string,
	stepMinutes = 30
): Promise<{ fires: string[]; enqueued: PendingRun[] }> {
	let now = Date.parse(from);
	await saveSchedule(database, 'docHorloge', configId, { enabled: true, spec }, new Date(now));
	const enqueued: PendingRun[] = [];
	let finishedCount = 0;
	for (; now <= Date.parse(to); now += stepMinutes * 60_000) {
		await tickSchedules({
			database,
			now: () => new Date(now),
			enqueue: async (_session, run) => {
				enqueued.push(run);
				return randomUUID();
			}
		});
		if (enqueued.length > finishedCount) {
			await database.query(`UPDATE schedule_runs SET status = 'reussie' WHERE status = 'en_attente'`);
			finishedCount = enqueued.length;
		}
	}
	const rows = await database.query<{ fire_time: Date }>(
		'SELECT fire_time FROM schedule_runs WHERE config_id = $1 ORDER BY fire_time',
		[configId]
	);
	return { fires: rows.map((r) => r.fire_time.toISOString()), enqueued };
}

describe('tickSchedules with a fake clock', () => {
	it('fires "every night at 02:30" once on the spring-forward night, at 03:30 CEST', async () => {
		const configId = await insertConfig(database, 'docHorloge', 1);
		const { fires, enqueued } = await walk(
			configId,
			{ kind: 'quotidien', time: '02:30' },
			'2026-03-28T22:00:00Z',
			'2026-03-30T01:00:00Z'
		);
		expect(fires).toStrictEqual(['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
		expect(enqueued.map((r) => r.job.fireTime)).toStrictEqual(fires);
		expect(enqueued[0]).toMatchObject({
			job: { configId, docId: 'docHorloge', trigger: 'planifiee' },
			timeoutSeconds: 7200
		});
	});

	it('fires 02:30 and 01:30 once each on the fall-back night', async () => {
		const late = await insertConfig(database, 'docHorloge', 2);
		const early = await insertConfig(database, 'docHorloge', 3);
		const at0230 = await walk(
			late,
			{ kind: 'quotidien', time: '02:30' },
			'2026-10-24T21:00:00Z',
			'2026-10-26T02:00:00Z'
		);
		expect(at0230.fires).toStrictEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
		const at0130 = await walk(
			early,
			{ kind: 'quotidien', time: '01:30' },
			'2026-10-24T21:00:00Z',
			'2026-10-26T02:00:00Z'
		);
		expect(at0130.fires).toStrictEqual(['2026-10-24T23:30:00.000Z', '2026-10-26T00:30:00.000Z']);
	});

	it('records a fire as skipped while the previous run is still active, and never twice', async () => {
		const configId = await insertConfig(database, 'docHorloge', 4);
		const start = Date.parse('2026-05-04T08:00:00Z');
		await saveSchedule(
			database,
			'docHorloge',
			configId,
			{ enabled: true, spec: { kind: 'horaire', minute: 0 } },
			new Date(start)
		);
		const enqueue = async () => randomUUID();
		const at = (ms: number) => ({ database, enqueue, now: () => new Date(ms) });
		expect(await tickSchedules(at(start + 3_600_000))).toStrictEqual({ fired: 1, skipped: 0, enqueued: 1 });
		// The 10:00 fire comes while the 09:00 run is still running.
		expect(await tickSchedules(at(start + 2 * 3_600_000))).toStrictEqual({
			fired: 0,
			skipped: 1,
			enqueued: 0
		});
		expect(await tickSchedules(at(start + 2 * 3_600_000 + 1000))).toStrictEqual({
			fired: 0,
			skipped: 0,
			enqueued: 0
		});
		const rows = await database.query<{ status: string; error_message: string | null; fire_time: Date }>(
			'SELECT status, error_message, fire_time FROM schedule_runs WHERE config_id = $1 ORDER BY fire_time',
			[configId]
		);
		expect(rows.map((r) => [r.fire_time.toISOString(), r.status, r.error_message])).toStrictEqual([
			['2026-05-04T09:00:00.000Z', 'en_attente', null],
			['2026-05-04T10:00:00.000Z', 'ignoree', SKIPPED_MESSAGE]
		]);
	});

	it('keeps a run pending when the queue fails, and hands it over on the next tick', async () => {
		const configId = await insertConfig(database, 'docHorloge', 5);
		const run = await requestRun(database, 'docHorloge', configId, new Date());
		const broken = tickSchedules({
			database,
			now: () => new Date(),
			enqueue: async () => {
				throw new Error('file indisponible');
			}
		});
		await expect(broken).rejects.toThrow('file indisponible');
		const [pending] = await database.query<{ job_id: string | null; status: string }>(
			'SELECT job_id, status FROM schedule_runs WHERE id = $1',
			[run.id]
		);
		expect(pending).toStrictEqual({ job_id: null, status: 'en_attente' });
		const result = await tickSchedules({ database, now: () => new Date(), enqueue: async () => 'job-1' });
		expect(result.enqueued).toBe(1);
		const [queued] = await database.query<{ job_id: string }>(
			'SELECT job_id FROM schedule_runs WHERE id = $1',
			[run.id]
		);
		expect(queued!.job_id).toBe('job-1');
	});

	it('leaves disabled and paused schedules alone', async () => {
		const disabled = await insertConfig(database, 'docHorloge', 6);
		const paused = await insertConfig(database, 'docHorloge', 7);
		const past = new Date('2026-01-01T00:00:00Z');
		await saveSchedule(
			database,
			'docHorloge',
			disabled,
			{ enabled: false, spec: { kind: 'horaire', minute: 5 } },
			past
		);
		await saveSchedule(
			database,
			'docHorloge',
			paused,
			{ enabled: true, spec: { kind: 'horaire', minute: 5 } },
			past
		);
		await database.query(`UPDATE schedules SET paused_at = now() WHERE config_id = $1`, [paused]);
		const result = await tickSchedules({
			database,
			now: () => new Date(),
			enqueue: async () => randomUUID()
		});
		expect(result).toStrictEqual({ fired: 0, skipped: 0, enqueued: 0 });
	});

	it('prunes finished runs after the retention, never active ones', async () => {
		const configId = await insertConfig(database, 'docHorloge', 8);
		const old = await requestRun(database, 'docHorloge', configId, new Date('2026-01-01T00:00:00Z'));
		await database.query(`UPDATE schedule_runs SET status = 'reussie', finished_at = $2 WHERE id = $1`, [
			old.id,
			new Date('2026-01-01T00:05:00Z')
		]);
		const active = await requestRun(database, 'docHorloge', configId, new Date('2026-01-02T00:00:00Z'));
		expect(await pruneRuns(database, new Date('2026-04-15T00:00:00Z'))).toBe(1);
		const left = await database.query<{ id: string }>('SELECT id FROM schedule_runs WHERE config_id = $1', [
			configId
		]);
		expect(left.map((r) => r.id)).toStrictEqual([active.id]);
	});
});
