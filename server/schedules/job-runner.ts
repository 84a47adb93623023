import { PasserelleError } from '#widget/errors.ts';
import { createGristPort } from '#widget/grist-port.ts';
import { createRestBackend } from '#widget/rest-backend.ts';
import type { Database, DbSession } from '../db/database.ts';
import type { Logger } from '../log.ts';
import type { SecretsStore } from '../secrets/secrets-store.ts';
import { describeRunError, runTimeoutError, type RunError } from './run-errors.ts';
import { gristCredentials, type RunRow, type ScheduleRow } from './schedule-store.ts';
import type { RunStatus, SyncJob, SyncJobContext, SyncJobHandler } from './sync-job.ts';

/** Consecutive failed scheduled runs after which a schedule pauses itself. */
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 3;

/** Dependencies of the job runner. */
export interface RunnerDeps {
	database: Database;
	secrets: SecretsStore;
	handler: SyncJobHandler;
	log: Logger;
	/** Names this process in the runs it executes (host:pid). */
	instanceId: string;
	maxConsecutiveFailures?: number;
	/** How often a running attempt marks itself alive in its run row (default 30 s). */
	heartbeatMs?: number;
	/** Overrides every schedule's time limit (tests). */
	timeoutMs?: number;
	now?: () => number;
	/** The fetch the REST Grist port uses (tests). */
	fetch?: typeof fetch;
}

/** Facts about the queue attempt: how many retries are left, and its cancellation. */
export interface AttemptInfo {
	/** Retries already made by the queue (0 on the first delivery). */
	retryCount: number;
	retryLimit: number;
	/** Aborted by the queue (shutdown, claim taken over after a missed heartbeat). */
	signal?: AbortSignal;
}

/** How `executeRun` ended, when it did not throw for a retry. */
export interface RunOutcome {
	/** `absent`: already finished or deleted; `lost`: another instance owns the run now. */
	status: RunStatus | 'absent' | 'lost';
	error?: RunError;
}

/** Thrown (and retried by the queue) when a transient error leaves retries. */
export class RetryLaterError extends PasserelleError {}

const ACTIVE = `('en_attente', 'en_cours', 'nouvel_essai')`;

function claimLost(): PasserelleError {
	return new PasserelleError(
		'run_claim_lost',
		'Une autre instance du serveur a repris cette exécution : celle-ci s’arrête.',
		false
	);
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
	if (signal.aborted) return Promise.reject(signal.reason);
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
		work.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			}
		);
	});
}

/**
 * Records a failed run (if it is still active) and counts it against its schedule: after
 * `maxFailures` consecutive failed scheduled runs, the schedule pauses itself with the reason.
 */
export async function recordFailure(
	session: DbSession,
	run: Pick<RunRow, 'id' | 'schedule_id' | 'trigger' | 'started_at'>,
	error: RunError,
	now: Date,
	options: { maxFailures: number; attempt?: number }
): Promise<{ recorded: boolean; paused: boolean }> {
	const fence = options.attempt === undefined ? '' : ' AND attempts = $6';
	const params: unknown[] = [
		run.id,
		now,
		run.started_at ? now.getTime() - new Date(run.started_at).getTime() : null,
		error.code,
		error.message
	];
	if (options.attempt !== undefined) params.push(options.attempt);
	const updated = await session.query(
		`UPDATE schedule_runs SET status = 'echouee', finished_at = $2, duration_ms = $3, error_code = $4,
			error_message = $5, heartbeat_at = $2
		 WHERE id = $1 AND status IN ${ACTIVE}${fence} RETURNING id`,
		params
	);
	if (updated.length === 0) return { recorded: false, paused: false };
	// Manual runs say something about the configuration, not about the schedule's rhythm.
	if (run.trigger !== 'planifiee') return { recorded: true, paused: false };
	const [schedule] = await session.query<Pick<ScheduleRow, 'consecutive_failures' | 'paused_at'>>(
		`UPDATE schedules SET consecutive_failures = consecutive_failures + 1, updated_at = $2
		 WHERE id = $1 RETURNING consecutive_failures, paused_at`,
		[run.schedule_id, now]
	);
	if (!schedule || schedule.paused_at || schedule.consecutive_failures < options.maxFailures) {
		return { recorded: true, paused: false };
	}
	await session.query(
		'UPDATE schedules SET paused_at = $2, pause_reason = $3, updated_at = $2 WHERE id = $1',
		[
			run.schedule_id,
			now,
			`Planification suspendue automatiquement après ${schedule.consecutive_failures} échecs consécutifs. ` +
				`Dernière erreur : ${error.message} Corrigez la cause puis cliquez sur « Réactiver ».`
		]
	);
	return { recorded: true, paused: true };
}

