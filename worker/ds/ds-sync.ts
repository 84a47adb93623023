import { toErrorPayload } from '#widget/errors.ts';
import type { ColumnConflict, GristPort } from '#widget/grist-port.ts';
import { createDsCaller, type DsCaller } from './ds-caller.ts';
import { dsError, isDsError } from './ds-errors.ts';
import { meetInTheMiddle } from './ds-meet.ts';
import { pageDossiers, type Culprit, type DossierPass, type PageChunk } from './ds-pager.ts';
import { prefetched, yieldToEventLoop } from './ds-prefetch.ts';
import {
	DELETED_DOSSIERS_QUERY,
	DEMARCHE_SCHEMA_AND_PAGE_QUERY,
	DEMARCHE_SCHEMA_QUERY,
	LABELS_PAGE_QUERY,
	PENDING_DELETED_DOSSIERS_QUERY
} from './ds-queries.ts';
import { emptyDsState, SYNCS_TABLE, SYNCS_TABLE_SPEC, type DsSyncState } from './ds-state.ts';
import {
	DEFAULT_REQUESTS_PER_MINUTE,
	DEFAULT_RETRY,
	createTokenBucket,
	systemClock,
	type Clock,
	type RateLimiter,
	type RetryPolicy
} from './ds-throttle.ts';
import type { DsTransport } from './ds-transport.ts';
import {
	DOSSIER_STATES,
	type DossierState,
	type DsDeletedDossier,
	type DsDemarcheSchema,
	type DsDossier,
	type DsPage,
	type DsPageInfo
} from './ds-types.ts';
import { buildFormPlan, defaultTablePrefix, fnv1a, type FormPlan } from './form-plan.ts';
import { createDsGristWriter, type DsGristWriter } from './grist-writer.ts';

/** Which dossiers to keep. States and groups are applied server-side when DS allows it. */
export interface DsSyncFilters {
	states?: DossierState[];
	/** Numbers of groupes instructeurs. */
	groupesInstructeurs?: number[];
	/** Deposited on or after this day (`YYYY-MM-DD`, Paris time) or instant (ISO date-time). */
	deposeSince?: string;
	/** Deposited on or before this day (`YYYY-MM-DD`, the whole day, Paris time) or instant. */
	deposeUntil?: string;
}

/** Settings of a sync (all optional). */
export interface DsSyncOptions {
	/** `auto` (default): full when there is no usable state, incremental otherwise. */
	mode?: 'auto' | 'full' | 'incremental';
	/** Table-id prefix (default `DS_<démarche>`). */
	tablePrefix?: string;
	filters?: DsSyncFilters;
	/** Dossiers deleted on DS: removed from Grist (default) or kept with a "supprimé" flag. */
	deletions?: 'delete' | 'flag';
	/** Page sizes tried in turn when a page fails (default 100, 50, 25, 10). */
	pageSizes?: number[];
	/** Overlap subtracted from every "since" date, against clock skew (default 5 min). */
	safetyMarginMs?: number;
	/** Cadence of the label-refresh pass in incremental mode (default 6 h; null = never; 0 = every run). */
	labelsEveryMs?: number | null;
	/** Cadence of the pending-deletion check (default 24 h; null = never; 0 = every run). */
	pendingEveryMs?: number | null;
	/** Age after which the incremental chain restarts from a fresh anchor (default 7 days). */
	reanchorAfterMs?: number;
	/** Request budget per minute for this token (default 200, DS allows 400). */
	requestsPerMinute?: number;
	/** A limiter shared with other runs of the same token (overrides `requestsPerMinute`). */
	rateLimiter?: RateLimiter;
	retry?: Partial<RetryPolicy>;
	/** Dossiers written to Grist per batch (default 250): fewer round trips, bounded memory. */
	writeBatchSize?: number;
	/** Write each run into `Passerelle_syncs` (default true). */
	recordRuns?: boolean;
	/** Least time between two checkpoints (default 0: after every batch; the end of a pass always saves one). */
	checkpointEveryMs?: number;
	/**
	 * Request chains of a full pass (default 2: read from both ends at once, `meetInTheMiddle`;
	 * 1: from the start only, rows then land in Grist in dépôt order).
	 */
	chains?: 1 | 2;
	/** Ask for the first page along with the form (default true; false: the form alone first). */
	pageWithForm?: boolean;
}

/** A progress event for progress bars and logs. */
export interface DsSyncProgress {
	phase: 'schema' | 'tables' | 'dossiers' | 'deletions' | 'pending' | 'labels' | 'reconcile' | 'done';
	pages: number;
	dossiers: number;
	rowsWritten: number;
	requests: number;
	/** Seconds left, when a previous full sync tells how many dossiers to expect; else null. */
	etaSeconds: number | null;
	/** A French sentence worth showing in the log panel. */
	log?: string;
}

