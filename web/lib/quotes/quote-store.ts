/**
 * The browser's local memory of the "Devis" tab: one IndexedDB database per Grist document
 * (Dexie) holding the dropped files, their status, what was read and what the rules found, and
 * the dossiers they belong to. Files never leave the browser; a reload loses nothing.
 */
import { Dexie, type EntityTable } from 'dexie';
import type { ErrorPayload } from '#widget/errors.ts';
import type { ReadResult } from '#worker/quotes/read/read-types.ts';

/** Where a file stands. `a_relire`: its reading was interrupted (page closed) and must be restarted. */
export type FileStatus = 'en_attente' | 'lecture' | 'verifie' | 'erreur' | 'annule' | 'a_relire';

/** A dossier: the files of one drop (at most 20 quotes), with its dossier-level result. */
export interface StoredDossier {
	id: string;
	name: string;
	createdAt: number;
	/** Result of the dossier-level checks (consistency between quotes), once computed. */
	result: unknown;
}

/** One dropped file, without its bytes. */
export interface StoredFile {
	id: string;
	dossierId: string;
	name: string;
	type: string;
	size: number;
	/** Position in the drop. */
	order: number;
	addedAt: number;
	status: FileStatus;
	/** Why the file could not be read (French message), when `status` is `erreur`. */
	error: ErrorPayload | null;
	/** When its result was last computed (epoch ms). */
	checkedAt: number | null;
}

/** The bytes of one file, stored apart so listing files never loads them. */
export interface StoredBlob {
	fileId: string;
	blob: Blob;
}

/** What was read from one file and what the rules found on it. */
export interface StoredResult {
	fileId: string;
	read: ReadResult | null;
	result: unknown;
}

/** Everything the store holds, as loaded at start-up. */
export interface QuoteSnapshot {
	dossiers: StoredDossier[];
	files: StoredFile[];
	results: StoredResult[];
}

type QuoteDexie = Dexie & {
	dossiers: EntityTable<StoredDossier, 'id'>;
	files: EntityTable<StoredFile, 'id'>;
	blobs: EntityTable<StoredBlob, 'fileId'>;
	results: EntityTable<StoredResult, 'fileId'>;
};

/** Fields of a file the runner changes as it goes. */
export type FileChanges = Partial<Pick<StoredFile, 'status' | 'error' | 'checkedAt' | 'name'>>;

/** The store the runner talks to (Dexie in the browser, fake-indexeddb in tests). */
export interface QuoteStore {
	readonly name: string;
	/** Loads every dossier, file and result (not the bytes). */
	load(): Promise<QuoteSnapshot>;
	/** Adds a dossier with its files and their bytes, in one transaction. */
	addDossier(dossier: StoredDossier, files: StoredFile[], blobs: StoredBlob[]): Promise<void>;
	renameDossier(id: string, name: string): Promise<void>;
	setDossierResult(id: string, result: unknown): Promise<void>;
	updateFile(id: string, changes: FileChanges): Promise<void>;
	/** Changes several files at once (e.g. interrupted readings marked `a_relire`). */
	updateFiles(ids: string[], changes: FileChanges): Promise<void>;
	getBlob(fileId: string): Promise<Blob | null>;
	putResult(result: StoredResult): Promise<void>;
	deleteResult(fileId: string): Promise<void>;
	/** Removes one file with its bytes and result. */
	deleteFile(id: string): Promise<void>;
	/** Removes a dossier with all its files. */
	deleteDossier(id: string): Promise<void>;
	close(): void;
}

/** Options of `openQuoteStore` (tests pass fake-indexeddb's globals). */
export interface QuoteStoreOptions {
	indexedDB?: IDBFactory;
	IDBKeyRange?: typeof IDBKeyRange;
}

/** The IndexedDB name for a Grist document: one local store per document. */
export function quoteDatabaseName(docName: string): string {
	return `passerelle-devis:${docName || 'sans-nom'}`;
}

/** Opens (and creates when needed) the local store of a Grist document. */
export function openQuoteStore(docName: string, options: QuoteStoreOptions = {}): QuoteStore {
	const name = quoteDatabaseName(docName);
	// Dexie takes a present-but-undefined option as "no IndexedDB": pass only what is given.
	const overrides = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
	const db = new Dexie(name, overrides) as QuoteDexie;
	db.version(1).stores({
		dossiers: 'id, createdAt',
		files: 'id, dossierId, status',
		blobs: 'fileId',
		results: 'fileId'
	});

	return {
		name,
		async load() {
			return db.transaction('r', db.dossiers, db.files, db.results, async () => ({
				dossiers: await db.dossiers.orderBy('createdAt').toArray(),
				files: (await db.files.toArray()).sort((a, b) => a.addedAt - b.addedAt || a.order - b.order),
				results: await db.results.toArray()
			}));
		},
		async addDossier(dossier, files, blobs) {
			await db.transaction('rw', db.dossiers, db.files, db.blobs, async () => {
				await db.dossiers.put(dossier);
				await db.files.bulkPut(files);
				await db.blobs.bulkPut(blobs);
			});
		},
		async renameDossier(id, newName) {
			await db.dossiers.update(id, { name: newName });
		},
		async setDossierResult(id, result) {
			await db.dossiers.update(id, { result });
		},
		async updateFile(id, changes) {
			await db.files.update(id, changes);
		},
		async updateFiles(ids, changes) {
			if (ids.length === 0) return;
			await db.files.where('id').anyOf(ids).modify(changes);
		},
		async getBlob(fileId) {
			return (await db.blobs.get(fileId))?.blob ?? null;
		},
		async putResult(result) {
			await db.results.put(result);
		},
		async deleteResult(fileId) {
			await db.results.delete(fileId);
		},
		async deleteFile(id) {
			await db.transaction('rw', db.files, db.blobs, db.results, async () => {
				await db.files.delete(id);
				await db.blobs.delete(id);
				await db.results.delete(id);
			});
		},
		async deleteDossier(id) {
			await db.transaction('rw', db.dossiers, db.files, db.blobs, db.results, async () => {
				const ids = (await db.files.where('dossierId').equals(id).primaryKeys()) as string[];
				await db.files.bulkDelete(ids);
				await db.blobs.bulkDelete(ids);
				await db.results.bulkDelete(ids);
				await db.dossiers.delete(id);
			});
		},
		close() {
			db.close();
		}
	};
}
