import { expose } from 'comlink';
import { afterEach, describe, expect, test } from 'vitest';
import { toErrorPayload } from '#widget/errors.ts';
import { createMemoryBackend } from '#widget/memory-backend.ts';
import schemaText from '../../../shared/ds/schema.graphql?raw';
import { createDsClient, type DsClient } from './ds-client.ts';
import type { DsSyncProgress } from './ds-sync.ts';
import { createDsWorkerApi } from './ds-worker-api.ts';
import { champIdOf, createMemoryDs, type MemoryDs } from './testing.ts';

/** Our server's route, in-process: `{query, variables}` → the memory DS → `{data, errors}` or `{error}`. */
function routeTo(ds: MemoryDs, seen: { headers: Record<string, string>[] }): typeof fetch {
	return (async (_url: string, init: RequestInit) => {
		seen.headers.push(init.headers as Record<string, string>);
		const { query, variables } = JSON.parse(String(init.body));
		try {
			return Response.json(await ds.transport.request(query, variables));
		} catch (error) {
			return Response.json({ error: toErrorPayload(error) }, { status: 502 });
		}
	}) as typeof fetch;
}

function memoryDs(count: number): MemoryDs {
	return createMemoryDs(schemaText, {
		demarche: 42,
		revisions: [
			{
				id: 'R1',
				dateCreation: '2026-01-01T00:00:00+01:00',
				champDescriptors: [{ __typename: 'TextChampDescriptor', id: champIdOf(1), label: 'Intitulé' }],
				annotationDescriptors: []
			}
		],
		dossiers: Array.from({ length: count }, (_, i) => ({
			number: i + 1,
			state: 'en_construction' as const,
			groupe: 1,
			labels: [],
			deposeAt: Date.UTC(2026, 0, 1) + i * 1000,
			updatedAt: Date.UTC(2026, 0, 1) + i * 1000,
			revisionId: 'R1',
			champs: [{ __typename: 'TextChamp', champDescriptorId: champIdOf(1), value: `Projet ${i + 1}` }],
			annotations: []
		}))
	});
}

let clients: DsClient[] = [];
afterEach(() => {
	for (const c of clients) c.dispose();
	clients = [];
});

function connect(ds: MemoryDs, seen = { headers: [] as Record<string, string>[] }): DsClient {
	const { port1, port2 } = new MessageChannel();
	expose(createDsWorkerApi({ fetch: routeTo(ds, seen) }), port1);
	const client = createDsClient(port2);
	clients.push(client);
	return client;
}

describe('DS worker and its main-thread client', () => {
	test('the worker does the DS work; the page lends its Grist backend; state lives in Passerelle_etat', async () => {
		const ds = memoryDs(150);
		const seen = { headers: [] as Record<string, string>[] };
		const client = connect(ds, seen);
		const backend = createMemoryBackend();
		const events: DsSyncProgress[] = [];
		const request = { demarche: 42, proxy: { url: '/api/ds/graphql', headers: { 'X-Grist-Token': 'jwt' } } };
		const first = await client.run(request, backend, (p) => events.push(p));
		expect([first.status, first.mode, first.dossiersSeen]).toStrictEqual(['success', 'full', 150]);
		expect(backend.doc.fetchTable('Demarche_42_champs').champ_1?.[149]).toBe('Projet 150');
		expect(events.at(-1)?.phase).toBe('done');
		expect(seen.headers[0]).toMatchObject({ 'X-Grist-Token': 'jwt', 'Content-Type': 'application/json' });
		const state = JSON.parse(String(backend.doc.fetchTable('Passerelle_etat').valeur?.[0]));
		expect([state.demarche, state.dossierCount]).toStrictEqual([42, 150]);
		// The next run reads the shared state and is incremental.
		const second = await client.run(request, backend);
		expect([second.mode, second.rowsAdded + second.rowsUpdated]).toStrictEqual(['incremental', 0]);
	});

	test('errors cross the boundary with their code and French message', async () => {
		const client = connect(createMemoryDs(schemaText, { demarche: 42, visible: [] }));
		await expect(
			client.run({ demarche: 42, proxy: { url: '/api/ds/graphql' }, state: null }, createMemoryBackend())
		).rejects.toMatchObject({ code: 'ds_forbidden_demarche', retryable: false });
		await expect(
			client.run(
				{ demarche: Number('abc'), proxy: { url: '/api/ds/graphql' }, state: null },
				createMemoryBackend()
			)
		).rejects.toMatchObject({ code: 'ds_invalid_input' });
	});

	test('cancel stops the run cleanly', async () => {
		const ds = memoryDs(400);
		const client = connect(ds);
		const backend = createMemoryBackend();
		let asked = false;
		const result = await client.run({ demarche: 42, proxy: { url: '/x' }, state: null }, backend, (p) => {
			if (!asked && p.phase === 'dossiers' && p.pages === 1) {
				asked = true;
				void client.cancel();
			}
		});
		expect(result.status).toBe('cancelled');
		expect(backend.doc.fetchTable('Demarche_42_dossiers').id.length).toBeLessThan(400);
	});
});
