import { randomUUID } from 'node:crypto';
import { PasserelleError } from '#widget/errors.ts';
import type { Database, DbSession } from '../db/database.ts';
import type { SecretsStore } from '../secrets/secrets-store.ts';
import { nextFireAfter } from './next-fire.ts';
import {
	checkScheduleSpec,
	describeSpec,
	SCHEDULE_TIME_ZONE,
	type ScheduleSpec,
	type SpecIssue
} from './schedule-spec.ts';
import type { RunStatus, RunTrigger } from './sync-job.ts';

/** Secret kind of the Grist API key the server writes with (one per document). */
export const GRIST_API_KEY_KIND = 'grist_api_key';
/** Secret name of that key. */
export const GRIST_API_KEY_NAME = 'planification';
/** Spec given to a schedule created implicitly (by « Exécuter maintenant »). */
export const DEFAULT_SPEC: ScheduleSpec = { kind: 'quotidien', time: '02:00' };
/** Runs shown per schedule. */
export const RUNS_SHOWN = 10;

/** A schedule as the widget sees it. */
export interface ScheduleView {
	id: string;
	configId: string;
	enabled: boolean;
	spec: ScheduleSpec;
	cron: string;
	/** French sentence, e.g. « Chaque jour à 02:30 (heure de Paris) ». */
	description: string;
	timeZone: string;
	timeoutSeconds: number;
	nextFireAt: string | null;
	lastFireAt: string | null;
	consecutiveFailures: number;
	pausedAt: string | null;
	pauseReason: string | null;
}

