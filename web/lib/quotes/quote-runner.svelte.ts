/**
 * State of the "Devis" tab: dossiers of dropped files, their reading in the worker pool, the
 * rules' results, and the writes to Grist. Everything is kept in the document's local store, so
 * a reload restores the list; readings cut short by a reload come back as "à relire".
 */
import { PasserelleError, toErrorPayload, type ErrorPayload } from '#widget/errors.ts';
import { MAX_QUOTE_BYTES, tooLargeError } from '#worker/quotes/read/read-errors.ts';
import type { ReadProgress } from '#worker/quotes/read/read-types.ts';
import type {
	DossierResult,
	FalsePositiveMark,
	GristWriteSummary,
	QuoteGristOutput,
	QuoteReader,
	QuoteResult,
	QuoteRules
} from './quote-engine.ts';
import type {
	FileChanges,
	FileStatus,
	QuoteStore,
	StoredDossier,
	StoredFile,
	StoredResult
} from './quote-store.ts';

/** Quotes in one dossier at most (MDSO's limit). */
export const MAX_FILES_PER_DOSSIER = 20;

/** Longest dossier name kept. */
export const MAX_DOSSIER_NAME = 120;

/** Where the Grist write of a dossier stands. */
export type GristWriteState =
	| { kind: 'writing' }
	| { kind: 'done'; at: number; summary: GristWriteSummary }
	| { kind: 'error'; message: string };

/** A message for the user above the list (e.g. a drop that was refused). */
export interface RunnerNotice {
	level: 'error' | 'info';
	message: string;
}

/** What the runner needs; the tab passes the real ones, tests pass stand-ins. */
export interface QuoteRunnerDeps {
	openStore(docName: string): QuoteStore;
	reader(): QuoteReader;
	rules: QuoteRules;
	/** The Grist output, or null outside Grist. */
	grist(): QuoteGristOutput | null;
	/** Where errors end (the UI's `handleError`); returns the payload to show. */
	onError?(error: unknown, context: string): ErrorPayload;
	/** A line for the session journal. */
	log?(level: 'info' | 'succes' | 'alerte' | 'erreur', message: string): void;
	now?(): number;
	newId?(): string;
	/** Size limit checked before reading (default 50 Mo). */
	maxBytes?: number;
}

/** The default name of a dossier: "Dossier du 22/11/2025 à 14:05". */
export function defaultDossierName(at: number): string {
	const date = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short' }).format(at);
	const time = new Intl.DateTimeFormat('fr-FR', {
		timeZone: 'Europe/Paris',
		hour: '2-digit',
		minute: '2-digit'
	}).format(at);
	return `Dossier du ${date} à ${time}`;
}

const ACTIVE: ReadonlySet<FileStatus> = new Set(['en_attente', 'lecture']);

/** The runner: one per widget, bound to the Grist document whose store it opened. */
export class QuoteRunner {
	/** True once the document's local store is loaded. */
	ready = $state(false);
	docName = $state('');
	dossiers = $state<StoredDossier[]>([]);
	files = $state<StoredFile[]>([]);
	/** Results by file id (large: replaced, never deeply tracked). */
	results = $state.raw<Record<string, StoredResult>>({});
	/** Reading progress by file id, while a file is being read. */
	progress = $state.raw<Record<string, ReadProgress>>({});
	/** Grist write state by dossier id. */
	gristWrites = $state<Record<string, GristWriteState>>({});
	notice = $state<RunnerNotice | null>(null);
	/** The agents' false-positive marks read from Grist, by error key. */
	marks = $state.raw<Record<string, FalsePositiveMark>>({});
	/** Writes each dossier to Grist as soon as its results change. */
	autoGrist = $state(true);

	readonly #deps: QuoteRunnerDeps;
	#store: QuoteStore | null = null;
	// Plain containers on purpose: none of them is shown, so none needs to be reactive.
	#controllers: Record<string, AbortController> = {};
	#readings: Promise<void>[] = [];
	#dirty: string[] = [];
	#writing: Promise<void> | null = null;
	#opening: Promise<void> | null = null;

	constructor(deps: QuoteRunnerDeps) {
		this.#deps = deps;
	}

	/** Files being read or waiting for a worker. */
	get activeCount(): number {
		return this.files.filter((f) => ACTIVE.has(f.status)).length;
	}

