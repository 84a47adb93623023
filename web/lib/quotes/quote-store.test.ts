import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openQuoteStore, quoteDatabaseName, type StoredDossier, type StoredFile } from './quote-store.ts';

const dossier = (id: string, createdAt: number): StoredDossier => ({
	id,
	name: `Dossier ${id}`,
	createdAt,
	result: null
});

const file = (id: string, dossierId: string, order: number): StoredFile => ({
	id,
	dossierId,
	name: `${id}.pdf`,
	type: 'application/pdf',
	size: 3,
	order,
	addedAt: 1000,
	status: 'en_attente',
	error: null,
	checkedAt: null
});

function open(docName: string, indexedDB = new IDBFactory()) {
	return { store: openQuoteStore(docName, { indexedDB, IDBKeyRange }), indexedDB };
}

describe('quote store', () => {
	it('names one database per Grist document', () => {
		expect(quoteDatabaseName('Aides 2025')).toBe('passerelle-devis:Aides 2025');
		expect(quoteDatabaseName('')).toBe('passerelle-devis:sans-nom');
	});

	it('keeps dossiers, files, bytes and results across a reopen', async () => {
		const { store, indexedDB } = open('Doc A');
		await store.addDossier(
			dossier('d1', 2000),
			[file('f2', 'd1', 1), file('f1', 'd1', 0)],
			[{ fileId: 'f1', blob: new Blob(['PDF'], { type: 'application/pdf' }) }]
		);
		await store.addDossier(dossier('d0', 1000), [], []);
		await store.updateFile('f1', { status: 'verifie', checkedAt: 5 });
		await store.putResult({ fileId: 'f1', read: null, result: { status: 'valide' } });
		await store.setDossierResult('d1', { errors: [], pointsChecked: 3 });
		store.close();

		const again = openQuoteStore('Doc A', { indexedDB, IDBKeyRange });
		const snapshot = await again.load();
		expect(snapshot).toStrictEqual({
			dossiers: [dossier('d0', 1000), { ...dossier('d1', 2000), result: { errors: [], pointsChecked: 3 } }],
			files: [{ ...file('f1', 'd1', 0), status: 'verifie', checkedAt: 5 }, file('f2', 'd1', 1)],
			results: [{ fileId: 'f1', read: null, result: { status: 'valide' } }]
		});
		const blob = await again.getBlob('f1');
		expect(await blob?.text()).toBe('PDF');
		expect(await again.getBlob('f2')).toBeNull();
		again.close();
	});

	it('keeps each document apart', async () => {
		const indexedDB = new IDBFactory();
		const a = openQuoteStore('Doc A', { indexedDB, IDBKeyRange });
		await a.addDossier(dossier('d1', 1), [file('f1', 'd1', 0)], []);
		const b = openQuoteStore('Doc B', { indexedDB, IDBKeyRange });
		expect(await b.load()).toStrictEqual({ dossiers: [], files: [], results: [] });
		a.close();
		b.close();
	});

	it('deletes a dossier with its files, bytes and results, and a file alone', async () => {
		const { store } = open('Doc');
		await store.addDossier(
			dossier('d1', 1),
			[file('f1', 'd1', 0), file('f2', 'd1', 1)],
			[
				{ fileId: 'f1', blob: new Blob(['1']) },
				{ fileId: 'f2', blob: new Blob(['2']) }
			]
		);
		await store.addDossier(
			dossier('d2', 2),
			[file('f3', 'd2', 0)],
			[{ fileId: 'f3', blob: new Blob(['3']) }]
		);
		await store.putResult({ fileId: 'f1', read: null, result: 1 });
		await store.putResult({ fileId: 'f3', read: null, result: 3 });

		await store.deleteDossier('d1');
		await store.deleteFile('f3');
		expect(await store.load()).toStrictEqual({ dossiers: [dossier('d2', 2)], files: [], results: [] });
		expect(await store.getBlob('f1')).toBeNull();
		expect(await store.getBlob('f3')).toBeNull();
		store.close();
	});

	it('changes several files at once and renames a dossier', async () => {
		const { store } = open('Doc');
		await store.addDossier(
			dossier('d1', 1),
			[file('f1', 'd1', 0), file('f2', 'd1', 1), file('f3', 'd1', 2)],
			[]
		);
		await store.updateFiles(['f1', 'f3'], { status: 'a_relire' });
		await store.updateFiles([], { status: 'annule' });
		await store.renameDossier('d1', 'Maison Dupont');
		const snapshot = await store.load();
		expect(snapshot.files.map((f) => f.status)).toStrictEqual(['a_relire', 'en_attente', 'a_relire']);
		expect(snapshot.dossiers[0]?.name).toBe('Maison Dupont');
		store.close();
	});
});