/**
 * Where an interrupted run stands, saved after every batch written to Grist: another process
 * given it goes on from the cursor after the last dossier written instead of starting over.
 * Plain JSON; the caller persists it (the server in `schedule_runs.checkpoint`).
 */
export interface DsRunCheckpoint {
	version: 1;
	demarche: number;
	/** The run's settings and form: a checkpoint of other settings or another form is ignored. */
	configKey: string;
	planVersion: string;
	mode: 'full' | 'incremental';
	/** Start of the interrupted run (ISO): the resumed run keeps its id, anchors and deletion window. */
	startedAt: string;
	/** Whether Grist already had dossiers when the run started (decides the pending-deletion check). */
	hadDossiers: boolean;
	/** Index of the dossier pass under way (`passes` = all passes done), cursor after the last dossier written. */
	pass: number;
	after: string | null;
	/** A full pass read from both ends: the cursor of the first dossier written from the end. */
	before: string | null;
	/** Dossier numbers written so far, and those seen leaving the filters (sorted, delta base 36). */
	seen: string;
	leavers: string;
	dossiers: number;
	pages: number;
	requests: number;
	culprits: Culprit[];
	unknownCulprit: boolean;
}

/** Everything a run needs; the engine never knows where it runs. */
export interface DsSyncParams {
	transport: DsTransport;
	grist: GristPort;
	demarche: number;
	options?: DsSyncOptions;
	state?: DsSyncState | null;
	clock?: Clock;
	onProgress?: (progress: DsSyncProgress) => void;
	signal?: AbortSignal;
	/** Called after each batch of dossiers is written; the run waits for it (a failure stops the run). */
	onCheckpoint?: (checkpoint: DsRunCheckpoint) => Promise<void> | void;
	/** A checkpoint of the same run interrupted earlier: the run resumes from it when it still applies. */
	resumeFrom?: DsRunCheckpoint | null;
}

/** How a run ended. */
export interface DsSyncResult {
	status: 'success' | 'partial' | 'cancelled';
	mode: 'full' | 'incremental';
	/** State to persist for the next run (on cancel: the previous one, as re-running is idempotent). */
	state: DsSyncState | null;
	dossiersSeen: number;
	rowsAdded: number;
	rowsUpdated: number;
	rowsDeleted: number;
	requests: number;
	pages: number;
	seconds: number;
	culprits: Culprit[];
	conflicts: ColumnConflict[];
	plan: { version: string; tables: FormPlan['tables']; blocks: string[] };
	/** French lines describing what happened. */
	log: string[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Parses a démarche number typed by a user; throws a French `ds_invalid_input` otherwise. */
export function parseDemarcheNumber(raw: unknown): number {
	const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
	if (!/^\d{1,9}$/.test(text) || Number(text) <= 0) {
		throw dsError('ds_invalid_input', {
			detail: `Numéro de démarche invalide : « ${String(raw ?? '')} ». Indiquez un nombre entier positif (le numéro visible dans l’adresse de la démarche).`
		});
	}
	return Number(text);
}

/** Offset of Europe/Paris from UTC at an instant, in ms. */
function parisOffsetMs(utcMs: number): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: 'Europe/Paris',
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit'
	}).formatToParts(new Date(utcMs));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(
		get('year'),
		get('month') - 1,
		get('day'),
		get('hour'),
		get('minute'),
		get('second')
	);
	return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * A filter date → epoch ms: `YYYY-MM-DD` is midnight in Paris (with `endOfDay`, the next
 * midnight), an ISO date-time is that instant (with `endOfDay`, one millisecond later).
 */
export function filterDateMs(value: string, endOfDay = false): number {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
	if (m) {
		const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (endOfDay ? 1 : 0));
		return guess - parisOffsetMs(guess - parisOffsetMs(guess));
	}
	const ms = Date.parse(value);
	if (!Number.isFinite(ms)) {
		throw dsError('ds_invalid_input', {
			detail: `Date de filtre invalide : « ${value} » (attendu AAAA-MM-JJ).`
		});
	}
	return endOfDay ? ms + 1 : ms;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Dossier numbers as sorted deltas in base 36 (`"a,1,3"`): a compact checkpoint. */
export function encodeNumbers(numbers: Iterable<number>): string {
	const sorted = [...numbers].sort((a, b) => a - b);
	return sorted.map((n, i) => (n - (i === 0 ? 0 : sorted[i - 1]!)).toString(36)).join(',');
}

