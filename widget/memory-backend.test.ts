import { describe, expect, test } from 'vitest';
import type { UserAction } from './grist-types.ts';
import { createMemoryDocument, type MemoryDocument } from './memory-backend.ts';

/** Everything a test can observe of a document. */
function state(doc: MemoryDocument) {
	return {
		tables: doc.listTables(),
		data: doc.listTables().map((t) => doc.fetchTable(t.id)),
		columns: doc.listTables().map((t) => doc.columnFields(t.id)),
		actions: doc.actionCount
	};
}

function seeded(): MemoryDocument {
	const doc = createMemoryDocument();
	doc.apply([
		[
			'AddTable',
			'Dossiers',
			[
				{ id: 'numero', type: 'Int' },
				{ id: 'nom', type: 'Text' },
				{ id: 'ok', type: 'Bool' }
			]
		],
		['AddTable', 'Autre', [{ id: 'x', type: 'Numeric' }]],
		['BulkAddRecord', 'Dossiers', [null, null, null], { numero: [1, 2, 3], nom: ['a', 'b', 'c'] }]
	]);
	return doc;
}

describe('in-memory Grist document', () => {
	test('fills defaults and the manual sort position, reads rows by increasing id', () => {
		const doc = seeded();
		doc.apply([['BulkAddRecord', 'Dossiers', [10, 5], { numero: [10, 5] }]]);
		expect(doc.fetchTable('Dossiers')).toStrictEqual({
			manualSort: [1, 2, 3, 5, 10],
			numero: [1, 2, 3, 5, 10],
			nom: ['a', 'b', 'c', '', ''],
			ok: [false, false, false, false, false],
			id: [1, 2, 3, 5, 10]
		});
		expect(doc.apply([['AddRecord', 'Dossiers', null, { nom: 'suivant' }]])).toStrictEqual([11]);
		expect(doc.fetchTable('Dossiers', { hidden: false })).not.toHaveProperty('manualSort');
	});

	test('a failing bundle leaves no trace: rows, cells, columns, tables and ids are rolled back', () => {
		const doc = seeded();
		const before = state(doc);
		const bundle: UserAction[] = [
			['BulkAddRecord', 'Dossiers', [null, null], { numero: [4, 5], nom: ['d', 'e'] }],
			['BulkUpdateRecord', 'Dossiers', [1, 4], { nom: ['A', 'D'], ok: [true, true] }],
			['BulkRemoveRecord', 'Dossiers', [2, 5]],
			['AddColumn', 'Dossiers', 'note', { type: 'Text', label: 'Note' }],
			['ModifyColumn', 'Dossiers', 'nom', { label: 'Nom complet', type: 'Any' }],
			['RemoveColumn', 'Dossiers', 'ok'],
			['AddTable', 'Nouvelle', [{ id: 'y', type: 'Text' }]],
			['RemoveTable', 'Autre'],
			['AddRecord', 'Dossiers', 3, { numero: 33 }],
			['BulkUpdateRecord', 'Dossiers', [1, 999], { numero: [7, 8] }]
		];
		expect(() => doc.apply(bundle)).toThrow(/Invalid row id 999/);
		expect(state(doc)).toStrictEqual(before);
		// Ids and refs continue as if the bundle never ran.
		expect(doc.apply([['AddRecord', 'Dossiers', null, { numero: 4 }]])).toStrictEqual([4]);
		const [added] = doc.apply([['AddColumn', 'Dossiers', 'note', { type: 'Text' }]]) as { colRef: number }[];
		expect(added!.colRef).toBe(before.columns.flat().length + before.tables.length + 1);
	});

	test('the same bundle without its failing action applies completely', () => {
		const doc = seeded();
		doc.apply([
			['BulkAddRecord', 'Dossiers', [null, null], { numero: [4, 5], nom: ['d', 'e'] }],
			['BulkUpdateRecord', 'Dossiers', [1, 4], { nom: ['A', 'D'], ok: [true, true] }],
			['BulkRemoveRecord', 'Dossiers', [2, 5]],
			['ModifyColumn', 'Dossiers', 'nom', { label: 'Nom complet' }],
			['RemoveColumn', 'Dossiers', 'ok']
		]);
		const { manualSort: _sort, ...data } = doc.fetchTable('Dossiers');
		expect(data).toStrictEqual({ numero: [1, 3, 4], Nom_complet: ['A', 'c', 'D'], id: [1, 3, 4] });
		expect(doc.actionCount).toBe(3 + 5);
	});

	test('keeps reading the right rows after many removals (holes are compacted)', () => {
		const doc = createMemoryDocument();
		doc.apply([['AddTable', 'T', [{ id: 'n', type: 'Int' }]]]);
		const ids = doc.apply([
			[
				'BulkAddRecord',
				'T',
				Array.from({ length: 5000 }, () => null),
				{ n: Array.from({ length: 5000 }, (_, i) => i) }
			]
		])[0] as number[];
		doc.apply([['BulkRemoveRecord', 'T', ids.filter((id) => id % 3 !== 0)]]);
		doc.apply([['BulkUpdateRecord', 'T', [3, 4998], { n: [-3, -4998] }]]);
		doc.apply([['BulkAddRecord', 'T', [1], { n: [1000] }]]);
		const data = doc.fetchTable('T');
		const expected = ids.filter((id) => id % 3 === 0 || id === 1);
		expect(data.id).toStrictEqual(expected);
		expect(data.n).toStrictEqual(
			expected.map((id) => (id === 1 ? 1000 : id === 3 || id === 4998 ? -id : id - 1))
		);
	});
});
