import { dsError, isDsError } from './ds-errors.ts';
import type { DsCaller } from './ds-caller.ts';
import {
	DOSSIER_NUMBERS_QUERY,
	DOSSIER_QUERY,
	DOSSIERS_PAGE_QUERY,
	GROUPE_DOSSIER_NUMBERS_QUERY,
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
	number: number;
	code: string;
	message: string;
}

/** What the pager yields: dossiers to write, the cursor after them, dossiers it had to skip. */
export interface PageChunk {
	dossiers: DsDossier[];
	endCursor: string | null;
	culprits: Culprit[];
	/** Page size that produced this chunk (1 when dossiers were fetched one by one). */
	size: number;
}

/** Page sizes tried in turn when a page fails (ds.md §2.2): DS's maximum first. */
export const PAGE_SIZES = [100, 50, 25, 10] as const;

/** Errors a smaller page may avoid: timeouts, 5xx, partial data, complexity. */
const SHRINKABLE = ['ds_timeout', 'ds_server_error', 'ds_graphql'] as const;

type Connection<N> = {
	pageInfo: DsPageInfo;
	nodes?: (N | null)[];
	edges?: ({ cursor: string; node: N | null } | null)[];
};

function variables(pass: DossierPass, demarche: number, first: number, after: string | null) {
	return {
		...(pass.groupe === null ? { demarche } : { groupe: pass.groupe }),
		first,
		after,
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
	if (!conn || !conn.pageInfo || (!Array.isArray(conn.nodes) && !Array.isArray(conn.edges))) {
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
 * same cursor with 50, 25, then 10 dossiers, and the size grows back after `growAfter` good pages;
 * a page of 10 that still fails is split: its dossier numbers are listed alone (a light query),
 * each dossier is fetched alone, and those that still fail are reported as culprits.
 */
export async function* pageDossiers(
	caller: DsCaller,
	demarche: number,
	pass: DossierPass,
	after: string | null,
	options: { sizes?: readonly number[]; growAfter?: number; log?: (m: string) => void } = {}
): AsyncGenerator<PageChunk> {
	const sizes = options.sizes ?? PAGE_SIZES;
	const growAfter = options.growAfter ?? 3;
	const groupe = pass.groupe !== null;
	const pageQuery = groupe ? GROUPE_DOSSIERS_PAGE_QUERY : DOSSIERS_PAGE_QUERY;
	const numbersQuery = groupe ? GROUPE_DOSSIER_NUMBERS_QUERY : DOSSIER_NUMBERS_QUERY;
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
					`Page en échec (${error.userMessage}) : nouvel essai avec ${sizes[index]} dossiers par page.`
				);
				continue;
			}
			options.log?.(`Page de ${size} dossiers toujours en échec : les dossiers sont récupérés un par un.`);
			const chunk = yield* isolate(size);
			if (!chunk) return;
			continue;
		}
		const nodes = (conn.nodes ?? []).filter((n): n is DsDossier => n !== null);
		yield { dossiers: nodes, endCursor: conn.pageInfo.endCursor, culprits: [], size };
		if (conn.pageInfo.endCursor) cursor = conn.pageInfo.endCursor;
		if (!conn.pageInfo.hasNextPage) return;
		if (index > 0 && ++good >= growAfter) {
			index--;
			good = 0;
		}
	}

	/** Lists the next `size` numbers and fetches each dossier alone; false when the listing is over. */
	async function* isolate(size: number): AsyncGenerator<PageChunk, boolean> {
		const light = await caller.retrying(() =>
			fetchConnection<{ number: number }>(
				caller,
				numbersQuery,
				variables(pass, demarche, size, cursor),
				groupe
			)
		);
		const edges = (light.edges ?? []).filter(
			(e): e is { cursor: string; node: { number: number } } => e !== null && e.node !== null
		);
		const dossiers: DsDossier[] = [];
		const culprits: Culprit[] = [];
		for (const edge of edges) {
			try {
				dossiers.push(await caller.retrying(() => fetchDossier(caller, edge.node.number)));
			} catch (error) {
				if (!isDsError(error, ...SHRINKABLE, 'ds_not_found', 'ds_bad_response')) throw error;
				culprits.push({ number: edge.node.number, code: error.code, message: error.userMessage });
				options.log?.(`Dossier n° ${edge.node.number} ignoré : ${error.userMessage}`);
			}
		}
		const endCursor = edges.at(-1)?.cursor ?? light.pageInfo.endCursor;
		yield { dossiers, endCursor, culprits, size: 1 };
		if (endCursor) cursor = endCursor;
		return edges.length > 0 && light.pageInfo.hasNextPage;
	}
}