/**
 * Executes one attempt of a run: claims it (fenced by its attempt number), gives the handler a
 * REST GristPort, the last checkpoint and a signal bounded by the schedule's time limit, then
 * records the outcome. A transient error with retries left marks the run `nouvel_essai` and
 * throws `RetryLaterError` so the queue retries with backoff; anything else is recorded as a
 * failure counted against the schedule, never thrown.
 */
export async function executeRun(
	deps: RunnerDeps,
	job: Omit<SyncJob, 'attempt'>,
	attemptInfo: AttemptInfo
): Promise<RunOutcome> {
	const clock = deps.now ?? Date.now;
	const now = () => new Date(clock());
	const maxFailures = deps.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
	const [run] = await deps.database.query<RunRow>(
		`UPDATE schedule_runs SET status = 'en_cours', attempts = attempts + 1, started_at = COALESCE(started_at, $2),
			heartbeat_at = $2, instance = $3, error_code = NULL, error_message = NULL
		 WHERE id = $1 AND status IN ${ACTIVE} RETURNING *`,
		[job.runId, now(), deps.instanceId]
	);
	if (!run) {
		deps.log.info('Exécution déjà terminée ou supprimée : rien à faire', { runId: job.runId });
		return { status: 'absent' };
	}
	const attempt = run.attempts;
	const log = deps.log.child({ runId: run.id, docId: run.doc_id, configId: run.config_id, attempt });
	const [schedule] = await deps.database.query<ScheduleRow>('SELECT * FROM schedules WHERE id = $1', [
		run.schedule_id
	]);
	const timeoutMs = deps.timeoutMs ?? (schedule?.timeout_seconds ?? 7200) * 1000;

	const fail = async (error: unknown, secrets: string[]): Promise<RunOutcome> => {
		const described = describeRunError(error, secrets);
		const { recorded, paused } = await deps.database.transaction((tx) =>
			recordFailure(tx, run, described, now(), { maxFailures, attempt })
		);
		if (!recorded) return { status: 'lost' };
		log.warn('Exécution en échec', { code: described.code, message: described.message, paused });
		return { status: 'echouee', error: described };
	};

	let credentials: { gristUrl: string; apiKey: string };
	try {
		credentials = await gristCredentials(deps.database, deps.secrets, run.doc_id);
	} catch (error) {
		return fail(error, []);
	}
	log.addSecretValue(credentials.apiKey);

	const controller = new AbortController();
	const signal = attemptInfo.signal
		? AbortSignal.any([controller.signal, attemptInfo.signal])
		: controller.signal;
	const timer = setTimeout(() => controller.abort(runTimeoutError(timeoutMs)), timeoutMs);
	let lost = false;
	const markLost = () => {
		lost = true;
		controller.abort(claimLost());
	};
	const heartbeat = setInterval(() => {
		deps.database
			.query(
				`UPDATE schedule_runs SET heartbeat_at = $3 WHERE id = $1 AND attempts = $2 AND status = 'en_cours' RETURNING id`,
				[run.id, attempt, now()]
			)
			.then((rows) => {
				if (rows.length === 0) markLost();
			})
			.catch((error: unknown) => log.warn('Battement de cœur non enregistré', { error }));
	}, deps.heartbeatMs ?? 30_000);

	const ctx: SyncJobContext = {
		signal,
		checkpoint: run.checkpoint ?? null,
		async saveCheckpoint(state) {
			signal.throwIfAborted();
			const rows = await deps.database.query(
				`UPDATE schedule_runs SET checkpoint = $3::jsonb, checkpoint_at = $4, heartbeat_at = $4
				 WHERE id = $1 AND attempts = $2 AND status = 'en_cours' RETURNING id`,
				[run.id, attempt, JSON.stringify(state ?? null), now()]
			);
			if (rows.length === 0) {
				markLost();
				throw claimLost();
			}
		},
		grist: createGristPort(
			createRestBackend({
				gristUrl: credentials.gristUrl,
				docId: run.doc_id,
				apiKey: credentials.apiKey,
				fetch: deps.fetch
			})
		),
		gristUrl: credentials.gristUrl,
		log,
		now: clock
	};

	const started = clock();
	log.info('Exécution démarrée', {
		trigger: run.trigger,
		fireTime: run.fire_time,
		resumed: run.checkpoint != null
	});
	try {
		const summary = await untilAborted(deps.handler({ ...job, attempt }, ctx), signal);
		const finished = now();
		const status: RunStatus = summary.status ?? 'reussie';
		const recorded = await deps.database.transaction(async (tx) => {
			const rows = await tx.query(
				`UPDATE schedule_runs SET status = $3, finished_at = $4, duration_ms = $5, dossiers = $6, rows_written = $7,
					summary = $8::jsonb, error_code = NULL, error_message = NULL, heartbeat_at = $4
				 WHERE id = $1 AND attempts = $2 AND status = 'en_cours' RETURNING id`,
				[
					run.id,
					attempt,
					status,
					finished,
					finished.getTime() - new Date(run.started_at ?? started).getTime(),
					summary.dossiers,
					summary.rowsWritten,
					JSON.stringify({ message: summary.message ?? null, ...summary.details })
				]
			);
			if (rows.length === 0) return false;
			await tx.query('UPDATE schedules SET consecutive_failures = 0, updated_at = $2 WHERE id = $1', [
				run.schedule_id,
				finished
			]);
			return true;
		});
		if (!recorded) return { status: 'lost' };
		log.info('Exécution terminée', { status, dossiers: summary.dossiers, rowsWritten: summary.rowsWritten });
		return { status };
	} catch (thrown) {
		// Our own abort (time limit, claim lost) explains the failure better than how the handler noticed it.
		const error: unknown = controller.signal.aborted ? controller.signal.reason : thrown;
		if (lost || (error instanceof PasserelleError && error.code === 'run_claim_lost')) {
			log.warn('Exécution reprise par une autre instance');
			return { status: 'lost' };
		}
		const described = describeRunError(error, [credentials.apiKey]);
		const shuttingDown = attemptInfo.signal?.aborted === true && !controller.signal.aborted;
		if ((described.retryable || shuttingDown) && attemptInfo.retryCount < attemptInfo.retryLimit) {
			await deps.database.query(
				`UPDATE schedule_runs SET status = 'nouvel_essai', error_code = $3, error_message = $4, heartbeat_at = $5
				 WHERE id = $1 AND attempts = $2 AND status = 'en_cours'`,
				[run.id, attempt, described.code, `Nouvel essai prévu. ${described.message}`, now()]
			);
			log.warn('Erreur passagère : nouvel essai prévu', { code: described.code, message: described.message });
			throw new RetryLaterError(described.code, described.message, true, { cause: error });
		}
		return fail(error, [credentials.apiKey]);
	} finally {
		clearTimeout(timer);
		clearInterval(heartbeat);
	}
}

/**
 * Records as failed a run whose job the queue gave up on without the runner finishing it (the
 * process died on its last attempt, or the queue expired it). Called from the dead-letter queue.
 */
export async function recordAbandoned(
	deps: Pick<RunnerDeps, 'database' | 'log' | 'maxConsecutiveFailures' | 'now'>,
	runId: string
): Promise<boolean> {
	const now = new Date((deps.now ?? Date.now)());
	const [run] = await deps.database.query<RunRow>('SELECT * FROM schedule_runs WHERE id = $1', [runId]);
	if (!run) return false;
	const error: RunError = {
		code: 'run_abandoned',
		message:
			'L’exécution a été interrompue (arrêt du serveur pendant la synchronisation) et les nouveaux essais sont épuisés. Ce qui a été écrit dans Grist est conservé.',
		retryable: false
	};
	const { recorded } = await deps.database.transaction((tx) =>
		recordFailure(tx, run, error, now, {
			maxFailures: deps.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES
		})
	);
	if (recorded) deps.log.warn('Exécution abandonnée par la file', { runId });
	return recorded;
}
