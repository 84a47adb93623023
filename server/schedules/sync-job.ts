import type { GristPort } from '#widget/grist-port.ts';
import type { Logger } from '../log.ts';

/** What started a run. */
export type RunTrigger = 'planifiee' | 'manuelle';

/** Statuses of a run, as stored and shown (French codes, like `Passerelle_syncs`). */
export const RUN_STATUSES = [
	'en_attente',
	'en_cours',
	'nouvel_essai',
	'reussie',
	'partielle',
	'echouee',
	'ignoree'
] as const;

/** One of `RUN_STATUSES`. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses of a run that is not finished (at most one per configuration). */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['en_attente', 'en_cours', 'nouvel_essai'];

/** The job a handler executes: one run of one configuration. */
export interface SyncJob {
	runId: string;
	scheduleId: string;
	configId: string;
	docId: string;
	trigger: RunTrigger;
	/** The scheduled instant (ISO) for a scheduled run; null for a manual one. */
	fireTime: string | null;
	/** 1 for the first attempt, 2 after a retry or a resume. */
	attempt: number;
}

/** What a successful run reports. */
export interface RunSummary {
	/** `partielle` when the run went through but some items failed (shown as a warning). */
	status?: 'reussie' | 'partielle';
	/** Dossiers (or items) received. */
	dossiers: number;
	/** Grist rows added, updated or removed. */
	rowsWritten: number;
	/** A French sentence worth showing beside the run. */
	message?: string;
	/** Extra JSON facts kept with the run (never secrets). */
	details?: Record<string, unknown>;
}

/** What the runner gives a handler for one attempt. */
export interface SyncJobContext {
	/** Aborted on timeout, on shutdown, or when another instance took the job over. */
	signal: AbortSignal;
	/** What an earlier attempt of this run saved last, or null on a fresh run: resume from it. */
	checkpoint: unknown;
	/** Saves where to resume if this attempt dies; call it after each page written to Grist. */
	saveCheckpoint(state: unknown): Promise<void>;
	/** The document over Grist's REST API, with the API key stored for server-side writes. */
	grist: GristPort;
	/** Grist origin (plus `/o/<org>`) the port writes to. */
	gristUrl: string;
	/** A logger scoped to the run; the API key is registered as a secret. */
	log: Logger;
	/** The runner's clock, in epoch milliseconds. */
	now(): number;
}

/**
 * The port the job runner executes: the DS sync in production, simpler handlers in tests. It
 * throws a PasserelleError (its `retryable` flag decides whether the run is retried) or returns
 * a summary. It must be idempotent from its checkpoint: a resumed attempt may redo the last page.
 */
export type SyncJobHandler = (job: SyncJob, ctx: SyncJobContext) => Promise<RunSummary>;