/** The inverse of `encodeNumbers`; throws on anything else. */
export function decodeNumbers(text: string): number[] {
	if (text === '') return [];
	let n = 0;
	return text.split(',').map((part) => {
		if (!/^[0-9a-z]{1,11}$/.test(part)) throw new Error('Numéros de dossiers illisibles.');
		n += parseInt(part, 36);
		return n;
	});
}

/** A persisted checkpoint, checked field by field; null when it is not one. */
export function parseDsRunCheckpoint(raw: unknown): DsRunCheckpoint | null {
	if (!raw || typeof raw !== 'object') return null;
	const v = raw as Record<string, unknown>;
	const str = (k: string) => typeof v[k] === 'string';
	const int = (k: string) => Number.isInteger(v[k]) && (v[k] as number) >= 0;
	if (
		v.version !== 1 ||
		!int('demarche') ||
		!str('configKey') ||
		!str('planVersion') ||
		(v.mode !== 'full' && v.mode !== 'incremental') ||
		!str('startedAt') ||
		!Number.isFinite(Date.parse(v.startedAt as string)) ||
		typeof v.hadDossiers !== 'boolean' ||
		!int('pass') ||
		!(v.after === null || str('after')) ||
		!(v.before === null || str('before')) ||
		!str('seen') ||
		!str('leavers') ||
		!int('dossiers') ||
		!int('pages') ||
		!int('requests') ||
		!Array.isArray(v.culprits) ||
		typeof v.unknownCulprit !== 'boolean'
	) {
		return null;
	}
	try {
		decodeNumbers(v.seen as string);
		decodeNumbers(v.leavers as string);
	} catch {
		return null;
	}
	return raw as DsRunCheckpoint;
}

/**
 * Syncs one démarche into Grist (ds.md §2): the form plan, then dossiers 100 per request
 * (full, or incremental from the persisted `updatedSince` chain), deletions, pending deletions
 * and labels at their cadence. Pages are written as they arrive; a re-run with no change writes
 * no data row. Throws a PasserelleError with a French message when the run cannot go on; what
 * was already written stays.
 */
