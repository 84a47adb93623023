import { dsError, isDsError } from './ds-errors.ts';
import type { DsCaller } from './ds-caller.ts';
import {
	DOSSIER_CURSOR_QUERY,
	DOSSIER_QUERY,
	DOSSIERS_PAGE_QUERY,
	GROUPE_DOSSIER_CURSOR_QUERY,
	GROUPE_DOSSIERS_PAGE_QUERY
} from './ds-queries.ts';
import type { DossierState, DsDossier, DsPageInfo } from './ds-types.ts';

/** One listing of dossiers: the whole démarche or one groupe instructeur, with server-side filters. */
export interface DossierPass {
	groupe: number | null;
	state: DossierState | null;
	createdSince: string | null;
	updatedSince: string | null;
}

/** A dossier DS could not give us, reported while the run goes on. */
export interface Culprit {
	/** Its number, read from DS's cursor (`<timestamp>;<id>`); null if the cursor is opaque. */
	number: number | null;
	/** The cursor just past it. */
	cursor: string | null;
	code: string;
	message: string;
}

/** What the pager yields: dossiers to write, the cursor after them, dossiers it had to skip. */
export interface PageChunk {
	dossiers: DsDossier[];
	endCursor: string | null;
	/** Backward paging: the cursor of the page's first dossier (where the next page ends). */
	startCursor?: string | null;
	/** Whether DS says the listing goes on past this page (in the pager's direction). */
	hasMore?: boolean;
	direction?: 'forward' | 'backward';
	culprits: Culprit[];
	/** Page size that produced this chunk (1 when dossiers were fetched one by one). */
	size: number;
}

/**
 * Page sizes tried in turn on the same cursor when a page fails (ds.md §2.2): DS's maximum
 * first, down to a single dossier, which isolates the culprit.
 */
export const PAGE_SIZES = [100, 50, 25, 10, 5, 2, 1] as const;

/**
 * The dossier number a DS cursor points at: DS's keyset cursors are base64url of
 * `<timestamp>;<dossier id>`, and a dossier's id is its number. Null for any other shape.
 */
export function cursorDossierNumber(cursor: string | null): number | null {
	if (!cursor) return null;
	try {
		const b64 = cursor.replace(/-/g, '+').replace(/_/g, '/');
		const text = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
		const match = /;(\d{1,12})$/.exec(text);
		return match ? Number(match[1]) : null;
	} catch {
		return null;
	}
}

/** How a pager runs. */
export interface PagerOptions {
	sizes?: readonly number[];
	growAfter?: number;
	log?: (m: string) => void;
	/** `backward`: `last`/`before` from the end of the listing (`after` is then the `before` cursor). */
	direction?: 'forward' | 'backward';
	/** Sees each page before it is yielded (and before the next is asked for); false ends the pager. */
	onPage?: (chunk: PageChunk) => boolean;
	/** Asked before each further request: true ends the pager. */
	stop?: () => boolean;
}

/** Errors a smaller page may avoid: timeouts, 5xx, partial data, complexity. */
const SHRINKABLE = ['ds_timeout', 'ds_server_error', 'ds_graphql'] as const;

type Connection<N> = {
	pageInfo: DsPageInfo & { hasPreviousPage?: boolean; startCursor?: string | null };
	nodes?: (N | null)[];
	edges?: ({ cursor: string; node: N | null } | null)[];
};

function variables(
	pass: DossierPass,
	demarche: number,
	size: number,
	cursor: string | null,
	direction: 'forward' | 'backward' = 'forward'
) {
	const backward = direction === 'backward';
	return {
		...(pass.groupe === null ? { demarche } : { groupe: pass.groupe }),
		first: backward ? null : size,
		after: backward ? null : cursor,
		...(backward ? { last: size, before: cursor } : {}),
		state: pass.state,
		createdSince: pass.createdSince,
		updatedSince: pass.updatedSince
	};
}

