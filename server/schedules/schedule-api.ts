import { PasserelleError } from '#widget/errors.ts';
import type { AuthContext } from '../auth/authorize.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../log.ts';
import type { SecretsStore } from '../secrets/secrets-store.ts';
import { DEFAULT_MAX_CONSECUTIVE_FAILURES } from './job-runner.ts';
import { upcomingFires } from './next-fire.ts';
import {
	checkScheduleSpec,
	describeSpec,
	SCHEDULE_TIME_ZONE,
	type ScheduleSpec,
	type SpecIssue
} from './schedule-spec.ts';
import {
	checkConfig,
	deleteApiKey,
	documentAccess,
	findSchedule,
	listRuns,
	rememberGristUrl,
	requestRun,
	resumeSchedule,
	saveSchedule,
	scheduleView,
	storeApiKey,
	type DocumentAccessView,
	type RunView,
	type ScheduleView
} from './schedule-store.ts';

/** What the schedule routes need. */
export interface ScheduleApiDeps {
	database: Database;
	secrets: SecretsStore;
	log: Logger;
	now?: () => Date;
	/** Used to check an API key with Grist (tests inject theirs). */
	fetch?: typeof fetch;
	/** Wakes the local scheduler after « Exécuter maintenant ». */
	nudge?: () => void;
	maxConsecutiveFailures?: number;
}

/** One démarche configuration of the document with its schedule and latest runs. */
export interface ConfigSchedule {
	configId: string;
	demarcheNumber: number;
	tablePrefix: string;
	hasToken: boolean;
	/** Null until a schedule is saved (or a run requested). */
	schedule: ScheduleView | null;
	/** Next fires (ISO), when enabled and not paused. */
	upcoming: string[];
	runs: RunView[];
}

/** Body of `GET /api/schedules`. */
export interface SchedulesOverview {
	timeZone: string;
	/** `pglite`: embedded database, one server instance only. */
	database: Database['kind'];
	/** False in demo mode: grist-static has no REST API for the server to write to. */
	serverRuns: boolean;
	maxConsecutiveFailures: number;
	access: DocumentAccessView;
	configs: ConfigSchedule[];
}

/** Body of `POST /api/schedules/preview`. */
export type SchedulePreview =
	| { ok: true; spec: ScheduleSpec; cron: string; description: string; upcoming: string[] }
	| { ok: false; issues: SpecIssue[] };

const UPCOMING = 3;

type ConfigRow = {
	id: string;
	demarche_number: number;
	table_prefix: string;
	token_secret_id: string | null;
};

/** The Grist origin plus `/o/<org>` a server-side run writes to, from the caller's proven address. */
export function gristUrlOf(auth: AuthContext): string | null {
	if (auth.mode !== 'grist') return null;
	const suffix = `/api/docs/${auth.docId}`;
	return auth.docApiUrl.endsWith(suffix) ? auth.docApiUrl.slice(0, -suffix.length) : auth.gristOrigin;
}

function clock(deps: ScheduleApiDeps): Date {
	return deps.now?.() ?? new Date();
}

async function configEntry(deps: ScheduleApiDeps, docId: string, config: ConfigRow): Promise<ConfigSchedule> {
	const row = await findSchedule(deps.database, docId, config.id);
	const schedule = row ? scheduleView(row) : null;
	return {
		configId: config.id,
		demarcheNumber: config.demarche_number,
		tablePrefix: config.table_prefix,
		hasToken: config.token_secret_id !== null,
		schedule,
		upcoming:
			row && schedule?.nextFireAt
				? upcomingFires(row.cron, new Date(Date.parse(schedule.nextFireAt) - 1), UPCOMING, row.time_zone).map(
						(d) => d.toISOString()
					)
				: [],
		runs: row ? await listRuns(deps.database, row.id) : []
	};
}

async function configRow(deps: ScheduleApiDeps, docId: string, configId: string): Promise<ConfigRow> {
	await checkConfig(deps.database, docId, configId);
	const [row] = await deps.database.query<ConfigRow>(
		'SELECT id, demarche_number, table_prefix, token_secret_id FROM demarche_configs WHERE id = $1 AND doc_id = $2',
		[configId, docId]
	);
	return row!;
}