export async function runDsSync(params: DsSyncParams): Promise<DsSyncResult> {
	const demarche = parseDemarcheNumber(params.demarche);
	const options = params.options ?? {};
	const clock = params.clock ?? systemClock;
	const signal = params.signal;
	const start = clock.now();
	const prefix = options.tablePrefix ?? defaultTablePrefix(demarche);
	const filters = options.filters ?? {};
	const margin = options.safetyMarginMs ?? 5 * MINUTE;
	const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
	const limiter =
		options.rateLimiter ??
		createTokenBucket({ perMinute: options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE, clock });
	const log: string[] = [];
	const culprits: Culprit[] = [];
	let phase: DsSyncProgress['phase'] = 'schema';
	let pages = 0;
	let dossiersSeen = 0;

	for (const s of filters.states ?? []) {
		if (!DOSSIER_STATES.includes(s))
			throw dsError('ds_invalid_input', { detail: `État de dossier inconnu : « ${s} ».` });
	}
	const fromMs = filters.deposeSince ? filterDateMs(filters.deposeSince) : null;
	// Exclusive bound: the day after a date-only value, one millisecond after an instant.
	const untilMs = filters.deposeUntil ? filterDateMs(filters.deposeUntil, true) : null;

	let writer: DsGristWriter | null = null;
	const caller: DsCaller = createDsCaller({
		transport: params.transport,
		limiter,
		clock,
		retry,
		signal,
		log: (m) => progress(m)
	});

	const previous = params.state && params.state.demarche === demarche ? params.state : null;
	const expected = previous?.dossierCount ?? null;
	// Requests and dossiers of an interrupted attempt this run goes on from.
	let requestsBefore = 0;
	let resumedDossiers = 0;
	function progress(message?: string): void {
		if (message) log.push(message);
		const elapsed = (clock.now() - start) / 1000;
		const fresh = dossiersSeen - resumedDossiers;
		const eta =
			phase === 'dossiers' && expected && fresh > 0
				? Math.max(0, Math.round((elapsed / fresh) * (expected - dossiersSeen)))
				: null;
		params.onProgress?.({
			phase,
			pages,
			dossiers: dossiersSeen,
			rowsWritten: writer ? writer.counts.added + writer.counts.updated + writer.counts.deleted : 0,
			requests: requestsBefore + caller.requests,
			etaSeconds: eta,
			...(message ? { log: message } : {})
		});
	}

	const configKey = fnv1a(
		JSON.stringify({ prefix, filters, deletions: options.deletions ?? 'delete', v: 1 })
	);
	const usable = previous && previous.configKey === configKey && previous.updatedSinceAnchor !== null;
	const pagerOptions = { sizes: options.pageSizes, log: (m: string) => progress(m) };
	// The run's first page comes with the form (one request and one round trip less per run) when
	// the first pass lists the démarche itself; nothing is written before the form has validated
	// the démarche. Any trouble with that combined request falls back to the form alone.
	// The mode of a run that does not resume an interrupted one.
	const freshMode: 'full' | 'incremental' = options.mode === 'full' || !usable ? 'full' : 'incremental';
	/** The listings a run of `mode` goes through. */
	const passesFor = (mode: 'full' | 'incremental'): DossierPass[] => {
		if (mode === 'incremental') {
			// createdSince is ignored by DS when updatedSince is set, and a dossier leaving a
			// filtered state or group must still come back: one unfiltered pass, filters client-side.
			return [{ groupe: null, state: null, createdSince: null, updatedSince: previous!.updatedSinceAnchor }];
		}
		const createdSince = fromMs !== null ? iso(fromMs) : null;
		const passes: DossierPass[] = [];
		for (const groupe of filters.groupesInstructeurs?.length ? filters.groupesInstructeurs : [null]) {
			for (const state of filters.states?.length ? filters.states : [null]) {
				passes.push({ groupe, state, createdSince, updatedSince: null });
			}
		}
		return passes;
	};
	// Only a listing of the démarche itself (not of a groupe) can come with the form.
	const firstPass =
		params.resumeFrom || options.pageWithForm === false
			? null
			: (passesFor(freshMode).find((p, i) => i === 0 && p.groupe === null) ?? null);
	let firstPage = null as PageChunk | null;

	// 1. Form structure: validates token and démarche before anything is written.
	progress(`Lecture du formulaire de la démarche n° ${demarche}.`);
	const reading = readSchema();
	// Final deletions since the previous run depend on nothing else: listed from the start (one
	// round trip less); written only in step 4, after the form has validated the démarche.
	let deletionsAhead: Promise<DsDeletedDossier[]> | null = null;
	if (previous?.deletedSince) {
		const since = iso(Date.parse(previous.deletedSince) - margin);
		deletionsAhead = listDeletions(caller, DELETED_DOSSIERS_QUERY, 'deletedDossiers', demarche, since);
		// Surfaced in step 4; marked handled in case the run stops before.
		deletionsAhead.catch(() => undefined);
	}
	// Meanwhile, the tables of an earlier run are read from Grist (each is read once per run).
	const session = params.grist.session();
	const warming = previous ? warmTables(session, prefix).catch(() => undefined) : null;
	let schema: DsDemarcheSchema;
	try {
		schema = await reading;
	} finally {
		await warming;
	}
	async function readSchema(): Promise<DsDemarcheSchema> {
		if (firstPass) {
			type Combined = DsDemarcheSchema & {
				dossiers?: { pageInfo: DsPageInfo; nodes: (DsDossier | null)[] } | null;
			};
			try {
				const res = await caller.retrying(
					() =>
						caller.request<{ demarche?: Combined | null }>(DEMARCHE_SCHEMA_AND_PAGE_QUERY, {
							demarche,
							first: 100,
							after: freshMode === 'incremental' ? previous!.endCursor : null,
							state: firstPass.state,
							createdSince: firstPass.createdSince,
							updatedSince: firstPass.updatedSince
						}),
					['ds_network', 'ds_rate_limited']
				);
				const d = res.data?.demarche;
				if (
					res.errors.length === 0 &&
					d?.revisions &&
					d.dossiers?.pageInfo &&
					Array.isArray(d.dossiers.nodes)
				) {
					const { dossiers, ...form } = d;
					firstPage = {
						dossiers: dossiers.nodes.filter((n): n is DsDossier => n !== null),
						endCursor: dossiers.pageInfo.endCursor,
						culprits: [],
						size: 100,
						hasMore: dossiers.pageInfo.hasNextPage
					};
					return form;
				}
			} catch (error) {
				// A page too heavy or a dossier DS cannot serve: the pager knows how to get through.
				if (!isDsError(error, 'ds_timeout', 'ds_server_error', 'ds_graphql', 'ds_bad_response')) throw error;
			}
			progress('Formulaire lu seul : la première page sera demandée à part.');
		}
		return caller.retrying(async () => {
			const res = await caller.request<{ demarche?: DsDemarcheSchema | null }>(DEMARCHE_SCHEMA_QUERY, {
				demarche
			});
			if (res.errors.length > 0) throw dsError('ds_graphql', { demarche, detail: res.errors[0]!.message });
			if (!res.data?.demarche?.revisions) throw dsError('ds_bad_response', { demarche });
			return res.data.demarche;
		});
	}
	const plan = buildFormPlan(schema, { prefix });
	for (const g of filters.groupesInstructeurs ?? []) {
		if (!plan.groupes.some((p) => p.number === g)) {
			throw dsError('ds_invalid_input', {
				detail: `Groupe instructeur n° ${g} inconnu dans la démarche n° ${demarche}.`
			});
		}
	}

	const cp = params.resumeFrom ?? null;
	const resume =
		cp &&
		cp.demarche === demarche &&
		cp.configKey === configKey &&
		cp.planVersion === plan.version &&
		(options.mode === undefined || options.mode === 'auto' || options.mode === cp.mode) &&
		(cp.mode === 'full' || usable)
			? cp
			: null;
	if (cp && !resume) {
		progress(
			'Point de reprise ignoré (réglages ou formulaire modifiés) : la synchronisation repart du début.'
		);
	}
	const mode = resume ? resume.mode : freshMode;
	if (options.mode === 'incremental' && mode === 'full') {
		progress('Pas d’état de synchronisation utilisable : synchronisation complète.');
	}
	// A resumed run is the interrupted run going on: same id in Passerelle_syncs, same anchors.
	const runStart = resume ? Date.parse(resume.startedAt) : start;
	const runId = `ds-${demarche}-${prefix}-${runStart}`;
	const record = options.recordRuns ?? true;

	writer = createDsGristWriter(params.grist, plan, signal, session);
	const w = writer;

	async function recordRun(status: string, errors: string[]): Promise<void> {
		if (!record) return;
		const end = clock.now();
		await params.grist.upsert(
			SYNCS_TABLE,
			[
				{
					run_id: runId,
					source: 'ds',
					demarche,
					tables: prefix,
					mode: mode === 'full' ? 'complete' : 'incrementale',
					statut: status,
					debut: Math.round(runStart / 1000),
					fin: status === 'en_cours' ? null : Math.round(end / 1000),
					duree_s: status === 'en_cours' ? null : Math.round((end - runStart) / 100) / 10,
					dossiers: dossiersSeen,
					lignes_ajoutees: w.counts.added,
					lignes_modifiees: w.counts.updated,
					lignes_supprimees: w.counts.deleted,
					requetes: requestsBefore + caller.requests,
					pages,
					dossiers_en_erreur: culprits.map((c) => c.number ?? '?').join(', ') || null,
					erreurs: errors.join('\n') || null
				}
			],
			{ key: ['run_id'] }
		);
	}

	const matches = (d: DsDossier): boolean => {
		if (filters.states?.length && !filters.states.includes(d.state)) return false;
		if (
			filters.groupesInstructeurs?.length &&
			!filters.groupesInstructeurs.includes(d.groupeInstructeur?.number)
		)
			return false;
		const depot = Date.parse(d.dateDepot);
		if (fromMs !== null && !(depot >= fromMs)) return false;
		if (untilMs !== null && !(depot < untilMs)) return false;
		return true;
	};

	const seen = new Set<number>(resume ? decodeNumbers(resume.seen) : []);
	const leavers = new Set<number>(resume ? decodeNumbers(resume.leavers) : []);
	// A skipped dossier whose number is unknown may be in Grist: reconciliation must not drop it.
	let unknownCulprit = resume?.unknownCulprit ?? false;
	if (resume) {
		culprits.push(...resume.culprits);
		dossiersSeen = resumedDossiers = resume.dossiers;
		pages = resume.pages;
		requestsBefore = resume.requests;
		progress(
			`Reprise de la synchronisation interrompue (${resume.dossiers.toLocaleString('fr-FR')} dossier(s) déjà écrits).`
		);
	}
	let endCursor = mode === 'incremental' ? (resume?.after ?? previous!.endCursor) : null;
	let ranPending = false;
	let ranLabels = mode === 'full';
	let conflicts: ColumnConflict[] = [];
	// Final deletions do not depend on the dossier pass: listed while it runs (one round trip less).

	let primed: Promise<void> | null = null;

	try {
		// 2. Tables.
		phase = 'tables';
		progress(
			`Préparation des tables ${plan.tables.dossiers}, ${plan.tables.champs}, ${plan.tables.annotations}.`
		);
		conflicts = await w.ensureTables();
		if (record) await params.grist.ensureTable(SYNCS_TABLE_SPEC);
		for (const c of conflicts) progress(c.message);
		await recordRun('en_cours', []);
		// Only rows already in Grist can be in DS's trash: a first sync skips that (costly) check.
		const hadDossiers = resume?.hadDossiers ?? (mode === 'incremental' || (await w.readDossiers()).size > 0);

		// 3. Dossiers. Grist's tables are read while DS prepares the first page.
		primed = w.prime();
		primed.catch(() => undefined);
		phase = 'dossiers';
		const passes = passesFor(mode);
		progress(
			mode === 'full'
				? 'Synchronisation complète des dossiers.'
				: `Synchronisation incrémentale : dossiers modifiés depuis le ${previous!.updatedSinceAnchor}.`
		);
		// Pages are written in batches (fewer Grist round trips) while the next pages are fetched.
		const batchSize = options.writeBatchSize ?? 250;
		let batch: DsDossier[] = [];
		const checkpointEvery = options.checkpointEveryMs ?? 0;
		let lastCheckpoint = -Infinity;
		/** Writes the batch, then saves where the run stands (`pass`, cursor after the batch). */
		const flush = async (pass: number, after: string | null, before: string | null, force = false) => {
			const out = batch;
			batch = [];
			await w.writeDossiers(out);
			progress();
			if (!params.onCheckpoint || (!force && clock.now() - lastCheckpoint < checkpointEvery)) return;
			lastCheckpoint = clock.now();
			await params.onCheckpoint({
				version: 1,
				demarche,
				configKey,
				planVersion: plan.version,
				mode,
				startedAt: iso(runStart),
				hadDossiers,
				pass,
				after,
				before,
				seen: encodeNumbers(seen),
				leavers: encodeNumbers(leavers),
				dossiers: dossiersSeen,
				pages,
				requests: requestsBefore + caller.requests,
				culprits: [...culprits],
				unknownCulprit
			});
		};
		const twoChains = mode === 'full' && (options.chains ?? 2) === 2;
		for (const [index, pass] of passes.entries()) {
			if (resume && index < resume.pass) continue;
			const resumed = resume && index === resume.pass ? resume : null;
			// The first page, when it came with the form: the pass goes on after it.
			const given: PageChunk | null = index === 0 ? firstPage : null;
			const after = given ? given.endCursor : mode === 'incremental' ? endCursor : (resumed?.after ?? null);
			let cursor = after;
			let before = resumed?.before ?? null;
			const more = given === null || given.hasMore === true;
			const pager = !more
				? null
				: twoChains
					? meetInTheMiddle(caller, demarche, pass, {
							after,
							before,
							// Passes never share dossiers: what earlier ones wrote cannot show up here.
							delivered: new Set([...seen, ...(given?.dossiers.map((d) => d.number) ?? [])]),
							openEnd: given !== null,
							pager: pagerOptions
						})
					: pageDossiers(caller, demarche, pass, after, pagerOptions);
			// Two pages ahead: the chain of requests goes on while a batch is being written.
			for await (const chunk of withFirst(given, pager && prefetched(pager, 2))) {
				// Let the request just sent go out and responses be read before the CPU-bound part.
				await yieldToEventLoop();
				signal?.throwIfAborted();
				pages++;
				dossiersSeen += chunk.dossiers.length;
				culprits.push(...chunk.culprits);
				for (const c of chunk.culprits) {
					if (c.number === null) unknownCulprit = true;
					else seen.add(c.number);
				}
				for (const d of chunk.dossiers) {
					if (matches(d)) {
						seen.add(d.number);
						leavers.delete(d.number);
						batch.push(d);
					} else if (!seen.has(d.number)) {
						leavers.add(d.number);
					}
				}
				if (chunk.direction === 'backward') {
					if (chunk.startCursor) before = chunk.startCursor;
				} else if (chunk.endCursor) {
					cursor = chunk.endCursor;
					// DS's polling pattern: keep the last non-null endCursor, never overwrite it with null.
					if (mode === 'incremental') endCursor = chunk.endCursor;
				}
				if (batch.length >= batchSize) await flush(index, cursor, before);
				progress();
			}
			// The next pass starts from scratch; the incremental chain keeps its cursor.
			await flush(index + 1, mode === 'incremental' ? endCursor : null, null, true);
		}
		// A full sync drops them at reconciliation; an incremental one here.
		if (mode === 'incremental' && leavers.size > 0) {
			const present = await w.readDossiers();
			const gone = [...leavers].filter((n) => present.has(n));
			if (gone.length > 0) {
				await w.removeDossiers(gone);
				progress(`${gone.length} dossier(s) ne correspondent plus aux filtres : retirés de Grist.`);
			}
		}

		// 4. Final deletions since the previous run.
		if (deletionsAhead) {
			phase = 'deletions';
			const deleted = await deletionsAhead;
			if (deleted.length > 0) {
				if (options.deletions === 'flag') {
					const n = await w.flagDeleted(deleted);
					progress(`${n} dossier(s) supprimé(s) sur DS marqué(s) comme tels.`);
				} else {
					const present = await w.readDossiers();
					const gone = deleted.map((d) => d.number).filter((n) => present.has(n));
					await w.removeDossiers(gone);
					if (gone.length > 0) progress(`${gone.length} dossier(s) supprimé(s) sur DS retiré(s) de Grist.`);
				}
			}
		}

		// 5. Pending deletions (expensive on DS's side): at a low cadence, and on full syncs over
		// existing rows so that reconciliation does not drop dossiers that are only in the trash.
		const pendingEvery = options.pendingEveryMs === undefined ? DAY : options.pendingEveryMs;
		if (mode === 'full' && !hadDossiers) {
			ranPending = true;
		} else if (mode === 'full' || due(previous?.lastPendingCheckAt ?? null, pendingEvery, runStart)) {
			phase = 'pending';
			const pending = await listDeletions(
				caller,
				PENDING_DELETED_DOSSIERS_QUERY,
				'pendingDeletedDossiers',
				demarche
			);
			const n = await w.flagPending(new Set(pending.map((d) => d.number)));
			if (n > 0) progress(`${n} dossier(s) : indicateur « dans la corbeille DS » mis à jour.`);
			ranPending = true;
		}

		// 6. Labels do not bump updated_at: a cheap pass at its own cadence.
		const labelsEvery = options.labelsEveryMs === undefined ? 6 * HOUR : options.labelsEveryMs;
		if (mode === 'incremental' && due(previous?.lastLabelsAt ?? null, labelsEvery, runStart)) {
			phase = 'labels';
			progress('Mise à jour des étiquettes.');
			const n = await refreshLabels(caller, w, demarche, () => progress());
			if (n > 0) progress(`Étiquettes mises à jour sur ${n} dossier(s).`);
			ranLabels = true;
		}

		// 7. A complete full pass knows every dossier in scope: the others are out of it.
		if (mode === 'full' && unknownCulprit) {
			progress(
				'Un dossier illisible n’a pas pu être identifié : le rapprochement est reporté à la prochaine synchronisation complète.'
			);
		} else if (mode === 'full') {
			phase = 'reconcile';
			const present = await w.readDossiers();
			const orphans = [...present]
				.filter(([n, e]) => !seen.has(n) && !e.deleted && !e.pending)
				.map(([n]) => n);
			if (orphans.length > 0) {
				await w.removeDossiers(orphans);
				progress(`${orphans.length} dossier(s) absents de DS ou hors filtres retirés de Grist.`);
			}
		}
	} catch (error) {
		const cancelled = signal?.aborted === true;
		// Nothing of the run may go on after it returns.
		await deletionsAhead?.catch(() => undefined);
		await primed?.catch(() => undefined);
		await recordRun(cancelled ? 'annulee' : 'echouee', [toErrorPayload(error).message]).catch(
			() => undefined
		);
		if (!cancelled) throw error;
		phase = 'done';
		progress('Synchronisation annulée : les données déjà écrites sont conservées.');
		return result('cancelled', previous ?? null);
	}

	// 8. New state.
	const anchorMs = previous?.updatedSinceAnchor ? Date.parse(previous.updatedSinceAnchor) : null;
	const reanchor =
		mode === 'full' || anchorMs === null || runStart - anchorMs > (options.reanchorAfterMs ?? 7 * DAY);
	const state: DsSyncState = {
		...emptyDsState(demarche),
		configKey,
		planVersion: plan.version,
		updatedSinceAnchor: reanchor ? iso(runStart - margin) : previous!.updatedSinceAnchor,
		endCursor: reanchor ? null : endCursor,
		deletedSince: iso(runStart),
		lastPendingCheckAt: ranPending ? iso(runStart) : (previous?.lastPendingCheckAt ?? null),
		lastLabelsAt: ranLabels ? iso(runStart) : (previous?.lastLabelsAt ?? null),
		lastFullSyncAt: mode === 'full' ? iso(runStart) : (previous?.lastFullSyncAt ?? null),
		lastRunAt: iso(runStart),
		dossierCount: mode === 'full' ? seen.size : (previous?.dossierCount ?? null)
	};
	const status = culprits.length > 0 ? 'partial' : 'success';
	if (culprits.length > 0) {
		progress(
			`${culprits.length} dossier(s) n’ont pas pu être lus : ${culprits.map((c) => c.number ?? '?').join(', ')}.`
		);
	}
	await recordRun(
		status === 'success' ? 'reussie' : 'partielle',
		culprits.map((c) => `Dossier n° ${c.number ?? '?'} : ${c.message}`)
	);
	phase = 'done';
	progress(
		`Terminé : ${dossiersSeen} dossier(s) reçus, ${w.counts.added + w.counts.updated} ligne(s) écrites, ${w.counts.deleted} supprimée(s), ${requestsBefore + caller.requests} requête(s) DS.`
	);
	return result(status, state);

	function result(status: DsSyncResult['status'], state: DsSyncState | null): DsSyncResult {
		return {
			status,
			mode,
			state,
			dossiersSeen,
			rowsAdded: w.counts.added,
			rowsUpdated: w.counts.updated,
			rowsDeleted: w.counts.deleted,
			requests: requestsBefore + caller.requests,
			pages,
			seconds: Math.round((clock.now() - start) / 10) / 100,
			culprits,
			conflicts,
			plan: { version: plan.version, tables: plan.tables, blocks: plan.blocks.map((b) => b.tableId) },
			log
		};
	}
}