	/** Files of a dossier, in drop order. */
	filesOf(dossierId: string): StoredFile[] {
		return this.files.filter((f) => f.dossierId === dossierId).sort((a, b) => a.order - b.order);
	}

	/** The rules' result for a file, when there is one. */
	resultOf(fileId: string): QuoteResult | null {
		return (this.results[fileId]?.result as QuoteResult | undefined) ?? null;
	}

	/** The dossier-level result, when computed. */
	dossierResultOf(dossierId: string): DossierResult | null {
		return (
			(this.dossiers.find((d) => d.id === dossierId)?.result as DossierResult | null | undefined) ?? null
		);
	}

	/** Opens the local store of a Grist document and restores its dossiers. */
	open(docName: string): Promise<void> {
		if (this.#store && this.docName === docName) return this.#opening ?? Promise.resolve();
		this.#opening = this.#open(docName);
		return this.#opening;
	}

	async #open(docName: string): Promise<void> {
		this.close();
		this.docName = docName;
		const store = this.#deps.openStore(docName);
		this.#store = store;
		try {
			const snapshot = await store.load();
			// Readings the page was doing when it closed cannot resume: they wait for "Relire".
			const interrupted = snapshot.files.filter((f) => ACTIVE.has(f.status)).map((f) => f.id);
			await store.updateFiles(interrupted, { status: 'a_relire' });
			if (this.#store !== store) return;
			this.dossiers = snapshot.dossiers;
			this.files = snapshot.files.map((f) => (interrupted.includes(f.id) ? { ...f, status: 'a_relire' } : f));
			this.results = Object.fromEntries(snapshot.results.map((r) => [r.fileId, r]));
			this.ready = true;
			void this.refreshMarks();
			if (interrupted.length > 0)
				this.notice = {
					level: 'info',
					message: `${plural(interrupted.length, 'lecture a été interrompue', 'lectures ont été interrompues')} par la fermeture de la page : cliquez sur « Relire » pour la reprendre.`
				};
		} catch (error) {
			this.#fail(error, 'Ouverture des devis enregistrés dans ce navigateur');
		}
	}

	/** Stops every reading and closes the store. */
	close(): void {
		for (const controller of Object.values(this.#controllers)) controller.abort();
		this.#controllers = {};
		this.#store?.close();
		this.#store = null;
		this.ready = false;
		this.dossiers = [];
		this.files = [];
		this.results = {};
		this.progress = {};
		this.gristWrites = {};
		this.marks = {};
		this.notice = null;
	}

	/**
	 * Makes a dossier of dropped files and starts reading them. More than 20 files are refused as
	 * a whole; a file over 50 Mo is listed with its error and never read.
	 */
	async addFiles(list: readonly File[]): Promise<string | null> {
		const store = this.#requireStore();
		if (list.length === 0) return null;
		if (list.length > MAX_FILES_PER_DOSSIER) {
			this.notice = {
				level: 'error',
				message: `Un dossier compte au plus ${MAX_FILES_PER_DOSSIER} devis : vous avez déposé ${list.length} fichiers. Déposez-les en plusieurs fois (un dépôt = un dossier).`
			};
			return null;
		}
		this.notice = null;
		const now = this.#now();
		const maxBytes = this.#deps.maxBytes ?? MAX_QUOTE_BYTES;
		const dossier: StoredDossier = {
			id: this.#newId(),
			name: defaultDossierName(now),
			createdAt: now,
			result: null
		};
		const files: StoredFile[] = list.map((f, order) => {
			const tooLarge = f.size > maxBytes;
			return {
				id: this.#newId(),
				dossierId: dossier.id,
				name: f.name,
				type: f.type,
				size: f.size,
				order,
				addedAt: now,
				status: tooLarge ? 'erreur' : 'en_attente',
				error: tooLarge ? toErrorPayload(tooLargeError(f.name, f.size, maxBytes)) : null,
				checkedAt: null
			};
		});
		// Too-large files are never stored: only their error is.
		const blobs = files.flatMap((f, i) => (f.error ? [] : [{ fileId: f.id, blob: list[i]! }]));
		const refused: StoredResult[] = files
			.filter((f) => f.error)
			.map((f) => ({ fileId: f.id, read: null, result: this.#deps.rules.unreadable(f.error!, f) }));
		try {
			await store.addDossier(dossier, files, blobs);
			for (const r of refused) await store.putResult(r);
		} catch (error) {
			this.#fail(error, 'Enregistrement des fichiers dans ce navigateur');
			return null;
		}
		this.dossiers = [...this.dossiers, dossier];
		this.files = [...this.files, ...files];
		if (refused.length > 0)
			this.results = { ...this.results, ...Object.fromEntries(refused.map((r) => [r.fileId, r])) };
		this.#deps.log?.(
			'info',
			`Dossier « ${dossier.name} » : ${plural(files.length, 'fichier déposé', 'fichiers déposés')}.`
		);
		for (const f of files) if (!f.error) this.#startReading(f.id);
		if (files.every((f) => f.error)) await this.#afterFile(dossier.id);
		return dossier.id;
	}

	/** Reads a file again from its stored bytes (interrupted, cancelled or failed readings). */
	reread(fileId: string): void {
		const file = this.#file(fileId);
		if (!file || ACTIVE.has(file.status)) return;
		this.#startReading(fileId);
	}

	/** Reads again every file of a dossier that has no result yet (interrupted or cancelled). */
	rereadPending(dossierId: string): void {
		for (const f of this.filesOf(dossierId))
			if (f.status === 'a_relire' || f.status === 'annule') this.#startReading(f.id);
	}

	/** Cancels the reading of one file. */
	cancel(fileId: string): void {
		this.#controllers[fileId]?.abort();
	}

	/** Cancels every reading in progress or waiting. */
	cancelAll(): void {
		for (const controller of Object.values(this.#controllers)) controller.abort();
	}

	/** Runs the rules again on what was read (no new reading), then writes the dossier to Grist. */
	async recheck(dossierId: string): Promise<void> {
		const store = this.#requireStore();
		const updated: StoredResult[] = [];
		try {
			for (const f of this.filesOf(dossierId)) {
				const stored = this.results[f.id];
				if (!stored) continue;
				const file = { id: f.id, name: f.name };
				const error = f.error ? $state.snapshot(f.error) : null;
				const result = stored.read
					? await this.#deps.rules.check(stored.read, file)
					: error
						? this.#deps.rules.unreadable(error, file)
						: null;
				if (result) updated.push({ ...stored, result });
			}
			for (const r of updated) await store.putResult(r);
			const now = this.#now();
			for (const r of updated) await this.#setFile(r.fileId, { checkedAt: now });
		} catch (error) {
			this.#fail(error, 'Nouvelle vérification');
			return;
		}
		this.results = { ...this.results, ...Object.fromEntries(updated.map((r) => [r.fileId, r])) };
		await this.#checkDossier(dossierId);
		this.#deps.log?.('info', `Dossier « ${this.#dossier(dossierId)?.name ?? ''} » vérifié à nouveau.`);
		await this.saveToGrist(dossierId);
	}

	/** Renames a dossier (trimmed, at most 120 characters); the new name goes to Grist too. */
	async renameDossier(dossierId: string, name: string): Promise<void> {
		const clean = name.trim().replace(/\s+/g, ' ').slice(0, MAX_DOSSIER_NAME);
		const dossier = this.#dossier(dossierId);
		if (!dossier || !clean || clean === dossier.name) return;
		try {
			await this.#requireStore().renameDossier(dossierId, clean);
		} catch (error) {
			this.#fail(error, 'Renommage du dossier');
			return;
		}
		dossier.name = clean;
		this.#scheduleWrite(dossierId);
	}

	/** Removes a file from the list and from this browser (its rows in Grist stay). */
	async removeFile(fileId: string): Promise<void> {
		const file = this.#file(fileId);
		if (!file) return;
		this.cancel(fileId);
		try {
			await this.#requireStore().deleteFile(fileId);
		} catch (error) {
			this.#fail(error, 'Suppression du fichier');
			return;
		}
		this.files = this.files.filter((f) => f.id !== fileId);
		const { [fileId]: _removed, ...rest } = this.results;
		this.results = rest;
		if (this.filesOf(file.dossierId).length === 0) await this.removeDossier(file.dossierId);
		else await this.#checkDossier(file.dossierId);
	}

	/** Removes a dossier and its files from this browser (its rows in Grist stay). */
	async removeDossier(dossierId: string): Promise<void> {
		const ids = this.filesOf(dossierId).map((f) => f.id);
		for (const id of ids) this.cancel(id);
		try {
			await this.#requireStore().deleteDossier(dossierId);
		} catch (error) {
			this.#fail(error, 'Suppression du dossier');
			return;
		}
		this.dossiers = this.dossiers.filter((d) => d.id !== dossierId);
		this.files = this.files.filter((f) => f.dossierId !== dossierId);
		this.results = Object.fromEntries(Object.entries(this.results).filter(([id]) => !ids.includes(id)));
		delete this.gristWrites[dossierId];
	}

	/** Writes one dossier (or all of them) to Grist now; resolves when the writes are done. */
	async saveToGrist(dossierId?: string): Promise<void> {
		const ids = dossierId ? [dossierId] : this.dossiers.map((d) => d.id);
		for (const id of ids) this.#markDirty(id);
		if (this.#dirty.length > 0) this.#writing ??= this.#drain();
		await this.#writing;
	}

	/** Reads the agents' false-positive marks from Grist again. */
	async refreshMarks(): Promise<void> {
		const output = this.#deps.grist();
		if (!output) return;
		try {
			this.marks = await output.readMarks();
		} catch (error) {
			this.#fail(error, 'Lecture des faux positifs dans Grist');
		}
	}

	/** Marks an error as a false positive with one of MDSO's reasons (or clears it), in Grist. */
	async setMark(errorKey: string, mark: { motif: string } | null): Promise<boolean> {
		const output = this.#deps.grist();
		if (!output) return false;
		try {
			await output.setMark(errorKey, mark);
		} catch (error) {
			this.#fail(error, 'Marque de faux positif');
			return false;
		}
		this.#deps.log?.(
			'info',
			mark ? `Remarque marquée faux positif (${mark.motif}).` : 'Marque de faux positif retirée.'
		);
		await this.refreshMarks();
		return true;
	}

	/** Resolves when every reading started so far has ended and Grist writes are done. */
	async idle(): Promise<void> {
		while (this.#readings.length > 0) await Promise.allSettled([...this.#readings]);
		await this.#writing;
	}

	#startReading(fileId: string): void {
		const reading: Promise<void> = this.#read(fileId).finally(() => {
			this.#readings = this.#readings.filter((r) => r !== reading);
		});
		this.#readings.push(reading);
	}

	async #read(fileId: string): Promise<void> {
		const store = this.#store;
		const file = this.#file(fileId);
		if (!store || !file) return;
		const controller = new AbortController();
		this.#controllers[fileId]?.abort();
		this.#controllers[fileId] = controller;
		const { id, name, dossierId } = file;
		try {
			await this.#setFile(id, { status: 'en_attente', error: null });
			// A new reading replaces the previous result.
			if (this.results[id]) {
				await store.deleteResult(id);
				const { [id]: _old, ...rest } = this.results;
				this.results = rest;
			}
			const blob = await store.getBlob(id);
			if (!blob) throw missingBytesError(name);
			const read = await this.#deps.reader().read(
				{ file: blob, name },
				{
					signal: controller.signal,
					onState: (state) => {
						if (state === 'running' && this.#store === store) void this.#setFile(id, { status: 'lecture' });
					},
					onProgress: (p) => {
						if (this.#store === store) this.progress = { ...this.progress, [id]: p };
					}
				}
			);
			const result = await this.#deps.rules.check(read, { id, name });
			if (this.#store !== store) return;
			const stored: StoredResult = { fileId: id, read, result };
			await store.putResult(stored);
			this.results = { ...this.results, [id]: stored };
			await this.#setFile(id, { status: 'verifie', checkedAt: this.#now() });
			this.#deps.log?.(
				result.status === 'valide' ? 'succes' : 'info',
				`« ${name} » : ${result.status} (${plural(result.errors.length, 'remarque', 'remarques')}).`
			);
		} catch (error) {
			if (this.#store !== store) return;
			const payload = toErrorPayload(error);
			if (payload.code === 'cancelled') {
				await this.#setFile(id, { status: 'annule' });
			} else {
				// A file that cannot be read still gets a result ("illisible") with its French reason.
				const stored: StoredResult = {
					fileId: id,
					read: null,
					result: this.#deps.rules.unreadable(payload, { id, name })
				};
				await store.putResult(stored).catch((e: unknown) => this.#fail(e, 'Enregistrement du résultat'));
				this.results = { ...this.results, [id]: stored };
				await this.#setFile(id, { status: 'erreur', error: payload, checkedAt: this.#now() });
				this.#deps.log?.('alerte', payload.message);
			}
		} finally {
			if (this.#controllers[id] === controller) delete this.#controllers[id];
			if (this.progress[id]) {
				const { [id]: _done, ...rest } = this.progress;
				this.progress = rest;
			}
		}
		if (this.#store === store) await this.#afterFile(dossierId);
	}

	/** After a file settles: the dossier checks once no file of it is still being read, then Grist. */
	async #afterFile(dossierId: string): Promise<void> {
		const pending = this.filesOf(dossierId).some((f) => ACTIVE.has(f.status));
		if (!pending) await this.#checkDossier(dossierId);
		this.#scheduleWrite(dossierId);
	}

	async #checkDossier(dossierId: string): Promise<void> {
		const dossier = this.#dossier(dossierId);
		if (!dossier) return;
		// Unreadable quotes are passed too: the dossier rules leave them out of the comparison.
		const results = this.filesOf(dossierId)
			.map((f) => this.resultOf(f.id))
			.filter((r): r is QuoteResult => r !== null);
		const result = this.#deps.rules.checkDossier(results);
		dossier.result = result;
		try {
			await this.#requireStore().setDossierResult(dossierId, result);
		} catch (error) {
			this.#fail(error, 'Enregistrement du résultat du dossier');
		}
	}

	#scheduleWrite(dossierId: string): void {
		if (!this.autoGrist || !this.#deps.grist()) return;
		this.#markDirty(dossierId);
		this.#writing ??= this.#drain();
	}

	#markDirty(dossierId: string): void {
		if (!this.#dirty.includes(dossierId)) this.#dirty.push(dossierId);
	}

	async #drain(): Promise<void> {
		// Writes run one at a time: an upsert reads the table before writing, so two at once would add twice.
		await Promise.resolve();
		try {
			for (let id = this.#dirty.shift(); id !== undefined; id = this.#dirty.shift()) {
				await this.#writeDossier(id);
			}
		} finally {
			this.#writing = null;
		}
	}

	async #writeDossier(dossierId: string): Promise<void> {
		const output = this.#deps.grist();
		const dossier = this.#dossier(dossierId);
		if (!output || !dossier) return;
		const quotes = this.filesOf(dossierId).flatMap((f) => {
			const result = this.resultOf(f.id);
			return result ? [{ fileId: f.id, name: f.name, result }] : [];
		});
		this.gristWrites[dossierId] = { kind: 'writing' };
		try {
			const summary = await output.write(
				{ id: dossier.id, name: dossier.name, createdAt: dossier.createdAt },
				quotes,
				this.dossierResultOf(dossierId)
			);
			this.gristWrites[dossierId] = { kind: 'done', at: this.#now(), summary };
			await this.refreshMarks();
		} catch (error) {
			const payload = this.#fail(error, `Enregistrement du dossier « ${dossier.name} » dans Grist`);
			this.gristWrites[dossierId] = { kind: 'error', message: payload.message };
		}
	}

	async #setFile(fileId: string, changes: FileChanges): Promise<void> {
		const file = this.#file(fileId);
		if (file) Object.assign(file, changes);
		await this.#store?.updateFile(fileId, changes);
	}

	#file(id: string): StoredFile | undefined {
		return this.files.find((f) => f.id === id);
	}

	#dossier(id: string): StoredDossier | undefined {
		return this.dossiers.find((d) => d.id === id);
	}

	#requireStore(): QuoteStore {
		if (!this.#store) throw new Error('Les devis de ce document ne sont pas encore chargés.');
		return this.#store;
	}

	#fail(error: unknown, context: string): ErrorPayload {
		const payload = this.#deps.onError?.(error, context) ?? toErrorPayload(error);
		this.notice = { level: 'error', message: `${context} : ${payload.message}` };
		return payload;
	}

	#now(): number {
		return this.#deps.now?.() ?? Date.now();
	}

	#newId(): string {
		return this.#deps.newId?.() ?? crypto.randomUUID();
	}
}

function missingBytesError(name: string): PasserelleError {
	return new PasserelleError(
		'file_reading_error',
		`Le contenu de « ${name} » n’est plus disponible dans ce navigateur : déposez à nouveau le fichier.`
	);
}

/** "1 fichier déposé" / "3 fichiers déposés". */
function plural(n: number, one: string, many: string): string {
	return `${n} ${n > 1 ? many : one}`;
}
