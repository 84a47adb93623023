import { describe, expect, test } from 'vitest';
import { createGristPort } from './grist-port.ts';
import type { Row } from './grist-types.ts';
import { createMemoryBackend, createMemoryDocument } from './memory-backend.ts';
import { createPluginBackend } from './plugin-backend.ts';
import type { TableSpec } from './table-spec.ts';
import { memoryDocApi, recordingBackend } from './testing.ts';
import { bulkAdd, jsonBytes, sliceByBytes } from './user-actions.ts';

const SPEC: TableSpec = {
	id: 'Essai',
	columns: [
		{ id: 'numero', type: 'Int', label: 'Numéro' },
		{ id: 'nom', type: 'Text', label: 'Nom du porteur' },
		{ id: 'montant', type: 'Numeric', label: 'Montant (€)' },
		{ id: 'etat', type: 'Choice', label: 'État', choices: ['en_construction', 'accepte'] },
		{ id: 'tags', type: 'ChoiceList', label: 'Étiquettes', choices: ['urgent', 'complet'] },
		{ id: 'depose', type: 'Date', label: 'Déposé le' },
		{ id: 'actif', type: 'Bool', label: 'Actif' }
	]
};

function rows(n: number, variant = ''): Row[] {
	return Array.from({ length: n }, (_, i) => ({
		numero: i + 1,
		nom: `Porteur ${i + 1}${variant}`,
		montant: (i * 37.5) % 1000,
		etat: i % 3 ? 'accepte' : 'en_construction',
		tags: ['L', i % 2 ? 'urgent' : 'complet'],
		depose: 1_767_225_600 + i * 86_400,
		actif: i % 2 === 0
	}));
}