/**
 * Reads a démarche's main tables into a session with their key index, when they exist: the
 * first write of the run then finds them ready. Read-only; any trouble is left to the writes.
 */
async function warmTables(session: GristPort, prefix: string): Promise<void> {
	const present = (await session.listTables()).map((t) => t.id);
	for (const suffix of ['dossiers', 'champs', 'annotations']) {
		const id = `${prefix}_${suffix}`;
		if (present.includes(id)) await session.upsert(id, [], { key: ['numero'] });
	}
	// Repetition blocks are keyed by their row id.
	for (const id of present.filter((t) => t.startsWith(`${prefix}_bloc_`))) {
		await session.upsert(id, [], { key: ['ligne'] });
	}
}

/** `first` (when given), then the items of `rest` (when given). */
async function* withFirst<T>(first: T | null, rest: AsyncGenerator<T> | null): AsyncGenerator<T> {
	if (first !== null) yield first;
	if (rest) yield* rest;
}

/** True when a pass with this cadence should run now. */
function due(lastIso: string | null, everyMs: number | null, nowMs: number): boolean {
	if (everyMs === null) return false;
	if (!lastIso) return true;
	return nowMs - Date.parse(lastIso) >= everyMs;
}

/** Pages through `deletedDossiers` or `pendingDeletedDossiers`. */
async function listDeletions(
	caller: DsCaller,
	query: string,
	field: 'deletedDossiers' | 'pendingDeletedDossiers',
	demarche: number,
	deletedSince?: string
): Promise<DsDeletedDossier[]> {
	const out: DsDeletedDossier[] = [];
	let after: string | null = null;
	for (let guard = 0; guard < 10_000; guard++) {
		const vars: Record<string, unknown> = { demarche, first: 100, after };
		if (deletedSince) vars.deletedSince = deletedSince;
		const page = await caller.retrying(async () => {
			const res = await caller.request<{ demarche?: Record<string, DsPage<DsDeletedDossier>> | null }>(
				query,
				vars
			);
			if (res.errors.length > 0) throw dsError('ds_graphql', { demarche, detail: res.errors[0]!.message });
			const conn = res.data?.demarche?.[field];
			if (!conn?.pageInfo || !Array.isArray(conn.nodes)) throw dsError('ds_bad_response', { demarche });
			return conn;
		});
		out.push(...page.nodes.filter((n): n is DsDeletedDossier => n !== null));
		if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
		after = page.pageInfo.endCursor;
	}
	return out;
}

/** The cheap label pass: numbers and label names only, 100 per request, writes only changes. */
async function refreshLabels(
	caller: DsCaller,
	writer: DsGristWriter,
	demarche: number,
	tick: () => void
): Promise<number> {
	const present = await writer.readDossiers();
	let changed = 0;
	let after: string | null = null;
	for (let guard = 0; guard < 100_000; guard++) {
		const page = await caller.retrying(async () => {
			const res = await caller.request<{
				demarche?: { dossiers?: DsPage<{ number: number; labels: { name: string }[] }> } | null;
			}>(LABELS_PAGE_QUERY, { demarche, first: 100, after });
			if (res.errors.length > 0) throw dsError('ds_graphql', { demarche, detail: res.errors[0]!.message });
			const conn = res.data?.demarche?.dossiers;
			if (!conn?.pageInfo || !Array.isArray(conn.nodes)) throw dsError('ds_bad_response', { demarche });
			return conn;
		});
		const labels = new Map<number, string[]>();
		for (const n of page.nodes)
			if (n)
				labels.set(
					n.number,
					n.labels.map((l) => l.name)
				);
		changed += await writer.writeLabels(labels, present);
		tick();
		if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
		after = page.pageInfo.endCursor;
	}
	return changed;
}