async function fetchConnection<N>(
	caller: DsCaller,
	query: string,
	vars: Record<string, unknown>,
	groupe: boolean
): Promise<Connection<N>> {
	const res = await caller.request<{
		demarche?: { dossiers?: Connection<N> } | null;
		groupeInstructeur?: { dossiers?: Connection<N> } | null;
	}>(query, vars);
	if (res.errors.length > 0) {
		throw dsError('ds_graphql', {
			demarche: typeof vars.demarche === 'number' ? vars.demarche : undefined,
			detail: res.errors[0]!.message
		});
	}
	const conn = groupe ? res.data?.groupeInstructeur?.dossiers : res.data?.demarche?.dossiers;
	if (
		!conn?.pageInfo ||
		(query !== DOSSIER_CURSOR_QUERY && query !== GROUPE_DOSSIER_CURSOR_QUERY && !Array.isArray(conn.nodes))
	) {
		throw dsError('ds_bad_response', {});
	}
	return conn;
}

/** Fetches one dossier alone (the culprit-isolation path, and "refresh this dossier"). */
export async function fetchDossier(caller: DsCaller, number: number): Promise<DsDossier> {
	const res = await caller.request<{ dossier?: DsDossier | null }>(DOSSIER_QUERY, { number });
	if (res.errors.length > 0) throw dsError('ds_graphql', { dossier: number, detail: res.errors[0]!.message });
	if (!res.data?.dossier || typeof res.data.dossier.number !== 'number') throw dsError('ds_bad_response', {});
	return res.data.dossier;
}

/**
 * Pages through a listing from `after`, 100 dossiers at a time. A failing page is retried on the
 * same cursor with 50, 25, 10, 5, 2, then 1 dossier (each success moves on, and the size grows
 * back after `growAfter` good pages). When a single dossier still fails, it is the culprit: the
 * run takes the cursor just past it (a page-info-only query touches no dossier field), tries the
 * dossier alone with `dossier(number)`, and reports it if that fails too.
 */
