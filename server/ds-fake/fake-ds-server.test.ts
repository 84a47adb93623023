import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, type GraphQLInterfaceType } from 'graphql';
import { readFileSync } from 'node:fs';
import { champId } from './ds-format.ts';
import type { FakeDossier } from './dossier-store.ts';
import { defaultSchemaPath } from './ds-graphql.ts';
import { createFakeDsControl } from './fake-ds-control.ts';
import { startFakeDs, type FakeDs } from './fake-ds-server.ts';
import { STABLE } from './form-spec.ts';
import { FULL_DOSSIERS_QUERY, unaliasDossier } from './test-queries.ts';

interface Reply {
	status: number;
	headers: Headers;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

async function post(ds: FakeDs, body: unknown, token: string | null = ds.tokens.valid): Promise<Reply> {
	const res = await fetch(ds.url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(token === null ? {} : { authorization: `Bearer ${token}` })
		},
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
	const text = await res.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = null;
	}
	return { status: res.status, headers: res.headers, text, json };
}

const gql = (ds: FakeDs, query: string, variables: Record<string, unknown> = {}, token?: string | null) =>
	post(ds, { query, variables }, token);

const NUMBERS = `query list($n: Int!, $first: Int, $after: String, $before: String, $last: Int, $updatedSince: ISO8601DateTime, $createdSince: ISO8601DateTime) {
  demarche(number: $n) {
    dossiers(first: $first, after: $after, before: $before, last: $last, updatedSince: $updatedSince, createdSince: $createdSince) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      nodes { number dateDepot dateDerniereModification }
    }
  }
}`;

/** Walks `dossiers` page by page; returns the numbers in served order. */
async function walk(ds: FakeDs, variables: Record<string, unknown> = {}, first = 100): Promise<number[]> {
	const out: number[] = [];
	let after: string | null = null;
	for (let page = 0; page < 200; page++) {
		const r = await gql(ds, NUMBERS, { n: ds.demarcheNumber, first, after, ...variables });
		expect(r.json.errors).toBeUndefined();
		const c = r.json.data.demarche.dossiers;
		out.push(...c.nodes.map((d: { number: number }) => d.number));
		if (!c.pageInfo.hasNextPage) return out;
		after = c.pageInfo.endCursor;
	}
	throw new Error('pagination did not end');
}

describe('full pagination (250 dossiers, 100 per page)', () => {
	let ds: FakeDs;
	beforeAll(async () => {
		ds = await startFakeDs({ dossiers: 250, seed: 42 });
	});
	afterAll(() => ds.close());

	it('serves every dossier exactly once, equal to truth(), with every champ typename', async () => {
		const served: FakeDossier[] = [];
		let after: string | null = null;
		let pages = 0;
		for (; pages < 20; pages++) {
			const r = await gql(ds, FULL_DOSSIERS_QUERY, { number: ds.demarcheNumber, first: 100, after });
			expect(r.status).toBe(200);
			expect(r.json.errors).toBeUndefined();
			const c = r.json.data.demarche.dossiers;
			expect(c.nodes.length).toBeLessThanOrEqual(100);
			served.push(...c.nodes.map(unaliasDossier));
			if (!c.pageInfo.hasNextPage) break;
			after = c.pageInfo.endCursor;
		}
		expect(pages + 1).toBe(3);
		const numbers = served.map((d) => d.number);
		expect(new Set(numbers).size).toBe(250);
		expect(served).toStrictEqual(JSON.parse(JSON.stringify(ds.truth())));

		const schema = buildSchema(readFileSync(defaultSchemaPath(), 'utf8'));
		const champ = schema.getType('Champ') as GraphQLInterfaceType;
		const expected = schema.getPossibleTypes(champ).map((t) => t.name);
		const seen = new Set<string>();
		const visit = (c: { __typename: string; rows?: { champs: { __typename: string }[] }[] }): void => {
			seen.add(c.__typename);
			c.rows?.forEach((row) => row.champs.forEach(visit));
		};
		served.forEach((d) => [...d.champs, ...d.annotations].forEach((c) => visit(c as never)));
		expect([...seen].sort()).toStrictEqual([...expected].sort());
		expect(ds.stats().byOperation.fullDossiers).toBe(pages + 1);
	});
});