/** `GET /api/schedules`: every démarche configuration of the caller's document with its schedule. */
export async function schedulesOverview(
	deps: ScheduleApiDeps,
	auth: AuthContext
): Promise<SchedulesOverview> {
	const configs = await deps.database.query<ConfigRow>(
		'SELECT id, demarche_number, table_prefix, token_secret_id FROM demarche_configs WHERE doc_id = $1 ORDER BY demarche_number',
		[auth.docId]
	);
	return {
		timeZone: SCHEDULE_TIME_ZONE,
		database: deps.database.kind,
		serverRuns: auth.mode === 'grist',
		maxConsecutiveFailures: deps.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES,
		access: await documentAccess(deps.database, auth.docId),
		configs: await Promise.all(configs.map((c) => configEntry(deps, auth.docId, c)))
	};
}

/** `POST /api/schedules/preview`: validates a spec and shows its next fires, without saving. */
export function previewSchedule(body: unknown, now: Date = new Date()): SchedulePreview {
	const check = checkScheduleSpec((body as { spec?: unknown } | null)?.spec, now);
	if (!check.ok) return check;
	return {
		ok: true,
		spec: check.spec,
		cron: check.cron,
		description: describeSpec(check.spec),
		upcoming: upcomingFires(check.cron, now, UPCOMING).map((d) => d.toISOString())
	};
}

/** `PUT /api/schedules/:configId`: saves the schedule of one configuration of the caller's document. */
export async function saveScheduleFor(
	deps: ScheduleApiDeps,
	auth: AuthContext,
	configId: string,
	body: unknown
): Promise<ConfigSchedule> {
	const now = clock(deps);
	const config = await configRow(deps, auth.docId, configId);
	const input = (body && typeof body === 'object' ? body : {}) as { enabled?: unknown; spec?: unknown };
	await saveSchedule(deps.database, auth.docId, configId, { enabled: input.enabled, spec: input.spec }, now);
	if (auth.mode === 'grist') await rememberGristUrl(deps.database, auth.docId, gristUrlOf(auth), now);
	deps.log.info('Planification enregistrée', { docId: auth.docId, configId, enabled: input.enabled });
	return configEntry(deps, auth.docId, config);
}

/** `POST /api/schedules/:configId/run`: « Exécuter maintenant ». */
export async function runNowFor(
	deps: ScheduleApiDeps,
	auth: AuthContext,
	configId: string
): Promise<RunView> {
	const now = clock(deps);
	await checkConfig(deps.database, auth.docId, configId);
	const access = await documentAccess(deps.database, auth.docId);
	if (auth.mode !== 'grist') {
		throw new PasserelleError(
			'server_runs_unavailable',
			'En mode démo, le serveur ne peut pas écrire dans ce document (grist-static n’a pas d’API) : lancez la synchronisation depuis l’onglet Démarches.',
			false,
			{ details: { status: 400 } }
		);
	}
	if (!access.apiKeySaved) {
		throw new PasserelleError(
			'grist_api_key_missing',
			'Enregistrez d’abord une clé API Grist : le serveur en a besoin pour écrire dans ce document.',
			false,
			{ details: { status: 400 } }
		);
	}
	await rememberGristUrl(deps.database, auth.docId, gristUrlOf(auth), now);
	const run = await requestRun(deps.database, auth.docId, configId, now);
	deps.log.info('Exécution demandée', { docId: auth.docId, configId, runId: run.id });
	deps.nudge?.();
	return run;
}

/** `POST /api/schedules/:configId/resume`: « Réactiver » after an automatic pause. */
export async function resumeFor(
	deps: ScheduleApiDeps,
	auth: AuthContext,
	configId: string
): Promise<ConfigSchedule> {
	const now = clock(deps);
	const config = await configRow(deps, auth.docId, configId);
	await resumeSchedule(deps.database, auth.docId, configId, now);
	deps.log.info('Planification réactivée', { docId: auth.docId, configId });
	return configEntry(deps, auth.docId, config);
}