export async function* pageDossiers(
	caller: DsCaller,
	demarche: number,
	pass: DossierPass,
	after: string | null,
	options: PagerOptions = {}
): AsyncGenerator<PageChunk> {
	if (options.direction === 'backward') {
		yield* pageBackward(caller, demarche, pass, after, options);
		return;
	}
	const sizes = options.sizes ?? PAGE_SIZES;
	const growAfter = options.growAfter ?? 3;
	const groupe = pass.groupe !== null;
	const pageQuery = groupe ? GROUPE_DOSSIERS_PAGE_QUERY : DOSSIERS_PAGE_QUERY;
	const cursorQuery = groupe ? GROUPE_DOSSIER_CURSOR_QUERY : DOSSIER_CURSOR_QUERY;
	let index = 0;
	let good = 0;
	let cursor = after;
	for (;;) {
		const size = sizes[index]!;
		const smallest = index === sizes.length - 1;
		let conn: Connection<DsDossier>;
		try {
			// Above the smallest size, only network and 429 are retried in place: the rest shrinks.
			conn = await caller.retrying(
				() => fetchConnection<DsDossier>(caller, pageQuery, variables(pass, demarche, size, cursor), groupe),
				smallest ? undefined : ['ds_network', 'ds_rate_limited']
			);
		} catch (error) {
			if (!isDsError(error, ...SHRINKABLE)) throw error;
			if (!smallest) {
				index++;
				good = 0;
				options.log?.(
					`Page en échec (${error.userMessage}) : nouvel essai avec ${sizes[index]} dossier(s) par page.`
				);
				continue;
			}
			const chunk = await stepOver(error.code, error.userMessage);
			chunk.hasMore = chunk.more;
			const goOn = options.onPage?.(chunk) ?? true;
			yield chunk;
			if (!goOn || options.stop?.()) return;
			if (!chunk.endCursor || chunk.endCursor === cursor) return;
			cursor = chunk.endCursor;
			if (!chunk.more) return;
			// The culprit is behind us: the rest of the page is most likely fine.
			index = 0;
			good = 0;
			continue;
		}
		const nodes = (conn.nodes ?? []).filter((n): n is DsDossier => n !== null);
		const chunk: PageChunk = {
			dossiers: nodes,
			endCursor: conn.pageInfo.endCursor,
			culprits: [],
			size,
			hasMore: conn.pageInfo.hasNextPage
		};
		const goOn = options.onPage?.(chunk) ?? true;
		yield chunk;
		if (conn.pageInfo.endCursor) cursor = conn.pageInfo.endCursor;
		if (!conn.pageInfo.hasNextPage || !goOn || options.stop?.()) return;
		if (index > 0 && ++good >= growAfter) {
			index--;
			good = 0;
		}
	}

	/** Steps over the one dossier after `cursor` that DS cannot list. */
	async function stepOver(code: string, message: string): Promise<PageChunk & { more: boolean }> {
		const page = await caller.retrying(() =>
			fetchConnection<never>(caller, cursorQuery, variables(pass, demarche, 1, cursor), groupe)
		);
		const endCursor = page.pageInfo.endCursor;
		const number = cursorDossierNumber(endCursor);
		if (number !== null) {
			try {
				const dossier = await caller.retrying(() => fetchDossier(caller, number));
				options.log?.(`Dossier n° ${number} récupéré seul.`);
				return { dossiers: [dossier], endCursor, culprits: [], size: 1, more: page.pageInfo.hasNextPage };
			} catch (error) {
				if (!isDsError(error, ...SHRINKABLE, 'ds_not_found', 'ds_bad_response')) throw error;
				message = error.userMessage;
				code = error.code;
			}
		}
		options.log?.(`Dossier ${number === null ? 'illisible' : `n° ${number}`} ignoré : ${message}`);
		return {
			dossiers: [],
			endCursor,
			culprits: [{ number, cursor: endCursor, code, message }],
			size: 1,
			more: page.pageInfo.hasNextPage
		};
	}
}

/**
 * Pages backwards from `before` (null: the end of the listing), 100 dossiers at a time, each
 * page in DS's order. It only ever helps a forward pager that covers the same listing (see
 * `meetInTheMiddle`): on a page DS cannot serve it stops, and the forward pager, which isolates
 * culprits, reads that part.
 */
async function* pageBackward(
	caller: DsCaller,
	demarche: number,
	pass: DossierPass,
	before: string | null,
	options: PagerOptions
): AsyncGenerator<PageChunk> {
	const groupe = pass.groupe !== null;
	const pageQuery = groupe ? GROUPE_DOSSIERS_PAGE_QUERY : DOSSIERS_PAGE_QUERY;
	const size = (options.sizes ?? PAGE_SIZES)[0]!;
	let cursor = before;
	for (;;) {
		let conn: Connection<DsDossier>;
		try {
			conn = await caller.retrying(
				() =>
					fetchConnection<DsDossier>(
						caller,
						pageQuery,
						variables(pass, demarche, size, cursor, 'backward'),
						groupe
					),
				['ds_network', 'ds_rate_limited']
			);
		} catch (error) {
			if (!isDsError(error, ...SHRINKABLE)) throw error;
			options.log?.(
				`Lecture depuis la fin interrompue (${error.userMessage}) : la lecture dans l’ordre continue.`
			);
			return;
		}
		const nodes = (conn.nodes ?? []).filter((n): n is DsDossier => n !== null);
		const startCursor = conn.pageInfo.startCursor ?? null;
		const chunk: PageChunk = {
			dossiers: nodes,
			endCursor: conn.pageInfo.endCursor,
			startCursor,
			direction: 'backward',
			culprits: [],
			size
		};
		const goOn = options.onPage?.(chunk) ?? true;
		yield chunk;
		if (!startCursor || !conn.pageInfo.hasPreviousPage || !goOn || options.stop?.()) return;
		cursor = startCursor;
	}
}
