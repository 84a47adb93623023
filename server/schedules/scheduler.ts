import { randomUUID } from 'node:crypto';
import type { Database, DbSession } from '../db/database.ts';
import type { Logger } from '../log.ts';
import { nextFireAfter } from './next-fire.ts';
import type { RunRow, ScheduleRow } from './schedule-store.ts';
import type { SyncJob } from './sync-job.ts';

/** A run waiting for its job, as the enqueuer sees it. */
export interface PendingRun {
	job: Omit<SyncJob, 'attempt'>;
	/** The schedule's time limit, so the queue can bound the job beyond it. */
	timeoutSeconds: number;
}

/**
 * Puts a pending run on the job queue inside the caller's transaction (`session`), so the run
 * and its job are recorded together or not at all; returns the job id.
 */
export type Enqueue = (session: DbSession, run: PendingRun) => Promise<string | null>;

/** What one tick did. */
export interface TickResult {
	/** Scheduled fires recorded as runs. */
	fired: number;
	/** Fires recorded as skipped because the previous run of the configuration was still active. */
	skipped: number;
	/** Runs handed to the job queue (scheduled and manual). */
	enqueued: number;
}

/** Dependencies of a tick. */
export interface TickDeps {
	database: Database;
	enqueue: Enqueue;
	now: () => Date;
	log?: Logger;
	/** Most schedules (and runs) handled per transaction. */
	batchSize?: number;
}

/** Message stored on a fire skipped because a run was still going. */
export const SKIPPED_MESSAGE =
	'Déclenchement ignoré : l’exécution précédente de cette démarche était encore en attente ou en cours.';

async function fireDue(
	deps: TickDeps,
	now: Date
): Promise<{ fired: number; skipped: number; more: boolean }> {
	const limit = deps.batchSize ?? 20;
	return deps.database.transaction(async (tx) => {
		// SKIP LOCKED: two instances ticking together split the due schedules, never share one.
		const due = await tx.query<ScheduleRow>(
			`SELECT * FROM schedules
			 WHERE enabled AND paused_at IS NULL AND next_fire_at IS NOT NULL AND next_fire_at <= $1
			 ORDER BY next_fire_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
			[now, limit]
		);
		let fired = 0;
		let skipped = 0;
		for (const schedule of due) {
			const fireTime = schedule.next_fire_at!;
			// The unique (schedule_id, fire_time) makes a second recording of this fire impossible.
			const [run] = await tx.query<RunRow>(
				`INSERT INTO schedule_runs (id, schedule_id, doc_id, config_id, trigger, fire_time, status, requested_at)
				 VALUES ($1, $2, $3, $4, 'planifiee', $5, 'en_attente', $6)
				 ON CONFLICT DO NOTHING RETURNING id`,
				[randomUUID(), schedule.id, schedule.doc_id, schedule.config_id, fireTime, now]
			);
			if (run) fired++;
			else {
				const already = await tx.query(
					'SELECT 1 FROM schedule_runs WHERE schedule_id = $1 AND fire_time = $2',
					[schedule.id, fireTime]
				);
				if (already.length === 0) {
					// The conflict was the one-active-run-per-configuration index.
					await tx.query(
						`INSERT INTO schedule_runs (id, schedule_id, doc_id, config_id, trigger, fire_time, status,
							requested_at, finished_at, error_code, error_message)
						 VALUES ($1, $2, $3, $4, 'planifiee', $5, 'ignoree', $6, $6, 'run_already_active', $7)`,
						[randomUUID(), schedule.id, schedule.doc_id, schedule.config_id, fireTime, now, SKIPPED_MESSAGE]
					);
					skipped++;
				}
			}
			// From "now", not from the fire: after downtime the backlog fires once, not once per miss.
			const next = nextFireAfter(schedule.cron, now, schedule.time_zone);
			await tx.query(
				'UPDATE schedules SET next_fire_at = $2, last_fire_at = $3, updated_at = $4 WHERE id = $1',
				[schedule.id, next, fireTime, now]
			);
			deps.log?.info('Planification déclenchée', {
				scheduleId: schedule.id,
				docId: schedule.doc_id,
				configId: schedule.config_id,
				fireTime,
				nextFireAt: next,
				skipped: !run
			});
		}
		return { fired, skipped, more: due.length === limit };
	});
}

async function enqueuePending(deps: TickDeps): Promise<{ enqueued: number; more: boolean }> {
	const limit = deps.batchSize ?? 20;
	return deps.database.transaction(async (tx) => {
		const pending = await tx.query<RunRow & { timeout_seconds: number }>(
			`SELECT r.*, s.timeout_seconds FROM schedule_runs r JOIN schedules s ON s.id = r.schedule_id
			 WHERE r.status = 'en_attente' AND r.job_id IS NULL
			 ORDER BY r.requested_at, r.id LIMIT $1 FOR UPDATE OF r SKIP LOCKED`,
			[limit]
		);
		let enqueued = 0;
		for (const run of pending) {
			const jobId = await deps.enqueue(tx, {
				job: {
					runId: run.id,
					scheduleId: run.schedule_id,
					configId: run.config_id,
					docId: run.doc_id,
					trigger: run.trigger,
					fireTime: run.fire_time ? new Date(run.fire_time).toISOString() : null
				},
				timeoutSeconds: run.timeout_seconds
			});
			if (jobId) {
				await tx.query('UPDATE schedule_runs SET job_id = $2 WHERE id = $1', [run.id, jobId]);
				enqueued++;
			} else {
				// Never expected with a standard queue; a run must not stay pending forever though.
				await tx.query(
					`UPDATE schedule_runs SET status = 'echouee', finished_at = $2, error_code = 'queue_refused',
						error_message = $3 WHERE id = $1`,
					[run.id, deps.now(), 'La file des tâches a refusé cette exécution. Réessayez.']
				);
			}
		}
		return { enqueued, more: pending.length === limit };
	});
}

/**
 * One pass of the scheduler: records every due fire as a run (once, whatever the number of
 * instances ticking), moves the schedules to their next fire in their time zone, then hands
 * pending runs, scheduled or manual, to the job queue in the same transaction as their marking.
 */
export async function tickSchedules(deps: TickDeps): Promise<TickResult> {
	const result: TickResult = { fired: 0, skipped: 0, enqueued: 0 };
	// Bounded loops: a large backlog is drained batch by batch within one tick.
	for (let i = 0; i < 50; i++) {
		const step = await fireDue(deps, deps.now());
		result.fired += step.fired;
		result.skipped += step.skipped;
		if (!step.more) break;
	}
	for (let i = 0; i < 50; i++) {
		const step = await enqueuePending(deps);
		result.enqueued += step.enqueued;
		if (!step.more) break;
	}
	return result;
}

/** Finished runs are kept this long (the tab shows the last ten; `Passerelle_syncs` keeps the history). */
export const RUN_RETENTION_DAYS = 90;

/** Deletes finished runs older than the retention; returns how many went. */
export async function pruneRuns(
	database: Database,
	now: Date,
	retentionDays = RUN_RETENTION_DAYS
): Promise<number> {
	const rows = await database.query(
		`DELETE FROM schedule_runs WHERE finished_at IS NOT NULL AND finished_at < $1 RETURNING id`,
		[new Date(now.getTime() - retentionDays * 86_400_000)]
	);
	return rows.length;
}
