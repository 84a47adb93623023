import { afterEach, describe, expect, test } from 'vitest';
import { createGristPort } from '#widget/grist-port.ts';
import type { Row } from '#widget/grist-types.ts';
import { createMemoryDocument } from '#widget/memory-backend.ts';
import { createPluginBackend } from '#widget/plugin-backend.ts';
import { createRestBackend, GRIST_BODY_LIMIT } from '#widget/rest-backend.ts';
import type { TableSpec } from '#widget/table-spec.ts';
import { memoryDocApi, recordingBackend } from '#widget/testing.ts';
import { startGristDouble, type GristDouble } from './index.ts';

const SPEC: TableSpec = {
	id: 'Dossiers',
	columns: [
		{ id: 'numero', type: 'Int', label: 'Numéro' },
		{ id: 'demandeur', type: 'Text', label: 'Demandeur' },
		{ id: 'etat', type: 'Choice', label: 'État', choices: ['accepte', 'refuse'] },
		{ id: 'depot', type: 'DateTime:Europe/Paris', label: 'Déposé le' }
	]
};

const rows = (n: number, text = 'Mme Exemple'): Row[] =>
	Array.from({ length: n }, (_, i) => ({
		numero: i + 1,
		demandeur: `${text} ${i}`,
		etat: i % 2 ? 'accepte' : 'refuse',
		depot: 1_767_225_600 + i
	}));

let double: GristDouble | undefined;
afterEach(async () => {
	await double?.close();
	double = undefined;
});

describe('REST adapter against the Grist double', () => {
	test('writes typed tables in requests under 1 MB, and a re-run writes nothing', async () => {
		double = await startGristDouble();
		const port = createGristPort(
			createRestBackend({ gristUrl: double.url, docId: double.docId, apiKey: double.apiKey })
		);
		await port.ensureTable(SPEC);
		const big = rows(6000, 'Demandeur au nom assez long pour grossir le corps de la requête');
		expect((await port.upsert('Dossiers', big, { key: ['numero'] })).added).toBe(6000);
		const applies = double.requests.filter((r) => r.path.endsWith('/apply'));
		expect(applies.length).toBeGreaterThan(1);
		for (const r of applies) {
			expect(r.bytes).toBeLessThanOrEqual(GRIST_BODY_LIMIT);
			expect(r.contentType).toBe('application/json');
			expect(r.status).toBe(200);
		}
		const before = double.requests.length;
		const again = await port.upsert('Dossiers', big, { key: ['numero'] });
		expect(again.unchanged).toBe(6000);
		expect(double.requests.slice(before).every((r) => r.method === 'GET')).toBe(true);
		const read = await port.readRows('Dossiers');
		expect(read[5999]!.fields).toStrictEqual(big[5999]);
	});

	test('the double refuses bodies over 1 MB with 413, as Grist does', async () => {
		double = await startGristDouble();
		const action = ['BulkAddRecord', 'X', [null], { a: ['x'.repeat(GRIST_BODY_LIMIT)] }];
		const res = await fetch(`${double.url}/api/docs/${double.docId}/apply`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${double.apiKey}`, 'Content-Type': 'application/json' },
			body: JSON.stringify([action])
		});
		expect(res.status).toBe(413);
	});

	test('REST and plugin adapters send the same user actions and end with the same tables', async () => {
		double = await startGristDouble();
		const rest = recordingBackend(
			createRestBackend({ gristUrl: double.url, docId: double.docId, apiKey: double.apiKey })
		);
		const plugin = recordingBackend(createPluginBackend(memoryDocApi(createMemoryDocument())));
		const results = [];
		for (const backend of [rest, plugin]) {
			const port = createGristPort(backend);
			await port.ensureTable(SPEC);
			await port.upsert('Dossiers', rows(2500), { key: ['numero'] });
			await port.ensureTable({
				...SPEC,
				columns: [...SPEC.columns, { id: 'montant', type: 'Numeric', label: 'Montant' }]
			});
			await port.upsert(
				'Dossiers',
				rows(2600, 'M. Autre').map((r) => ({ ...r, montant: 12.5 })),
				{ key: ['numero'] }
			);
			results.push({ tables: await port.listTables(), rows: await port.readRows('Dossiers') });
		}
		expect(rest.log).toStrictEqual(plugin.log);
		expect(results[0]).toStrictEqual(results[1]);
	});

	test('errors come back typed, in French', async () => {
		double = await startGristDouble({ readOnlyKeys: ['lecture-seule'] });
		const port = (apiKey: string, docId = double!.docId) =>
			createGristPort(createRestBackend({ gristUrl: double!.url, docId, apiKey }));
		await expect(port('mauvaise-cle').listTables()).rejects.toMatchObject({ code: 'grist_unauthorized' });
		await expect(port(double.apiKey, 'autreDoc').listTables()).rejects.toMatchObject({
			code: 'grist_not_found'
		});
		await expect(port('lecture-seule').ensureTable(SPEC)).rejects.toMatchObject({
			code: 'grist_forbidden',
			userMessage: expect.stringContaining('droits d’écriture')
		});
		double.failNext(1, 502);
		await expect(port(double.apiKey).listTables()).rejects.toMatchObject({
			code: 'grist_server_error',
			retryable: true
		});
		const unreachable = createGristPort(
			createRestBackend({ gristUrl: 'http://127.0.0.1:9', docId: 'x', apiKey: 'k' })
		);
		await expect(unreachable.listTables()).rejects.toMatchObject({
			code: 'grist_unreachable',
			retryable: true
		});
	});
});