describe('fake DS behaviour', () => {
	let ds: FakeDs;
	beforeAll(async () => {
		ds = await startFakeDs({ dossiers: 150, seed: 9 });
	});
	afterAll(() => ds.close());

	it('describes the démarche: two published revisions plus a draft, groups, labels, every descriptor kind', async () => {
		const r = await gql(
			ds,
			`query d($n: Int!) { demarche(number: $n) { number title state
			  activeRevision { id }
			  revisions { id datePublication champDescriptors { __typename id label
			    ... on RepetitionChampDescriptor { champDescriptors { __typename id label } }
			    ... on DropDownListChampDescriptor { options otherOption } } annotationDescriptors { __typename id } }
			  groupeInstructeurs { number label closed instructeurs { email } }
			  labels { id name color } } }`,
			{ n: ds.demarcheNumber }
		);
		const d = r.json.data.demarche;
		expect(d.title).toBe('Démarche de démonstration — Aides à la rénovation');
		expect(d.revisions).toHaveLength(3);
		expect(d.revisions.filter((rev: { datePublication: string | null }) => rev.datePublication)).toHaveLength(
			2
		);
		expect(d.activeRevision.id).toBe(d.revisions[1].id);
		expect(d.groupeInstructeurs).toHaveLength(3);
		expect(d.labels.length).toBeGreaterThanOrEqual(4);
		const [oldRev, active] = d.revisions;
		const ids = (rev: { champDescriptors: { id: string }[] }) => rev.champDescriptors.map((c) => c.id);
		expect(ids(oldRev)).toContain(champId(STABLE.numeroFiscal));
		expect(ids(active)).not.toContain(champId(STABLE.numeroFiscal));
		const label = (rev: { champDescriptors: { id: string; label: string }[] }) =>
			rev.champDescriptors.find((c) => c.id === champId(STABLE.montantTravaux))?.label;
		expect(label(oldRev)).not.toBe(label(active));
		const kinds = new Set<string>(
			[...oldRev.champDescriptors, ...active.champDescriptors].flatMap(
				(c: { __typename: string; champDescriptors?: { __typename: string }[] }) => [
					c.__typename,
					...(c.champDescriptors ?? []).map((s) => s.__typename)
				]
			)
		);
		for (const kind of [
			'Text',
			'Textarea',
			'Email',
			'Phone',
			'Iban',
			'IntegerNumber',
			'DecimalNumber',
			'Date',
			'Datetime',
			'Checkbox',
			'YesNo',
			'Civilite',
			'DropDownList',
			'MultipleDropDownList',
			'LinkedDropDownList',
			'PieceJustificative',
			'TitreIdentite',
			'Address',
			'Commune',
			'Departement',
			'Region',
			'Pays',
			'Epci',
			'Siret',
			'RNA',
			'RNF',
			'DossierLink',
			'Carte',
			'Repetition',
			'EngagementJuridique',
			'HeaderSection',
			'Explication'
		]) {
			expect(kinds).toContain(`${kind}ChampDescriptor`);
		}
		const dropDown = active.champDescriptors.find(
			(c: { __typename: string }) => c.__typename === 'DropDownListChampDescriptor'
		);
		expect(dropDown.otherOption).toBe(true);
		expect(dropDown.options.length).toBeGreaterThan(3);
		expect(active.annotationDescriptors.map((a: { __typename: string }) => a.__typename)).toContain(
			'RepetitionChampDescriptor'
		);
	});

	it('clamps page sizes to 100 and rejects negative ones with bad_request', async () => {
		const big = await gql(ds, NUMBERS, { n: ds.demarcheNumber, first: 500 });
		expect(big.json.data.demarche.dossiers.nodes).toHaveLength(100);
		const byDefault = await gql(ds, NUMBERS, { n: ds.demarcheNumber });
		expect(byDefault.json.data.demarche.dossiers.nodes).toHaveLength(100);
		const zero = await gql(ds, NUMBERS, { n: ds.demarcheNumber, first: 0 });
		expect(zero.json.data.demarche.dossiers.nodes).toHaveLength(0);
		expect(zero.json.data.demarche.dossiers.pageInfo.hasNextPage).toBe(true);
		const negative = await gql(ds, NUMBERS, { n: ds.demarcheNumber, first: -1 });
		expect(negative.status).toBe(200);
		expect(negative.json.data).toBeNull();
		expect(negative.json.errors[0].extensions.code).toBe('bad_request');
		const both = await gql(ds, NUMBERS, { n: ds.demarcheNumber, first: 2, last: 2 });
		expect(both.json.errors[0].message).toBe('Arguments "first" and "last" are exclusive');
		const accepted = await gql(
			ds,
			`query($n: Int!) { demarche(number: $n) { dossiers(state: accepte) { nodes { number } } } }`,
			{
				n: ds.demarcheNumber
			}
		);
		expect(accepted.json.data.demarche.dossiers.nodes.map((d: { number: number }) => d.number)).toStrictEqual(
			ds
				.truth()
				.filter((d) => d.state === 'accepte')
				.map((d) => d.number)
		);
	});

	it('orders by (dépôt, id) and keeps cursors stable when dossiers are added, edited or removed', async () => {
		const full = await walk(ds);
		const truthOrder = ds.truth().map((d) => d.number);
		expect(full).toStrictEqual(truthOrder);
		const first = await gql(ds, NUMBERS, { n: ds.demarcheNumber, first: 40 });
		const page1 = first.json.data.demarche.dossiers.nodes.map((d: { number: number }) => d.number);
		const cursor = first.json.data.demarche.dossiers.pageInfo.endCursor;
		ds.touch(page1.slice(0, 5));
		ds.touch([full[60] as number]);
		const [removed] = ds.remove([full[70] as number]);
		const added = ds.addDossiers(4);
		const rest: number[] = [];
		let after = cursor;
		for (let i = 0; i < 20; i++) {
			const r = await gql(ds, NUMBERS, { n: ds.demarcheNumber, first: 40, after });
			const c = r.json.data.demarche.dossiers;
			rest.push(...c.nodes.map((d: { number: number }) => d.number));
			if (!c.pageInfo.hasNextPage) break;
			after = c.pageInfo.endCursor;
		}
		expect(rest).toStrictEqual([...full.slice(40).filter((n) => n !== removed), ...added]);
		// Backwards from the end with last/before gives the same order.
		const back = await gql(ds, NUMBERS, { n: ds.demarcheNumber, last: 3 });
		expect(back.json.data.demarche.dossiers.nodes.map((d: { number: number }) => d.number)).toStrictEqual(
			added.slice(-3)
		);
		expect(back.json.data.demarche.dossiers.pageInfo.hasPreviousPage).toBe(true);
	});

	it('updatedSince filters on updated_at, orders by it, and silently ignores createdSince', async () => {
		const anchor = new Date(ds.store.now()).toISOString();
		const touched = ds.touch({ count: 3 });
		const future = new Date(Date.now() + 365 * 86_400_000).toISOString();
		const since = await walk(ds, { updatedSince: anchor, createdSince: future });
		expect(since).toStrictEqual(touched);
		const relabeled = ds.relabel({ count: 2 }).filter((n) => !touched.includes(n));
		const again = await walk(ds, { updatedSince: anchor });
		expect(again).toStrictEqual(touched);
		expect(again.some((n) => relabeled.includes(n))).toBe(false);
		// Polling pattern: keep updatedSince, continue after the last cursor; a re-edited dossier comes back last.
		const r = await gql(ds, NUMBERS, { n: ds.demarcheNumber, updatedSince: anchor });
		const endCursor = r.json.data.demarche.dossiers.pageInfo.endCursor;
		ds.touch([touched[0] as number]);
		const poll = await gql(ds, NUMBERS, { n: ds.demarcheNumber, updatedSince: anchor, after: endCursor });
		expect(poll.json.data.demarche.dossiers.nodes.map((d: { number: number }) => d.number)).toStrictEqual([
			touched[0]
		]);
		// createdSince alone filters on the dépôt date.
		const truth = ds.truth();
		const mid = truth[Math.floor(truth.length / 2)] as FakeDossier;
		const created = await walk(ds, { createdSince: mid.dateDepot });
		expect(created).toStrictEqual(
			truth.filter((d) => Date.parse(d.dateDepot) >= Date.parse(mid.dateDepot)).map((d) => d.number)
		);
	});

	it('lists final and pending deletions with their dates and reasons', async () => {
		const anchor = new Date(ds.store.now()).toISOString();
		const removed = ds.remove({ count: 2 }, 'user_request');
		const trashed = ds.softDelete({ count: 1 });
		const r = await gql(
			ds,
			`query del($n: Int!, $since: ISO8601DateTime) { demarche(number: $n) {
			  deletedDossiers(deletedSince: $since) { nodes { id number state reason dateSupression } }
			  pendingDeletedDossiers(deletedSince: $since) { nodes { number reason dateSupression } }
			  all: deletedDossiers(first: 100) { nodes { number } }
			} }`,
			{ n: ds.demarcheNumber, since: anchor }
		);
		const d = r.json.data.demarche;
		expect(d.deletedDossiers.nodes.map((x: { number: number }) => x.number)).toStrictEqual(removed);
		expect(d.deletedDossiers.nodes.every((x: { reason: string }) => x.reason === 'user_request')).toBe(true);
		expect(d.pendingDeletedDossiers.nodes.map((x: { number: number }) => x.number)).toStrictEqual(trashed);
		expect(d.all.nodes.length).toBeGreaterThan(2);
		expect(ds.deletions().deleted.map((x) => x.number)).toStrictEqual(
			d.all.nodes.map((x: { number: number }) => x.number)
		);
		const listed = await walk(ds);
		expect(listed.some((n) => [...removed, ...trashed].includes(n))).toBe(false);
		const gone = await gql(ds, `query($x: Int!) { dossier(number: $x) { number } }`, { x: trashed[0] });
		expect(gone.json.errors[0].extensions.code).toBe('not_found');
	});

	it('reports permission, expiry, missing token and unknown démarche like DS', async () => {
		const q = `query($n: Int!) { demarche(number: $n) { title } }`;
		const hidden = await gql(ds, q, { n: ds.demarcheNumber }, ds.tokens.noAccess);
		expect(hidden.status).toBe(200);
		expect(hidden.json.data).toBeNull();
		expect(hidden.json.errors[0].message).toBe('An object of type Demarche was hidden due to permissions');
		expect(hidden.json.errors[0].extensions.code).toBe('unauthorized');
		const expired = await gql(ds, q, { n: ds.demarcheNumber }, ds.tokens.expired);
		expect(expired.status).toBe(401);
		expect(expired.json.errors[0].message).toBe('Token expired');
		const anonymous = await gql(ds, q, { n: ds.demarcheNumber }, null);
		expect(anonymous.status).toBe(403);
		expect(anonymous.json.errors[0].extensions.code).toBe('forbidden');
		expect((await gql(ds, q, { n: ds.demarcheNumber }, 'not-a-token')).status).toBe(403);
		const missing = await gql(ds, q, { n: 999 });
		expect(missing.json.errors[0]).toMatchObject({
			message: 'Demarche not found',
			extensions: { code: 'not_found' }
		});
		const parse = await post(ds, { query: '{ demarche(number: 1234) { title ' });
		expect(parse.status).toBe(400);
		expect(parse.json.errors[0].extensions.code).toBe('graphql_parse_failed');
		const invalid = await gql(
			ds,
			`{ demarche(number: 1234) { dossiers(states: [accepte]) { nodes { number } } } }`
		);
		expect(invalid.status).toBe(200);
		expect(invalid.json.errors[0].message).toMatch(/Unknown argument "states"/);
		const badCursor = await gql(ds, NUMBERS, { n: ds.demarcheNumber, after: '%%%' });
		expect(badCursor.status).toBe(400);
	});

	it('answers 429 in plain text with DS headers after the per-token limit', async () => {
		const limited = await startFakeDs({ dossiers: 5, rateLimitPerMinute: 3 });
		try {
			let reply: Reply | null = null;
			// At most one window boundary can fall inside the loop, so 2 × limit + 1 requests always reach a 429.
			for (let i = 0; i < 7 && reply === null; i++) {
				const r = await gql(limited, `{ demarche(number: 1234) { number } }`);
				if (r.status === 429) reply = r;
			}
			if (!reply) throw new Error('no 429');
			expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
			expect(reply.text).toMatch(/^Calme toi, cowboy/);
			expect(reply.headers.get('ratelimit-remaining')).toBe('0');
			const retryAfter = Number(reply.headers.get('retry-after'));
			expect(retryAfter).toBeGreaterThanOrEqual(1);
			expect(retryAfter).toBeLessThanOrEqual(60);
			const reset = Number(reply.headers.get('ratelimit-reset'));
			expect(reset - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(60);
			expect(reset % 60).toBe(0);
			// Another Authorization header has its own budget.
			expect(
				(await gql(limited, `{ demarche(number: 1234) { number } }`, {}, limited.tokens.noAccess)).status
			).toBe(200);
			expect(limited.stats().rateLimited).toBeGreaterThanOrEqual(1);
		} finally {
			await limited.close();
		}
	});

	it('falls back to older champ types unless the query names them (ds.md §1.6)', async () => {
		const q = `query($n: Int!) { demarche(number: $n) { dossiers(first: 5) { nodes { champs(id: "${champId(1010)}") { __typename stringValue ... on TextChamp { value } } } } } }`;
		const r = await gql(ds, q, { n: ds.demarcheNumber });
		const champs = r.json.data.demarche.dossiers.nodes.flatMap((d: { champs: unknown[] }) => d.champs);
		expect(champs.length).toBe(5);
		for (const c of champs) {
			expect(c.__typename).toBe('TextChamp');
			expect(c.value).toBe(c.stringValue);
		}
		const typed = await gql(
			ds,
			q.replace('... on TextChamp { value }', '... on AddressChamp { address { label } }'),
			{
				n: ds.demarcheNumber
			}
		);
		const first = typed.json.data.demarche.dossiers.nodes[0].champs[0];
		expect(first.__typename).toBe('AddressChamp');
	});

	it('filters by groupe instructeur and serves single dossiers', async () => {
		const groups = await gql(
			ds,
			`query($n: Int!) { demarche(number: $n) { groupeInstructeurs { number } } }`,
			{
				n: ds.demarcheNumber
			}
		);
		let total = 0;
		for (const g of groups.json.data.demarche.groupeInstructeurs) {
			const r = await gql(
				ds,
				`query($g: Int!) { groupeInstructeur(number: $g) { dossiers { nodes { number groupeInstructeur { number } } } } }`,
				{
					g: g.number
				}
			);
			const nodes = r.json.data.groupeInstructeur.dossiers.nodes;
			expect(
				nodes.every((d: { groupeInstructeur: { number: number } }) => d.groupeInstructeur.number === g.number)
			).toBe(true);
			total += nodes.length;
		}
		expect(total).toBe(ds.truth().length);
		const one = ds.truth()[0] as FakeDossier;
		const r = await gql(ds, `query($x: Int!) { dossier(number: $x) { number state } }`, { x: one.number });
		expect(r.json.data.dossier).toStrictEqual({ number: one.number, state: one.state });
	});

	it('serves attachments whose checksum matches their content', async () => {
		const file = ds
			.truth()
			.flatMap((d) => d.champs)
			.flatMap(
				(c) => (c.files as { url: string; checksum: string; byteSize: number }[] | undefined) ?? []
			)[0];
		if (!file) throw new Error('no file');
		const res = await fetch(file.url);
		const bytes = Buffer.from(await res.arrayBuffer());
		expect(bytes.length).toBe(file.byteSize);
		expect(createHash('md5').update(bytes).digest('base64')).toBe(file.checksum);
	});
});

describe('fault injection', () => {
	let ds: FakeDs;
	beforeAll(async () => {
		ds = await startFakeDs({ dossiers: 30, seed: 4 });
	});
	afterAll(() => ds.close());
	const PAGE = `query($n: Int!, $first: Int, $after: String) { demarche(number: $n) { dossiers(first: $first, after: $after) {
	  pageInfo { endCursor hasNextPage } nodes { id number state champs { id } } } } }`;

	it('injects platform errors, hangs and GraphQL timeouts, and counts them', async () => {
		ds.resetStats();
		ds.setFaults({ serverErrorProbability: 1, serverErrorStatuses: [503] });
		const unavailable = await gql(ds, PAGE, { n: ds.demarcheNumber });
		expect(unavailable.status).toBe(503);
		expect(unavailable.headers.get('content-type')).toMatch(/text\/html/);
		ds.setFaults({ hangProbability: 1, hangMs: 50 });
		expect((await gql(ds, PAGE, { n: ds.demarcheNumber })).status).toBe(504);
		ds.setFaults({ timeoutProbability: 1, timeoutData: 'null' });
		const timeout = await gql(ds, PAGE, { n: ds.demarcheNumber });
		expect(timeout.status).toBe(200);
		expect(timeout.json.data).toBeNull();
		expect(timeout.json.errors[0].extensions.code).toBe('timeout');
		ds.setFaults({ timeoutProbability: 1, timeoutData: 'partial', seed: 3 });
		const partial = await gql(ds, PAGE, { n: ds.demarcheNumber, first: 30 });
		expect(
			partial.json.errors.every((e: { extensions: { code: string } }) => e.extensions.code === 'timeout')
		).toBe(true);
		ds.setFaults({ rateLimitProbability: 1 });
		expect((await gql(ds, PAGE, { n: ds.demarcheNumber })).status).toBe(429);
		ds.setFaults({});
		expect((await gql(ds, PAGE, { n: ds.demarcheNumber })).status).toBe(200);
		const stats = ds.stats();
		expect(stats.total).toBe(6);
		expect(stats.faults).toMatchObject({ serverError: 1, hang: 1, timeout: 2, rateLimit: 1 });
		expect(stats.byStatus).toMatchObject({ '503': 1, '504': 1, '200': 3, '429': 1 });
	});

	it('a poison dossier breaks every page that contains it, so pages must be split to isolate it', async () => {
		const order = ds.truth().map((d) => d.number);
		const poison = order[17] as number;
		ds.setFaults({ poisonDossiers: [poison] });
		const page = await gql(ds, PAGE, { n: ds.demarcheNumber, first: 30 });
		const nodes = page.json.data.demarche.dossiers.nodes;
		expect(nodes[17]).toBeNull();
		expect(nodes.filter((n: unknown) => n === null)).toHaveLength(1);
		expect(page.json.errors[0].extensions.code).toBe('invalid_null');
		expect(page.json.errors[0].path.slice(0, 4)).toStrictEqual(['demarche', 'dossiers', 'nodes', 17]);
		ds.setFaults({ poisonDossiers: [poison], poisonMode: 'http_500' });
		expect((await gql(ds, PAGE, { n: ds.demarcheNumber, first: 30 })).status).toBe(500);
		expect((await gql(ds, PAGE, { n: ds.demarcheNumber, first: 17 })).status).toBe(200);
		const cursor = (await gql(ds, PAGE, { n: ds.demarcheNumber, first: 18 })).status;
		expect(cursor).toBe(500);
		expect(ds.stats().faults.poison).toBeGreaterThanOrEqual(3);
		ds.setFaults({});
	});

	it('adds latency and stops long executions with a timeout error', async () => {
		ds.setFaults({ latencyMs: 120 });
		const started = performance.now();
		expect((await gql(ds, PAGE, { n: ds.demarcheNumber, first: 1 })).status).toBe(200);
		expect(performance.now() - started).toBeGreaterThanOrEqual(115);
		ds.setFaults({});
		const hurried = await startFakeDs({ dossiers: 20, timeoutMs: 0 });
		try {
			const r = await gql(hurried, PAGE, { n: hurried.demarcheNumber, first: 20 });
			expect(r.status).toBe(200);
			expect(r.json.errors[0].extensions.code).toBe('timeout');
			expect(r.json.errors[0].message).toMatch(/^Timeout on \w+\.\w+$/);
		} finally {
			await hurried.close();
		}
	});

	it('is drivable from another process through /__control', async () => {
		const control = createFakeDsControl(ds.origin);
		const info = await control.info();
		expect(info.url).toBe(ds.url);
		const before = (await control.truth()).length;
		const added = await control.addDossiers(2);
		expect(added).toHaveLength(2);
		expect((await control.truth()).length).toBe(before + 2);
		expect(await control.touch([added[0] as number])).toStrictEqual([added[0]]);
		await control.setFaults({ serverErrorProbability: 1, serverErrorStatuses: [502] });
		expect((await gql(ds, PAGE, { n: ds.demarcheNumber })).status).toBe(502);
		await control.setFaults({});
		await control.resetStats();
		expect((await control.stats()).total).toBe(0);
		await expect(control.renameChampLabel('nope', 'x')).rejects.toThrow(/absent/);
	});
});

describe('CLI', () => {
	it('prints one JSON line with url, démarche and tokens, then serves until killed', async () => {
		const cli = spawn(
			process.execPath,
			[new URL('./cli.ts', import.meta.url).pathname, '--port', '0', '--dossiers', '3'],
			{
				stdio: ['ignore', 'pipe', 'inherit']
			}
		);
		try {
			const line = await new Promise<string>((resolve, reject) => {
				let out = '';
				cli.stdout.on('data', (chunk: Buffer) => {
					out += chunk.toString('utf8');
					if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
				});
				cli.once('exit', (code) => reject(new Error(`CLI exited early (${code})`)));
			});
			const info = JSON.parse(line) as { url: string; demarcheNumber: number; tokens: { valid: string } };
			expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2\/graphql$/);
			const res = await fetch(info.url, {
				method: 'POST',
				headers: { authorization: `Bearer ${info.tokens.valid}`, 'content-type': 'application/json' },
				body: JSON.stringify({
					query: `{ demarche(number: ${info.demarcheNumber}) { dossiers { nodes { number } } } }`
				})
			});
			const json = (await res.json()) as { data: { demarche: { dossiers: { nodes: unknown[] } } } };
			expect(json.data.demarche.dossiers.nodes).toHaveLength(3);
		} finally {
			if (cli.exitCode === null && cli.signalCode === null) {
				const exited = new Promise((resolve) => cli.once('exit', resolve));
				cli.kill('SIGTERM');
				await exited;
			}
		}
	});
});
