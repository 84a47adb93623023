import { hostname } from 'node:os';
import type { PGlite } from '@electric-sql/pglite';
import { PgBoss, fromPglite, type ConstructorOptions, type Db, type JobWithMetadata } from 'pg-boss';
import { PasserelleError } from '#widget/errors.ts';
import type { Database, DbSession } from '../db/database.ts';
import type { Logger } from '../log.ts';
import type { SecretsStore } from '../secrets/secrets-store.ts';
import {
	executeRun,
	recordAbandoned,
	DEFAULT_MAX_CONSECUTIVE_FAILURES,
	type RunnerDeps
} from './job-runner.ts';
import { pruneRuns, tickSchedules, type Enqueue, type TickResult } from './scheduler.ts';
import type { SyncJob, SyncJobHandler } from './sync-job.ts';

/** pg-boss queue of sync runs. */
export const SYNC_QUEUE = 'passerelle-sync';
/** pg-boss queue receiving the runs the sync queue gave up on (for a final French status). */
export const ABANDONED_QUEUE = 'passerelle-sync-abandon';
/** Margin between a run's own time limit and the queue's expiry, so ours always fires first. */
const EXPIRY_MARGIN_SECONDS = 600;

/** Tuning of the service; production defaults, tests shorten them. */
export interface ScheduleServiceOptions {
	/** PostgreSQL connection string (required when the database is PostgreSQL: pg-boss has its own pool). */
	databaseUrl?: string;
	/** How often the scheduler looks for due schedules (default 15 s). */
	tickIntervalMs?: number;
	/** How often idle workers look for jobs (default 2 s, at least 0.5). */
	pollingIntervalSeconds?: number;
	/** A running job must prove it is alive this often or another instance resumes it (default 60, at least 10). */
	heartbeatSeconds?: number;
	/** How often the queue looks for dead jobs (default 30 s). */
	superviseIntervalSeconds?: number;
	/** Retries of a run after a transient error (default 3), with exponential backoff from `retryDelaySeconds`. */
	retryLimit?: number;
	retryDelaySeconds?: number;
	retryDelayMaxSeconds?: number;
	maxConsecutiveFailures?: number;
	/** Runs executed at once by this instance (default 2); runs on one document never overlap. */
	concurrency?: number;
	/** Overrides every schedule's time limit (tests). */
	timeoutMs?: number;
	/** How often a running attempt refreshes its run row (default 30 s). */
	runHeartbeatMs?: number;
	instanceId?: string;
	now?: () => number;
	fetch?: typeof fetch;
}

/** The running scheduler and job runner of one server instance. */
export interface ScheduleService {
	readonly instanceId: string;
	readonly boss: PgBoss;
	/** One scheduler pass now (also runs every `tickIntervalMs`). */
	tick(): Promise<TickResult>;
	/** Asks for a pass soon, e.g. after « Exécuter maintenant ». */
	nudge(): void;
	/** Stops ticking and working; running jobs are left for a restart or another instance to resume. */
	stop(): Promise<void>;
}

/** Dependencies of the service. */
export interface ScheduleServiceDeps {
	database: Database;
	secrets: SecretsStore;
	log: Logger;
	handler: SyncJobHandler;
}

/** pg-boss statements on one of our sessions, so a job is created inside our transaction. */
export function sessionDb(session: DbSession): Db {
	return {
		async executeSql(text: string, values?: unknown[]) {
			if (values && values.length > 0) return { rows: await session.query(text, values) };
			// Without parameters pg-boss may send several statements.
			await session.exec(text);
			return { rows: [] };
		}
	};
}

function bossOptions(database: Database, options: ScheduleServiceOptions): ConstructorOptions {
	const common: ConstructorOptions = {
		// Cron evaluation is ours (Paris time, DST rule, next run shown): pg-boss only queues.
		schedule: false,
		supervise: true,
		superviseIntervalSeconds: options.superviseIntervalSeconds ?? 30,
		monitorIntervalSeconds: options.superviseIntervalSeconds ?? 30,
		application_name: 'passerelle-planification'
	};
	if (database.kind === 'pglite') {
		const client = (database.db as unknown as { $client: PGlite }).$client;
		return { ...common, db: fromPglite(client), backend: 'pglite' };
	}
	if (!options.databaseUrl) {
		throw new PasserelleError(
			'schedules_misconfigured',
			'La planification a besoin de DATABASE_URL pour se connecter à PostgreSQL.',
			false
		);
	}
	return { ...common, connectionString: options.databaseUrl, max: 4 };
}

let current: ScheduleService | undefined;

/** The service started in this process, if any (routes nudge it after « Exécuter maintenant »). */
export function currentScheduleService(): ScheduleService | undefined {
	return current;
}

/**
 * Starts the scheduler and the job runner on pg-boss, over the same database (PGlite in-process,
 * or PostgreSQL shared by several instances): creates the queues, works the sync queue with at
 * most one run per document at a time, and ticks the scheduler.
 */
