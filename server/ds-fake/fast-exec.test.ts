import { describe, expect, it } from 'vitest';
import {
	DELETED_DOSSIERS_QUERY,
	DEMARCHE_SCHEMA_QUERY,
	DOSSIER_CURSOR_QUERY,
	DOSSIER_NUMBERS_QUERY,
	DOSSIER_QUERY,
	DOSSIERS_PAGE_QUERY,
	GROUPE_DOSSIERS_PAGE_QUERY,
	LABELS_PAGE_QUERY,
	PENDING_DELETED_DOSSIERS_QUERY
} from '#worker/ds/ds-queries.ts';
import { champId, encodeCursor } from './ds-format.ts';
import { DsStore } from './dossier-store.ts';
import { executeRequest, loadDsSchema, type ExecOptions, type GraphQLRequestBody } from './ds-graphql.ts';
import { FULL_DOSSIERS_QUERY } from './test-queries.ts';

const schema = loadDsSchema();
const store = new DsStore({ seed: 5, dossiers: 160, demarcheNumber: 1234, origin: 'http://ds.test' });
const OPTIONS: ExecOptions = { procedureIds: [1234], timeoutMs: 30_000 };

/** Runs a request on both executors; returns the fast outcome after checking the bodies are equal. */
function both(body: GraphQLRequestBody, options: ExecOptions = OPTIONS) {
	const fast = executeRequest(schema, store, body, options);
	const reference = executeRequest(schema, store, body, { ...options, reference: true });
	expect(reference.executor).toBe('graphql-js');
	expect(JSON.stringify(fast.body)).toBe(JSON.stringify(reference.body));
	expect(fast.status).toBe(reference.status);
	return fast;
}

const page = (query: string, variables: Record<string, unknown>) => both({ query, variables });

describe('fast executor', () => {
	it('gives the same bytes as graphql-js for every page of our queries and the full-dossier query', () => {
		const groupe = store.groupes[0]!.number;
		for (const [query, vars] of [
			[DOSSIERS_PAGE_QUERY, { demarche: 1234, first: 50 }],
			[GROUPE_DOSSIERS_PAGE_QUERY, { groupe, first: 50 }],
			[FULL_DOSSIERS_QUERY, { number: 1234, first: 40 }],
			[DOSSIER_NUMBERS_QUERY, { demarche: 1234, first: 100 }],
			[LABELS_PAGE_QUERY, { demarche: 1234, first: 100 }]
		] as const) {
			let after: string | null = null;
			let pages = 0;
			for (;;) {
				const out = page(query, { ...vars, after });
				expect(out.executor).toBe('fast');
				const data = (
					out.body as {
						data: Record<
							string,
							{ dossiers: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } }
						>;
					}
				).data;
				const conn = (data.demarche ?? data.groupeInstructeur)!.dossiers;
				pages++;
				if (!conn.pageInfo.hasNextPage) break;
				after = conn.pageInfo.endCursor;
			}
			expect(pages).toBeGreaterThan(1);
		}
	});

	it('agrees on single dossiers, the form, deletions, cursors and updatedSince listings', () => {
		for (const rec of store.visibleRecords().slice(0, 30)) {
			expect(page(DOSSIER_QUERY, { number: rec.number }).executor).toBe('fast');
		}
		expect(page(DEMARCHE_SCHEMA_QUERY, { demarche: 1234 }).executor).toBe('fast');
		expect(page(DELETED_DOSSIERS_QUERY, { demarche: 1234, first: 100 }).executor).toBe('fast');
		expect(page(PENDING_DELETED_DOSSIERS_QUERY, { demarche: 1234, first: 100 }).executor).toBe('fast');
		expect(page(DOSSIER_CURSOR_QUERY, { demarche: 1234, first: 1 }).executor).toBe('fast');
		const since = new Date(Date.UTC(2026, 3, 1)).toISOString();
		expect(
			page(DOSSIERS_PAGE_QUERY, { demarche: 1234, first: 20, updatedSince: since, state: 'accepte' }).executor
		).toBe('fast');
	});

	it('agrees on fallback champ types, aliases, __typename, champ ids and backward pages', () => {
		const fallback = `query($n: Int!, $id: ID) { demarche(number: $n) { __typename dossiers(last: 7, order: ASC) {
			edges { cursor node { n: number champs(id: $id) { __typename stringValue ... on TextChamp { value } } } }
			pageInfo { hasPreviousPage startCursor } } } }`;
		expect(page(fallback, { n: 1234, id: champId(1010) }).executor).toBe('fast');
		expect(page(fallback, { n: 1234, id: null }).executor).toBe('fast');
		const rec = store.visibleRecords()[80]!;
		const before = `query($n: Int!, $c: String) { demarche(number: $n) { dossiers(before: $c, first: 5) { nodes { number } } } }`;
		expect(page(before, { n: 1234, c: encodeCursor(rec.deposeAt, rec.number) }).executor).toBe('fast');
	});

	it('leaves errors, faults, directives and introspection to graphql-js, with the same answers', () => {
		const cases: [GraphQLRequestBody, ExecOptions?][] = [
			[{ query: DOSSIER_QUERY, variables: { number: 1 } }],
			[{ query: DOSSIERS_PAGE_QUERY, variables: { demarche: 99, first: 10 } }],
			[{ query: DOSSIERS_PAGE_QUERY, variables: { demarche: 1234, first: 10, after: 'bm9wZQ' } }],
			[{ query: DOSSIERS_PAGE_QUERY, variables: { demarche: 1234, first: -1 } }],
			[{ query: DOSSIERS_PAGE_QUERY, variables: { demarche: 'x' } }],
			[
				{ query: DOSSIERS_PAGE_QUERY, variables: { demarche: 1234, first: 10 } },
				{ ...OPTIONS, procedureIds: [] }
			],
			[
				{
					query: `query($n: Int!, $s: Boolean!) { demarche(number: $n) { title @include(if: $s) number } }`,
					variables: { n: 1234, s: false }
				}
			],
			[{ query: `{ __schema { queryType { name } } }` }],
			[
				{ query: DOSSIERS_PAGE_QUERY, variables: { demarche: 1234, first: 10 } },
				{ ...OPTIONS, poison: [store.visibleRecords()[0]!.number] }
			],
			[
				{ query: DOSSIERS_PAGE_QUERY, variables: { demarche: 1234, first: 10 } },
				{ ...OPTIONS, forcedTimeoutAfter: 40 }
			]
		];
		for (const [body, options] of cases) expect(both(body, options).executor).toBe('graphql-js');
	});

	it('gives up when the deadline passes, so graphql-js reports the timeout', () => {
		const out = executeRequest(
			schema,
			store,
			{ query: DOSSIERS_PAGE_QUERY, variables: { demarche: 1234, first: 10 } },
			{ ...OPTIONS, timeoutMs: -1 }
		);
		expect(out.executor).toBe('graphql-js');
		expect((out.body as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
			'timeout'
		);
	});
});