describe('GristPort over an in-memory Grist', () => {
	test('ensureTable creates typed columns with untied labels and choices, then changes nothing', async () => {
		const backend = createMemoryBackend();
		const port = createGristPort(backend);
		const first = await port.ensureTable(SPEC);
		expect(first).toStrictEqual({
			createdTable: true,
			addedColumns: SPEC.columns.map((c) => c.id),
			updatedColumns: [],
			conflicts: []
		});
		const [table] = await port.listTables();
		expect(table!.columns.map((c) => [c.id, c.type, c.label])).toStrictEqual(
			SPEC.columns.map((c) => [c.id, c.type, c.label])
		);
		expect(table!.columns.find((c) => c.id === 'etat')!.widgetOptions).toStrictEqual({
			choices: ['en_construction', 'accepte']
		});
		const actionsBefore = backend.log.length;
		const second = await port.ensureTable(SPEC);
		expect(second.addedColumns).toStrictEqual([]);
		expect(second.updatedColumns).toStrictEqual([]);
		expect(backend.log.length).toBe(actionsBefore);
	});

	test('readColumns gives columns as arrays (a missing one as nulls), on the port and in a session', async () => {
		const port = createGristPort(createMemoryBackend());
		await port.ensureTable(SPEC);
		await port.upsert('Essai', rows(3), { key: ['numero'] });
		const expected = {
			id: [1, 2, 3],
			numero: [1, 2, 3],
			actif: [true, false, true],
			absente: [null, null, null]
		};
		expect(await port.readColumns('Essai', ['numero', 'actif', 'absente'])).toStrictEqual(expected);
		const session = port.session();
		expect(await session.readColumns('Essai', ['numero', 'actif', 'absente'])).toStrictEqual(expected);
		// The session keeps what it read: an unchanged upsert afterwards writes nothing.
		expect(await session.upsert('Essai', rows(3), { key: ['numero'] })).toMatchObject({
			added: 0,
			updated: 0,
			unchanged: 3
		});
	});

	test('a session keeps its copy of a table through an ensureTable that changes no column', async () => {
		const backend = createMemoryBackend();
		const port = createGristPort(backend);
		await port.ensureTable(SPEC);
		await port.upsert('Essai', rows(50), { key: ['numero'] });
		let reads = 0;
		const counting = createGristPort({
			...backend,
			fetchTable: (tableId) => {
				reads++;
				return backend.fetchTable(tableId);
			}
		});
		const session = counting.session();
		await session.upsert('Essai', [], { key: ['numero'] });
		await session.ensureTable(SPEC);
		await session.upsert('Essai', rows(50, ' bis'), { key: ['numero'] });
		expect(reads).toBe(1);
		// A new column: the table is read again (Grist filled it with its defaults).
		await session.ensureTable({
			...SPEC,
			columns: [...SPEC.columns, { id: 'note', type: 'Text', label: 'Note' }]
		});
		await session.upsert('Essai', rows(50, ' bis'), { key: ['numero'] });
		expect(reads).toBe(2);
	});

	test('a label change keeps the column id; user columns and user choices survive', async () => {
		const backend = createMemoryBackend();
		const port = createGristPort(backend);
		await port.ensureTable(SPEC);
		await backend.applyUserActions([
			['AddColumn', 'Essai', 'note_agent', { type: 'Text', label: 'Note agent' }],
			[
				'ModifyColumn',
				'Essai',
				'etat',
				{ widgetOptions: JSON.stringify({ choices: ['en_construction', 'accepte', 'à revoir'] }) }
			]
		]);
		const renamed: TableSpec = {
			id: 'Essai',
			columns: SPEC.columns.map((c) =>
				c.id === 'nom'
					? { ...c, label: 'Nom (renommé)' }
					: c.id === 'etat'
						? { ...c, choices: ['refuse'] }
						: c
			)
		};
		const result = await port.ensureTable(renamed);
		expect(result.updatedColumns.sort()).toStrictEqual(['etat', 'nom']);
		const [table] = await port.listTables();
		expect(table!.columns.map((c) => c.id)).toStrictEqual([...SPEC.columns.map((c) => c.id), 'note_agent']);
		expect(table!.columns.find((c) => c.id === 'nom')!.label).toBe('Nom (renommé)');
		expect(table!.columns.find((c) => c.id === 'etat')!.widgetOptions.choices).toStrictEqual([
			'en_construction',
			'accepte',
			'à revoir',
			'refuse'
		]);
	});

	test('a column of the wrong type is reported, not overwritten, and skipped by upserts', async () => {
		const backend = createMemoryBackend();
		const port = createGristPort(backend);
		await backend.applyUserActions([
			[
				'AddTable',
				'Essai',
				[
					{ id: 'numero', type: 'Int' },
					{ id: 'montant', type: 'Text' }
				]
			]
		]);
		await backend.applyUserActions([
			['BulkAddRecord', 'Essai', [null], { numero: [1], montant: ['saisi à la main'] }]
		]);
		const result = await port.ensureTable(SPEC);
		expect(result.conflicts).toHaveLength(1);
		expect(result.conflicts[0]).toMatchObject({
			table: 'Essai',
			column: 'montant',
			expected: 'Numeric',
			actual: 'Text'
		});
		expect(result.conflicts[0]!.message).toContain('ne l’écrase pas');
		await port.upsert('Essai', rows(2), { key: ['numero'] });
		const read = await port.readRows('Essai');
		expect(read.map((r) => r.fields.montant)).toStrictEqual(['saisi à la main', '']);
		expect((await port.listTables())[0]!.columns.find((c) => c.id === 'montant')!.type).toBe('Text');
	});

	test('upsert adds, then writes nothing for unchanged rows, then updates only changed rows', async () => {
		const backend = createMemoryBackend();
		const port = createGristPort(backend);
		await port.ensureTable(SPEC);
		const data = rows(5000);
		const first = await port.upsert('Essai', data, { key: ['numero'] });
		expect([first.added, first.updated, first.unchanged]).toStrictEqual([5000, 0, 0]);
		expect(first.rowIds.size).toBe(5000);

		const logged = backend.log.length;
		const second = await port.upsert('Essai', data, { key: ['numero'] });
		expect([second.added, second.updated, second.unchanged]).toStrictEqual([0, 0, 5000]);
		expect(backend.log.length).toBe(logged);

		const changed = data.map((r, i) => (i < 3 ? { ...r, nom: `${String(r.nom)} (modifié)` } : r));
		const third = await port.upsert('Essai', [...changed, ...rows(5002).slice(5000)], { key: ['numero'] });
		expect([third.added, third.updated, third.unchanged]).toStrictEqual([2, 3, 4997]);
		const read = await port.readRows('Essai');
		expect(read).toHaveLength(5002);
		expect(read[0]!.fields).toStrictEqual({ ...changed[0], tags: ['L', 'complet'] });
	});

	test('writes are split so that no request body exceeds the budget', async () => {
		const backend = createMemoryBackend();
		const port = createGristPort(backend);
		await port.ensureTable(SPEC);
		const big = rows(3000).map((r) => ({ ...r, nom: 'x'.repeat(900) }));
		await port.upsert('Essai', big, { key: ['numero'] });
		const bulk = backend.log.filter((b) => b[0]![0] === 'BulkAddRecord');
		expect(bulk.length).toBeGreaterThanOrEqual(3);
		for (const batch of bulk) expect(JSON.stringify(batch).length).toBeLessThanOrEqual(backend.maxBodyBytes);
		expect((await port.readRows('Essai')).length).toBe(3000);
	});

	test('slices follow each row’s UTF-8 JSON size, accents and emoji included', async () => {
		const backend = recordingBackend(createMemoryBackend());
		const port = createGristPort(backend);
		await port.ensureTable(SPEC);
		const text = ['é', '€', '😀', 'a', '\u0007'];
		const big = rows(1500).map((r, i) => ({ ...r, nom: text[i % 5]!.repeat(100 + (i % 400)) }));
		await port.upsert('Essai', big, { key: ['numero'] });
		const cols = Object.keys(big[0]!);
		const overhead = jsonBytes(bulkAdd('Essai', cols, [])) + 64;
		const expected = sliceByBytes(big, backend.maxBodyBytes, overhead, (r) => jsonBytes(r) + 8).map(
			(s) => s.length
		);
		const sent = backend.log
			.filter((b) => b[0]![0] === 'BulkAddRecord')
			.map((b) => (b[0]![2] as unknown[]).length);
		expect(expected.length).toBeGreaterThan(1);
		expect(sent).toStrictEqual(expected);
	});

	test('deleteRows removes rows by id; progress reports totals; an aborted write stops', async () => {
		const port = createGristPort(createMemoryBackend());
		await port.ensureTable(SPEC);
		const seen: number[] = [];
		const { rowIds } = await port.upsert('Essai', rows(10), {
			key: ['numero'],
			onProgress: (p) => seen.push(p.done)
		});
		expect(seen.at(-1)).toBe(10);
		const ids = [...rowIds.values()].slice(0, 4);
		expect(await port.deleteRows('Essai', ids)).toBe(4);
		expect((await port.readRows('Essai')).map((r) => r.fields.numero)).toStrictEqual([5, 6, 7, 8, 9, 10]);
		const controller = new AbortController();
		controller.abort();
		await expect(
			port.upsert('Essai', rows(20), { key: ['numero'], signal: controller.signal })
		).rejects.toThrow();
	});

	test('the plugin adapter and the in-memory adapter emit the same user actions', async () => {
		const plugin = recordingBackend(createPluginBackend(memoryDocApi(createMemoryDocument())));
		const memory = recordingBackend(createMemoryBackend());
		for (const backend of [plugin, memory]) {
			const port = createGristPort(backend);
			await port.ensureTable(SPEC);
			await port.upsert('Essai', rows(1200), { key: ['numero'] });
			await port.upsert('Essai', rows(1300, '!'), { key: ['numero'] });
		}
		expect(plugin.log).toStrictEqual(memory.log);
		expect(plugin.log.length).toBeGreaterThan(2);
	});

	describe('write sessions', () => {
		/** A backend that records actions and counts table reads. */
		function counted() {
			const backend = recordingBackend(createMemoryBackend());
			const reads: string[] = [];
			return {
				backend: {
					...backend,
					fetchTable: (t: string) => {
						reads.push(t);
						return backend.fetchTable(t);
					}
				},
				log: backend.log,
				reads
			};
		}

		/** A run of writes: adds, unchanged rows, updates, deletions, a row with fewer columns. */
		async function scenario(port: ReturnType<typeof createGristPort>) {
			await port.ensureTable(SPEC);
			const results = [];
			results.push(await port.upsert('Essai', rows(300), { key: ['numero'] }));
			results.push(await port.upsert('Essai', rows(350, '!').slice(200), { key: ['numero'] }));
			const ids = [...results[0]!.rowIds.values()].slice(0, 20);
			await port.deleteRows('Essai', ids);
			results.push(await port.upsert('Essai', rows(30), { key: ['numero'] }));
			// Cells never written by the run (Grist's defaults) are compared as Grist holds them.
			results.push(await port.upsert('Essai', [{ numero: 400, nom: 'Nouveau' }], { key: ['numero'] }));
			results.push(
				await port.upsert('Essai', [{ numero: 400, actif: false, montant: 0 }], { key: ['numero'] })
			);
			results.push(await port.upsert('Essai', [{ numero: 400, actif: true }], { key: ['numero'] }));
			return results.map((r) => [r.added, r.updated, r.unchanged, [...r.rowIds]]);
		}

		test('emit the same actions as the port, reading the table again only when they must', async () => {
			const plain = counted();
			const viaPort = await scenario(createGristPort(plain.backend));
			const session = counted();
			const viaSession = await scenario(createGristPort(session.backend).session());
			expect(viaSession).toStrictEqual(viaPort);
			expect(session.log).toStrictEqual(plain.log);
			expect(plain.reads.length).toBe(6);
			// One read at the first upsert; one when the run rewrote rows it had added (their cells
			// are not kept); one when it needed a cell it had never written (a Grist default).
			expect(session.reads.length).toBe(3);
			expect(await createGristPort(session.backend).readRows('Essai')).toStrictEqual(
				await createGristPort(plain.backend).readRows('Essai')
			);
		});

		test('a row deleted in Grist behind the session is found again on a fresh read', async () => {
			const backend = createMemoryBackend();
			const session = createGristPort(backend).session();
			await session.ensureTable(SPEC);
			const first = await session.upsert('Essai', rows(5), { key: ['numero'] });
			await backend.applyUserActions([['BulkRemoveRecord', 'Essai', [first.rowIds.get('[2]')!]]]);
			const again = await session.upsert('Essai', rows(5, ' (bis)'), { key: ['numero'] });
			expect([again.added, again.updated]).toStrictEqual([1, 4]);
			const read = await session.readRows('Essai');
			expect(read.map((r) => r.fields.nom)).toStrictEqual([1, 3, 4, 5, 2].map((n) => `Porteur ${n} (bis)`));
		});

		test('deleting the first of two rows with the same key points the key at the other', async () => {
			const backend = createMemoryBackend();
			const port = createGristPort(backend);
			await port.ensureTable(SPEC);
			await backend.applyUserActions([
				['BulkAddRecord', 'Essai', [null, null], { numero: [7, 7], nom: ['premier', 'second'] }]
			]);
			const session = port.session();
			const seen = await session.upsert('Essai', [{ numero: 7, nom: 'premier' }], { key: ['numero'] });
			expect(seen.unchanged).toBe(1);
			await session.deleteRows('Essai', [seen.rowIds.get('[7]')!]);
			const after = await session.upsert('Essai', [{ numero: 7, nom: 'second' }], { key: ['numero'] });
			expect([after.added, after.updated, after.unchanged]).toStrictEqual([0, 0, 1]);
			expect((await port.readRows('Essai')).map((r) => r.fields.nom)).toStrictEqual(['second']);
		});
	});
});
