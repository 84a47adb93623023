import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { PasserelleError, type ErrorPayload } from '#widget/errors.ts';
import { cancelledError } from '#worker/quotes/read/read-errors.ts';
import type { ReadProgress, ReadResult } from '#worker/quotes/read/read-types.ts';
import type { ReadState } from '#worker/quotes/reader-pool.ts';
import type { DossierResult, QuoteForGrist, QuoteReader, QuoteRules } from './quote-engine.ts';
import { MAX_FILES_PER_DOSSIER, QuoteRunner, defaultDossierName } from './quote-runner.svelte.ts';
import { openQuoteStore } from './quote-store.ts';

/** A text "read" of a file: its content as one page. */
function readOf(text: string): ReadResult {
	return {
		format: 'text',
		pageCount: 1,
		ocrPages: 0,
		pages: [{ number: 1, source: 'text', text, lines: [], rotation: 0, cgv: false }],
		warnings: []
	};
}

/** Rules over that text: "ERREUR" in the text makes the quote invalid. */
const rules: QuoteRules = {
	check(read, file) {
		const text = read.pages[0]?.text ?? '';
		const bad = text.includes('ERREUR');
		return {
			status: bad ? 'invalide' : 'valide',
			fields: { texte: text, fichier: file.name },
			gestes: [],
			errors: bad
				? [
						{
							code: 'siret_manquant',
							category: 'admin',
							type: 'missing',
							severity: 'bloquant',
							title: 'SIRET absent',
							explanation: 'Le devis doit indiquer le SIRET.'
						}
					]
				: [],
			pointsChecked: 10,
			rulesetVersion: 'test-1'
		};
	},
	unreadable(error, file) {
		return {
			status: 'illisible',
			fields: { fichier: file.name },
			gestes: [],
			errors: [
				{
					code: error.code,
					category: 'file',
					type: 'error',
					severity: 'bloquant',
					title: 'Fichier illisible',
					explanation: error.message
				}
			],
			pointsChecked: 0,
			rulesetVersion: 'test-1'
		};
	},
	checkDossier(results) {
		return { errors: [], pointsChecked: results.length };
	}
};

interface Pending {
	name: string;
	resolve: () => void;
	fail: (error: unknown) => void;
}

/**
 * A reader whose readings end when the test says so (`manual`) or at once. It reads the file's
 * text, reports progress, honours cancellation, and fails on files whose text starts with "KO:".
 */
function fakeReader(manual = false) {
	const calls: string[] = [];
	const pending: Pending[] = [];
	const reader: QuoteReader = {
		read(input, options) {
			calls.push(input.name);
			return new Promise<ReadResult>((resolve, reject) => {
				const finish = async () => {
					const text = await input.file.text();
					if (text.startsWith('KO:')) reject(new PasserelleError('file_reading_error', text.slice(3)));
					else resolve(readOf(text));
				};
				if (options.signal?.aborted) return reject(cancelledError());
				options.signal?.addEventListener('abort', () => reject(cancelledError()), { once: true });
				options.onState?.('running' satisfies ReadState);
				options.onProgress?.({ stage: 'text', page: 1, pageCount: 2 } satisfies ReadProgress);
				if (manual) pending.push({ name: input.name, resolve: () => void finish(), fail: reject });
				else void finish();
			});
		}
	};
	return { reader, calls, pending };
}

/** A Grist output that records what it was asked to write. */
function fakeGrist() {
	const writes: { dossier: string; quotes: QuoteForGrist[]; dossierResult: DossierResult | null }[] = [];
	return {
		writes,
		output: {
			async write(dossier: { name: string }, quotes: QuoteForGrist[], dossierResult: DossierResult | null) {
				writes.push({ dossier: dossier.name, quotes, dossierResult });
				return { quotes: quotes.length, errors: quotes.reduce((n, q) => n + q.result.errors.length, 0) };
			}
		}
	};
}

function setup(options: { manual?: boolean; indexedDB?: IDBFactory; maxBytes?: number } = {}) {
	const indexedDB = options.indexedDB ?? new IDBFactory();
	const reading = fakeReader(options.manual);
	const grist = fakeGrist();
	const errors: ErrorPayload[] = [];
	let id = 0;
	const runner = new QuoteRunner({
		openStore: (docName) => openQuoteStore(docName, { indexedDB, IDBKeyRange }),
		reader: () => reading.reader,
		rules,
		grist: () => grist.output,
		onError: (error) => {
			const payload = { code: 'x', message: String(error), retryable: false };
			errors.push(payload);
			return payload;
		},
		now: () => Date.UTC(2025, 10, 22, 13, 5),
		newId: () => `id-${++id}`,
		maxBytes: options.maxBytes
	});
	return { runner, indexedDB, reading, grist, errors };
}

const text = (name: string, content: string) => new File([content], name, { type: 'text/plain' });

