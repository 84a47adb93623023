/** The JSON the schedule routes answer (mirrors `server/schedules`, which the UI cannot import). */

/** A preset or a cron expression, read in Paris time. */
export type ScheduleSpec =
	| { kind: 'quotidien'; time: string }
	| { kind: 'horaire'; minute: number }
	| { kind: 'hebdomadaire'; weekday: number; time: string }
	| { kind: 'cron'; expression: string };

/** One French validation issue, tied to a field. */
export interface SpecIssue {
	field: 'kind' | 'time' | 'minute' | 'weekday' | 'expression';
	message: string;
}

/** A saved schedule. */
export interface ScheduleView {
	id: string;
	configId: string;
	enabled: boolean;
	spec: ScheduleSpec;
	cron: string;
	description: string;
	timeZone: string;
	timeoutSeconds: number;
	nextFireAt: string | null;
	lastFireAt: string | null;
	consecutiveFailures: number;
	pausedAt: string | null;
	pauseReason: string | null;
}

/** Statuses of a run. */
export type RunStatus =
	'en_attente' | 'en_cours' | 'nouvel_essai' | 'reussie' | 'partielle' | 'echouee' | 'ignoree';

/** One run, scheduled or manual. */
export interface RunView {
	id: string;
	trigger: 'planifiee' | 'manuelle';
	fireTime: string | null;
	status: RunStatus;
	attempts: number;
	requestedAt: string;
	startedAt: string | null;
	finishedAt: string | null;
	durationMs: number | null;
	dossiers: number | null;
	rowsWritten: number | null;
	message: string | null;
	errorCode: string | null;
	errorMessage: string | null;
}

/** The document's server-side access (never the key). */
export interface DocumentAccess {
	gristUrl: string | null;
	apiKeySaved: boolean;
	apiKeyUpdatedAt: string | null;
}

/** One démarche with its schedule. */
export interface ConfigSchedule {
	configId: string;
	demarcheNumber: number;
	tablePrefix: string;
	hasToken: boolean;
	schedule: ScheduleView | null;
	upcoming: string[];
	runs: RunView[];
}

/** `GET /api/schedules`. */
export interface SchedulesOverview {
	timeZone: string;
	database: 'pglite' | 'postgres';
	serverRuns: boolean;
	maxConsecutiveFailures: number;
	access: DocumentAccess;
	configs: ConfigSchedule[];
}

/** `POST /api/schedules/preview`. */
export type SchedulePreview =
	| { ok: true; spec: ScheduleSpec; cron: string; description: string; upcoming: string[] }
	| { ok: false; issues: SpecIssue[] };

/** Statuses of a run that is not finished. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['en_attente', 'en_cours', 'nouvel_essai'];