function badKey(code: string, message: string, status = 400, retryable = false): PasserelleError {
	return new PasserelleError(code, message, retryable, { details: { status } });
}

/**
 * Checks an API key against the caller's document before storing it: it must read the document
 * (`GET …/tables`); when Grist says which role it has (`GET …/docs/:id`), a viewer key is refused.
 */
async function verifyApiKey(
	deps: ScheduleApiDeps,
	gristUrl: string,
	docId: string,
	apiKey: string
): Promise<void> {
	const doFetch = deps.fetch ?? fetch;
	const base = `${gristUrl}/api/docs/${encodeURIComponent(docId)}`;
	const call = async (path: string) => {
		try {
			return await doFetch(base + path, {
				headers: { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' },
				redirect: 'manual',
				signal: AbortSignal.timeout(10_000)
			});
		} catch (cause) {
			throw new PasserelleError(
				'grist_unreachable',
				`Grist (${gristUrl}) ne répond pas : la clé n’a pas pu être vérifiée. Réessayez dans un instant.`,
				true,
				{ cause, details: { status: 502 } }
			);
		}
	};
	const tables = await call('/tables');
	await tables.body?.cancel().catch(() => {});
	if (tables.status === 401) {
		throw badKey(
			'grist_api_key_refused',
			'Grist refuse cette clé API : vérifiez-la (Profil → Clé API dans Grist).'
		);
	}
	if (tables.status === 403 || tables.status === 404) {
		throw badKey(
			'grist_api_key_no_access',
			'Cette clé API n’a pas accès à ce document : utilisez la clé d’un compte éditeur ou propriétaire du document.'
		);
	}
	if (!tables.ok) {
		throw badKey(
			'grist_unavailable',
			`Grist n’a pas pu vérifier la clé (erreur ${tables.status}). Réessayez plus tard.`,
			502,
			true
		);
	}
	const info = await call('');
	if (info.ok) {
		const body = (await info.json().catch(() => ({}))) as { access?: unknown };
		if (body.access === 'viewers') {
			throw badKey(
				'grist_api_key_read_only',
				'Cette clé API ne peut que lire ce document : le serveur doit pouvoir y écrire. Utilisez la clé d’un compte éditeur ou propriétaire.'
			);
		}
	} else {
		await info.body?.cancel().catch(() => {});
	}
}

/** `PUT /api/schedules/api-key`: checks then stores (encrypted) the key; answers without it. */
export async function saveApiKeyFor(
	deps: ScheduleApiDeps,
	auth: AuthContext,
	body: unknown
): Promise<DocumentAccessView> {
	const now = clock(deps);
	const raw = (body as { apiKey?: unknown } | null)?.apiKey;
	const apiKey = typeof raw === 'string' ? raw.trim() : '';
	if (!/^[\x21-\x7e]{8,200}$/.test(apiKey)) {
		throw badKey(
			'grist_api_key_invalid',
			'Clé API invalide : copiez-la depuis Grist (Profil → Clé API), sans espace.'
		);
	}
	const gristUrl = gristUrlOf(auth);
	if (!gristUrl) {
		throw badKey(
			'server_runs_unavailable',
			'En mode démo, le serveur ne peut pas écrire dans ce document (grist-static n’a pas d’API) : aucune clé n’est nécessaire.'
		);
	}
	deps.log.addSecretValue(apiKey);
	await verifyApiKey(deps, gristUrl, auth.docId, apiKey);
	const access = await storeApiKey(deps.database, deps.secrets, auth.docId, gristUrl, apiKey, now);
	deps.log.info('Clé API Grist enregistrée pour la planification', { docId: auth.docId });
	return access;
}

/** `DELETE /api/schedules/api-key`: forgets the document's key. */
export async function deleteApiKeyFor(deps: ScheduleApiDeps, auth: AuthContext): Promise<DocumentAccessView> {
	const access = await deleteApiKey(deps.database, deps.secrets, auth.docId, clock(deps));
	deps.log.info('Clé API Grist supprimée', { docId: auth.docId });
	return access;
}