describe('quote runner', () => {
	it('names a dossier after its drop date, in Paris time', () => {
		expect(defaultDossierName(Date.UTC(2025, 10, 22, 13, 5))).toBe('Dossier du 22/11/2025 à 14:05');
	});

	it('reads a drop as one dossier, checks each quote, the dossier, and writes it to Grist', async () => {
		const { runner, grist } = setup();
		await runner.open('Doc');
		const dossierId = await runner.addFiles([text('a.txt', 'DEVIS OK'), text('b.txt', 'DEVIS ERREUR')]);
		await runner.idle();

		expect(runner.dossiers.map((d) => d.name)).toStrictEqual(['Dossier du 22/11/2025 à 14:05']);
		expect(runner.filesOf(dossierId!).map((f) => [f.name, f.status])).toStrictEqual([
			['a.txt', 'verifie'],
			['b.txt', 'verifie']
		]);
		expect(runner.filesOf(dossierId!).map((f) => runner.resultOf(f.id)?.status)).toStrictEqual([
			'valide',
			'invalide'
		]);
		expect(runner.dossierResultOf(dossierId!)).toStrictEqual({ errors: [], pointsChecked: 2 });
		expect(runner.progress).toStrictEqual({});
		const last = grist.writes.at(-1)!;
		expect(last.dossier).toBe('Dossier du 22/11/2025 à 14:05');
		expect(last.quotes.map((q) => [q.name, q.result.status])).toStrictEqual([
			['a.txt', 'valide'],
			['b.txt', 'invalide']
		]);
		expect(last.dossierResult).toStrictEqual({ errors: [], pointsChecked: 2 });
		expect(runner.gristWrites[dossierId!]).toStrictEqual({
			kind: 'done',
			at: Date.UTC(2025, 10, 22, 13, 5),
			summary: { quotes: 2, errors: 1 }
		});
	});

	it(`refuses a drop of more than ${MAX_FILES_PER_DOSSIER} files as a whole, in French`, async () => {
		const { runner, reading } = setup();
		await runner.open('Doc');
		const files = Array.from({ length: 21 }, (_, i) => text(`q${i}.txt`, 'DEVIS'));
		expect(await runner.addFiles(files)).toBeNull();
		expect(runner.notice).toStrictEqual({
			level: 'error',
			message:
				'Un dossier compte au plus 20 devis : vous avez déposé 21 fichiers. Déposez-les en plusieurs fois (un dépôt = un dossier).'
		});
		expect(runner.dossiers).toStrictEqual([]);
		expect(reading.calls).toStrictEqual([]);
	});

	it('lists a file over the size limit with its French reason and never reads it', async () => {
		const { runner, reading, indexedDB } = setup({ maxBytes: 10 });
		await runner.open('Doc');
		await runner.addFiles([text('gros.pdf', 'x'.repeat(11)), text('petit.txt', 'DEVIS')]);
		await runner.idle();

		expect(reading.calls).toStrictEqual(['petit.txt']);
		const big = runner.files.find((f) => f.name === 'gros.pdf')!;
		expect(big.status).toBe('erreur');
		expect(big.error?.code).toBe('x_fichier_trop_volumineux');
		expect(big.error?.message).toContain('la limite est de');
		expect(runner.resultOf(big.id)?.status).toBe('illisible');
		const store = openQuoteStore('Doc', { indexedDB, IDBKeyRange });
		expect(await store.getBlob(big.id)).toBeNull();
		store.close();
	});

	it('keeps the other results when a file cannot be read', async () => {
		const { runner } = setup();
		await runner.open('Doc');
		await runner.addFiles([text('bon.txt', 'DEVIS'), text('casse.pdf', 'KO:Le fichier est endommagé.')]);
		await runner.idle();
		const [good, broken] = runner.files;
		expect(good!.status).toBe('verifie');
		expect(broken!.status).toBe('erreur');
		expect(broken!.error).toStrictEqual({
			code: 'file_reading_error',
			message: 'Le fichier est endommagé.',
			retryable: false,
			details: {}
		});
		expect(runner.resultOf(broken!.id)?.errors[0]?.explanation).toBe('Le fichier est endommagé.');
	});

	it('shows progress while reading and cancels one file or all of them', async () => {
		const { runner, reading } = setup({ manual: true });
		await runner.open('Doc');
		await runner.addFiles([text('a.txt', 'A'), text('b.txt', 'B'), text('c.txt', 'C')]);
		await until(() => reading.pending.length === 3);
		await until(() => runner.files.every((f) => f.status === 'lecture'));
		expect(Object.values(runner.progress)).toStrictEqual([
			{ stage: 'text', page: 1, pageCount: 2 },
			{ stage: 'text', page: 1, pageCount: 2 },
			{ stage: 'text', page: 1, pageCount: 2 }
		]);
		expect(runner.activeCount).toBe(3);

		const [a] = runner.files;
		runner.cancel(a!.id);
		await until(() => a!.status === 'annule');
		reading.pending.find((p) => p.name === 'b.txt')!.resolve();
		await until(() => runner.files[1]!.status === 'verifie');
		runner.cancelAll();
		await runner.idle();
		expect(runner.files.map((f) => f.status)).toStrictEqual(['annule', 'verifie', 'annule']);
		expect(runner.activeCount).toBe(0);
		expect(runner.progress).toStrictEqual({});

		// A cancelled file is read again on demand, from its stored bytes.
		runner.rereadPending(runner.dossiers[0]!.id);
		await until(() => reading.pending.length === 5);
		for (const p of reading.pending.slice(3)) p.resolve();
		await runner.idle();
		expect(runner.files.map((f) => f.status)).toStrictEqual(['verifie', 'verifie', 'verifie']);
	});

	it('restores everything after a reload; readings cut short come back as "à relire"', async () => {
		const first = setup({ manual: true });
		await first.runner.open('Doc');
		await first.runner.addFiles([text('a.txt', 'DEVIS'), text('b.txt', 'DEVIS ERREUR')]);
		await until(() => first.reading.pending.length === 2);
		first.reading.pending[0]!.resolve();
		await until(() => first.runner.files[0]!.status === 'verifie');
		// The page closes while b.txt is being read: a new runner opens the same document.

		const second = setup({ indexedDB: first.indexedDB });
		await second.runner.open('Doc');
		expect(second.runner.files.map((f) => [f.name, f.status])).toStrictEqual([
			['a.txt', 'verifie'],
			['b.txt', 'a_relire']
		]);
		expect(second.runner.resultOf(second.runner.files[0]!.id)?.status).toBe('valide');
		expect(second.runner.notice?.message).toBe(
			'1 lecture a été interrompue par la fermeture de la page : cliquez sur « Relire » pour la reprendre.'
		);
		expect(second.runner.dossiers.map((d) => d.name)).toStrictEqual(['Dossier du 22/11/2025 à 14:05']);

		second.runner.reread(second.runner.files[1]!.id);
		await second.runner.idle();
		expect(second.runner.files[1]!.status).toBe('verifie');
		expect(second.runner.resultOf(second.runner.files[1]!.id)?.status).toBe('invalide');
		expect(second.reading.calls).toStrictEqual(['b.txt']);
		first.runner.close();
	});

	it('re-checks a dossier from what was read, without reading again, and writes it to Grist', async () => {
		const { runner, reading, grist } = setup();
		await runner.open('Doc');
		const id = (await runner.addFiles([text('a.txt', 'DEVIS ERREUR')]))!;
		await runner.idle();
		const writes = grist.writes.length;
		await runner.recheck(id);
		expect(reading.calls).toStrictEqual(['a.txt']);
		expect(grist.writes.length).toBe(writes + 1);
		expect(grist.writes.at(-1)!.quotes.map((q) => q.result.status)).toStrictEqual(['invalide']);
	});

	it('renames a dossier, keeps the name after a reload, and sends it to Grist', async () => {
		const { runner, grist, indexedDB } = setup();
		await runner.open('Doc');
		const id = (await runner.addFiles([text('a.txt', 'DEVIS')]))!;
		await runner.idle();
		await runner.renameDossier(id, '  Maison   Dupont ');
		await runner.idle();
		expect(runner.dossiers[0]!.name).toBe('Maison Dupont');
		expect(grist.writes.at(-1)!.dossier).toBe('Maison Dupont');
		await runner.renameDossier(id, '   ');
		expect(runner.dossiers[0]!.name).toBe('Maison Dupont');

		const again = setup({ indexedDB });
		await again.runner.open('Doc');
		expect(again.runner.dossiers[0]!.name).toBe('Maison Dupont');
	});

	it('removes a file, then its dossier once empty, from this browser only', async () => {
		const { runner, indexedDB } = setup();
		await runner.open('Doc');
		await runner.addFiles([text('a.txt', 'DEVIS'), text('b.txt', 'DEVIS')]);
		await runner.idle();
		await runner.removeFile(runner.files[0]!.id);
		expect(runner.files.map((f) => f.name)).toStrictEqual(['b.txt']);
		await runner.removeFile(runner.files[0]!.id);
		expect(runner.dossiers).toStrictEqual([]);
		const store = openQuoteStore('Doc', { indexedDB, IDBKeyRange });
		expect(await store.load()).toStrictEqual({ dossiers: [], files: [], results: [] });
		store.close();
	});

	it('keeps each Grist document apart', async () => {
		const { runner, indexedDB } = setup();
		await runner.open('Doc A');
		await runner.addFiles([text('a.txt', 'DEVIS')]);
		await runner.idle();
		const other = setup({ indexedDB });
		await other.runner.open('Doc B');
		expect(other.runner.files).toStrictEqual([]);
		await runner.open('Doc A');
		expect(runner.files).toHaveLength(1);
	});

	it('does not write to Grist when automatic saving is off, until asked', async () => {
		const { runner, grist } = setup();
		await runner.open('Doc');
		runner.autoGrist = false;
		await runner.addFiles([text('a.txt', 'DEVIS')]);
		await runner.idle();
		expect(grist.writes).toStrictEqual([]);
		await runner.saveToGrist();
		expect(grist.writes.map((w) => w.quotes.length)).toStrictEqual([1]);
	});
});

/** Waits until a condition holds (readings settle over several ticks). */
async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > timeoutMs) throw new Error('condition jamais remplie');
		await new Promise((r) => setTimeout(r, 5));
	}
}