export async function startScheduleService(
	deps: ScheduleServiceDeps,
	options: ScheduleServiceOptions = {}
): Promise<ScheduleService> {
	const instanceId = options.instanceId ?? `${hostname()}:${process.pid}`;
	const log = deps.log.child({ component: 'planification', instance: instanceId });
	const boss = new PgBoss(bossOptions(deps.database, options));
	boss.on('error', (error) => log.error('Erreur de la file des tâches', { error }));
	boss.on('warning', (warning) => log.warn('Avertissement de la file des tâches', { warning }));
	await boss.start();

	const retryLimit = options.retryLimit ?? 3;
	const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
	try {
		await boss.createQueue(ABANDONED_QUEUE, { retryLimit: 5, retryDelay: 30 });
		const queue = {
			retryLimit,
			retryDelay: options.retryDelaySeconds ?? 60,
			retryBackoff: true,
			retryDelayMax: options.retryDelayMaxSeconds ?? 900,
			heartbeatSeconds: options.heartbeatSeconds ?? 60,
			expireInSeconds: 7200 + EXPIRY_MARGIN_SECONDS,
			deadLetter: ABANDONED_QUEUE
		};
		await boss.createQueue(SYNC_QUEUE, queue);
		// An existing queue keeps its settings unless told: apply this version's.
		await boss.updateQueue(SYNC_QUEUE, queue);
		// Fill pg-boss's queue cache now: on PGlite a cache miss inside our transaction would wait
		// for the single connection that transaction holds.
		await boss.findJobs(SYNC_QUEUE, { key: 'warm-up' });
		await boss.findJobs(ABANDONED_QUEUE, { key: 'warm-up' });
	} catch (error) {
		await boss.stop({ graceful: false }).catch(() => {});
		throw error;
	}

	const runner: RunnerDeps = {
		database: deps.database,
		secrets: deps.secrets,
		handler: deps.handler,
		log,
		instanceId,
		maxConsecutiveFailures: options.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES,
		heartbeatMs: options.runHeartbeatMs,
		timeoutMs: options.timeoutMs,
		now: options.now,
		fetch: options.fetch
	};

	const enqueue: Enqueue = (session, pending) => {
		const timeoutSeconds = options.timeoutMs ? Math.ceil(options.timeoutMs / 1000) : pending.timeoutSeconds;
		return boss.send(SYNC_QUEUE, pending.job, {
			db: sessionDb(session),
			// One run per document at a time, across instances: syncs of one document are staggered.
			group: { id: pending.job.docId },
			expireInSeconds: timeoutSeconds + EXPIRY_MARGIN_SECONDS
		});
	};

	await boss.work<Omit<SyncJob, 'attempt'>>(
		SYNC_QUEUE,
		{
			localConcurrency: options.concurrency ?? 2,
			groupConcurrency: 1,
			includeMetadata: true,
			pollingIntervalSeconds
		},
		async ([job]) => {
			if (!job) return null;
			return executeRun(runner, job.data, {
				retryCount: job.retryCount,
				retryLimit: (job as JobWithMetadata<unknown>).retryLimit,
				signal: job.signal
			});
		}
	);
	await boss.work<Omit<SyncJob, 'attempt'>>(ABANDONED_QUEUE, { pollingIntervalSeconds }, async (jobs) => {
		for (const job of jobs) await recordAbandoned(runner, job.data.runId);
	});

	const now = () => new Date((options.now ?? Date.now)());
	let ticking: Promise<TickResult> | undefined;
	let again = false;
	let stopped = false;
	const tick = (): Promise<TickResult> => {
		if (ticking) {
			again = true;
			return ticking;
		}
		ticking = tickSchedules({ database: deps.database, enqueue, now, log })
			.then((result) => {
				if (result.enqueued > 0) log.debug('Exécutions mises en file', { ...result });
				return result;
			})
			.finally(() => {
				ticking = undefined;
				if (again && !stopped) {
					again = false;
					void tick().catch(() => {});
				}
			});
		return ticking;
	};
	const safeTick = () => {
		if (!stopped) tick().catch((error: unknown) => log.error('Passe du planificateur en échec', { error }));
	};
	const interval = setInterval(safeTick, options.tickIntervalMs ?? 15_000);
	interval.unref();
	const pruning = setInterval(() => {
		pruneRuns(deps.database, now()).catch((error: unknown) =>
			log.warn('Purge des exécutions en échec', { error })
		);
	}, 3_600_000);
	pruning.unref();
	safeTick();

	const service: ScheduleService = {
		instanceId,
		boss,
		tick,
		nudge: () => setTimeout(safeTick, 0).unref(),
		async stop() {
			if (stopped) return;
			stopped = true;
			clearInterval(interval);
			clearInterval(pruning);
			await ticking?.catch(() => {});
			await boss.stop({ graceful: true, timeout: 5000 });
			if (current === service) current = undefined;
			log.info('Planification arrêtée');
		}
	};
	current = service;
	log.info('Planification démarrée', { database: deps.database.kind });
	return service;
}