/** A run as the widget sees it. */
export interface RunView {
	id: string;
	trigger: RunTrigger;
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

/** The document's server-side access: never the key, only whether one is stored and since when. */
export interface DocumentAccessView {
	gristUrl: string | null;
	apiKeySaved: boolean;
	apiKeyUpdatedAt: string | null;
}

/** A schedule row as read from SQL. */
export interface ScheduleRow extends Record<string, unknown> {
	id: string;
	doc_id: string;
	config_id: string;
	enabled: boolean;
	spec: ScheduleSpec;
	cron: string;
	time_zone: string;
	timeout_seconds: number;
	next_fire_at: Date | null;
	last_fire_at: Date | null;
	consecutive_failures: number;
	paused_at: Date | null;
	pause_reason: string | null;
}

/** A run row as read from SQL. */
export interface RunRow extends Record<string, unknown> {
	id: string;
	schedule_id: string;
	doc_id: string;
	config_id: string;
	trigger: RunTrigger;
	fire_time: Date | null;
	status: RunStatus;
	attempts: number;
	job_id: string | null;
	requested_at: Date;
	started_at: Date | null;
	heartbeat_at: Date | null;
	finished_at: Date | null;
	duration_ms: number | null;
	dossiers: number | null;
	rows_written: number | null;
	summary: Record<string, unknown> | null;
	error_code: string | null;
	error_message: string | null;
	checkpoint: unknown;
	instance: string | null;
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

function notFound(): PasserelleError {
	return new PasserelleError(
		'config_not_found',
		'Configuration de démarche introuvable pour ce document.',
		false,
		{
			details: { status: 404 }
		}
	);
}

/** Maps a schedule row to what the widget shows. */
export function scheduleView(row: ScheduleRow): ScheduleView {
	return {
		id: row.id,
		configId: row.config_id,
		enabled: row.enabled,
		spec: row.spec,
		cron: row.cron,
		description: describeSpec(row.spec),
		timeZone: row.time_zone,
		timeoutSeconds: row.timeout_seconds,
		nextFireAt: row.enabled && !row.paused_at ? iso(row.next_fire_at) : null,
		lastFireAt: iso(row.last_fire_at),
		consecutiveFailures: row.consecutive_failures,
		pausedAt: iso(row.paused_at),
		pauseReason: row.pause_reason
	};
}

/** Maps a run row to what the widget shows. */
export function runView(row: RunRow): RunView {
	const message = row.summary && typeof row.summary.message === 'string' ? row.summary.message : null;
	return {
		id: row.id,
		trigger: row.trigger,
		fireTime: iso(row.fire_time),
		status: row.status,
		attempts: row.attempts,
		requestedAt: iso(row.requested_at)!,
		startedAt: iso(row.started_at),
		finishedAt: iso(row.finished_at),
		durationMs: row.duration_ms,
		dossiers: row.dossiers,
		rowsWritten: row.rows_written,
		message,
		errorCode: row.error_code,
		errorMessage: row.error_message
	};
}

/** Throws 404 unless `configId` is a démarche configuration of `docId`. */
export async function checkConfig(session: DbSession, docId: string, configId: string): Promise<void> {
	const rows = await session.query('SELECT 1 FROM demarche_configs WHERE id = $1 AND doc_id = $2', [
		configId,
		docId
	]);
	if (rows.length === 0) throw notFound();
}

/** The schedule of a configuration of `docId`, or null when none was saved yet. */
export async function findSchedule(
	session: DbSession,
	docId: string,
	configId: string
): Promise<ScheduleRow | null> {
	const [row] = await session.query<ScheduleRow>(
		'SELECT * FROM schedules WHERE config_id = $1 AND doc_id = $2',
		[configId, docId]
	);
	return row ?? null;
}

/** What `saveSchedule` accepts from the widget. */
export interface ScheduleInput {
	enabled?: unknown;
	spec?: unknown;
}

/** Validation failure of a schedule: 400 with the French issues in `details.issues`. */
export function invalidSchedule(issues: SpecIssue[]): PasserelleError {
	return new PasserelleError('schedule_invalid', issues.map((i) => i.message).join(' '), false, {
		details: { status: 400, issues }
	});
}

/**
 * Creates or changes the schedule of a configuration of `docId`: validates the spec (French
 * issues, 400), computes the next fire in Paris time. A paused schedule stays paused until
 * `resumeSchedule` (« Réactiver »).
 */
export async function saveSchedule(
	database: Database,
	docId: string,
	configId: string,
	input: ScheduleInput,
	now: Date
): Promise<ScheduleView> {
	return database.transaction(async (tx) => {
		await checkConfig(tx, docId, configId);
		const current = await findSchedule(tx, docId, configId);
		const check = checkScheduleSpec(input.spec ?? current?.spec ?? DEFAULT_SPEC, now);
		if (!check.ok) throw invalidSchedule(check.issues);
		if (input.enabled !== undefined && typeof input.enabled !== 'boolean') {
			throw invalidSchedule([{ field: 'kind', message: 'Indiquez si la planification est active ou non.' }]);
		}
		const enabled = (input.enabled as boolean | undefined) ?? current?.enabled ?? false;
		const next = enabled ? nextFireAfter(check.cron, now, SCHEDULE_TIME_ZONE) : null;
		const [row] = await tx.query<ScheduleRow>(
			`INSERT INTO schedules (id, doc_id, config_id, enabled, spec, cron, time_zone, next_fire_at, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $9)
			 ON CONFLICT (config_id) DO UPDATE SET enabled = EXCLUDED.enabled, spec = EXCLUDED.spec,
				cron = EXCLUDED.cron, time_zone = EXCLUDED.time_zone, next_fire_at = EXCLUDED.next_fire_at,
				updated_at = EXCLUDED.updated_at
			 RETURNING *`,
			[
				randomUUID(),
				docId,
				configId,
				enabled,
				JSON.stringify(check.spec),
				check.cron,
				SCHEDULE_TIME_ZONE,
				next,
				now
			]
		);
		return scheduleView(row!);
	});
}

/** « Réactiver »: lifts an automatic pause, forgets the failure count, computes the next fire. */
export async function resumeSchedule(
	database: Database,
	docId: string,
	configId: string,
	now: Date
): Promise<ScheduleView> {
	const current = await findSchedule(database, docId, configId);
	if (!current) {
		await checkConfig(database, docId, configId);
		throw new PasserelleError('schedule_not_found', 'Aucune planification pour cette démarche.', false, {
			details: { status: 404 }
		});
	}
	const next = current.enabled ? nextFireAfter(current.cron, now, current.time_zone) : null;
	const [row] = await database.query<ScheduleRow>(
		`UPDATE schedules SET paused_at = NULL, pause_reason = NULL, consecutive_failures = 0,
			next_fire_at = $2, updated_at = $3 WHERE id = $1 RETURNING *`,
		[current.id, next, now]
	);
	return scheduleView(row!);
}

/**
 * « Exécuter maintenant »: records a manual run, picked up by the next scheduler tick. Refused
 * (409) while a run of the same configuration is pending or running.
 */
export async function requestRun(
	database: Database,
	docId: string,
	configId: string,
	now: Date
): Promise<RunView> {
	return database.transaction(async (tx) => {
		await checkConfig(tx, docId, configId);
		let schedule = await findSchedule(tx, docId, configId);
		if (!schedule) {
			const [created] = await tx.query<ScheduleRow>(
				`INSERT INTO schedules (id, doc_id, config_id, enabled, spec, cron, time_zone, created_at, updated_at)
				 VALUES ($1, $2, $3, false, $4::jsonb, $5, $6, $7, $7) RETURNING *`,
				[randomUUID(), docId, configId, JSON.stringify(DEFAULT_SPEC), '0 2 * * *', SCHEDULE_TIME_ZONE, now]
			);
			schedule = created!;
		}
		const [row] = await tx.query<RunRow>(
			`INSERT INTO schedule_runs (id, schedule_id, doc_id, config_id, trigger, status, requested_at)
			 VALUES ($1, $2, $3, $4, 'manuelle', 'en_attente', $5)
			 ON CONFLICT DO NOTHING RETURNING *`,
			[randomUUID(), schedule.id, docId, configId, now]
		);
		if (!row) {
			throw new PasserelleError(
				'run_already_active',
				'Une exécution de cette démarche est déjà en attente ou en cours : attendez qu’elle se termine.',
				false,
				{ details: { status: 409 } }
			);
		}
		return runView(row);
	});
}

/** The latest runs of a schedule, newest first. */
export async function listRuns(
	session: DbSession,
	scheduleId: string,
	limit = RUNS_SHOWN
): Promise<RunView[]> {
	const rows = await session.query<RunRow>(
		'SELECT * FROM schedule_runs WHERE schedule_id = $1 ORDER BY requested_at DESC, id LIMIT $2',
		[scheduleId, limit]
	);
	return rows.map(runView);
}

/** Where the server reaches a document and whether it holds an API key for it. */
export async function documentAccess(session: DbSession, docId: string): Promise<DocumentAccessView> {
	const [row] = await session.query<{
		grist_url: string | null;
		api_key_secret_id: string | null;
		api_key_updated_at: Date | null;
	}>('SELECT grist_url, api_key_secret_id, api_key_updated_at FROM schedule_documents WHERE doc_id = $1', [
		docId
	]);
	return {
		gristUrl: row?.grist_url ?? null,
		apiKeySaved: Boolean(row?.api_key_secret_id),
		apiKeyUpdatedAt: row?.api_key_secret_id ? iso(row.api_key_updated_at) : null
	};
}

/** Remembers where the server reaches a document (from the caller's proven Grist address). */
export async function rememberGristUrl(
	session: DbSession,
	docId: string,
	gristUrl: string | null,
	now: Date
) {
	await session.query(
		`INSERT INTO schedule_documents (doc_id, grist_url, updated_at) VALUES ($1, $2, $3)
		 ON CONFLICT (doc_id) DO UPDATE SET grist_url = EXCLUDED.grist_url, updated_at = EXCLUDED.updated_at`,
		[docId, gristUrl, now]
	);
}

/** Stores (encrypted) the API key the server writes to `docId` with; it is never read back out. */
export async function storeApiKey(
	database: Database,
	secrets: SecretsStore,
	docId: string,
	gristUrl: string | null,
	apiKey: string,
	now: Date
): Promise<DocumentAccessView> {
	const secretId = await secrets.putSecret(docId, GRIST_API_KEY_KIND, GRIST_API_KEY_NAME, apiKey);
	await database.query(
		`INSERT INTO schedule_documents (doc_id, grist_url, api_key_secret_id, api_key_updated_at, updated_at)
		 VALUES ($1, $2, $3, $4, $4)
		 ON CONFLICT (doc_id) DO UPDATE SET grist_url = EXCLUDED.grist_url, api_key_secret_id = EXCLUDED.api_key_secret_id,
			api_key_updated_at = EXCLUDED.api_key_updated_at, updated_at = EXCLUDED.updated_at`,
		[docId, gristUrl, secretId, now]
	);
	return documentAccess(database, docId);
}

/** Deletes the stored API key of a document. */
export async function deleteApiKey(
	database: Database,
	secrets: SecretsStore,
	docId: string,
	now: Date
): Promise<DocumentAccessView> {
	await secrets.deleteSecret({ docId, kind: GRIST_API_KEY_KIND, name: GRIST_API_KEY_NAME }, { docId });
	await database.query(
		'UPDATE schedule_documents SET api_key_secret_id = NULL, api_key_updated_at = NULL, updated_at = $2 WHERE doc_id = $1',
		[docId, now]
	);
	return documentAccess(database, docId);
}

/** The Grist address and decrypted API key of a document, for a server-side run. */
export async function gristCredentials(
	database: Database,
	secrets: SecretsStore,
	docId: string
): Promise<{ gristUrl: string; apiKey: string }> {
	const access = await documentAccess(database, docId);
	if (!access.gristUrl) {
		throw new PasserelleError(
			'grist_url_missing',
			'Le serveur ne connaît pas l’adresse Grist de ce document (mode démo ou document jamais ouvert avec le widget) : il ne peut pas y écrire.',
			false
		);
	}
	if (!access.apiKeySaved) {
		throw new PasserelleError(
			'grist_api_key_missing',
			'Aucune clé API Grist n’est enregistrée pour ce document : ajoutez-en une dans l’onglet Planification pour que le serveur puisse écrire.',
			false
		);
	}
	const apiKey = await secrets.getSecret(
		{ docId, kind: GRIST_API_KEY_KIND, name: GRIST_API_KEY_NAME },
		{ docId }
	);
	return { gristUrl: access.gristUrl, apiKey };
}
