import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { cancelledError } from '#worker/quotes/read/read-errors.ts';
import { readQuote } from '#worker/quotes/read/read-quote.ts';
import type { ReaderPorts } from '#worker/quotes/read/read-types.ts';
import { engineRules } from './engine-rules.ts';
import type { DossierResult, QuoteForGrist, QuoteReader } from './quote-engine.ts';
import { MAX_FILES_PER_DOSSIER, QuoteRunner, defaultDossierName } from './quote-runner.svelte.ts';
import { openQuoteStore } from './quote-store.ts';

const CORPUS = resolve(import.meta.dirname, '../../../../shared/quotes');
const corpus = (name: string) => readFileSync(resolve(CORPUS, name));
/** Q25: a valid plain-text quote of the corpus. */
const Q25 = corpus('Q25.txt').toString('utf8');
const manifest = JSON.parse(corpus('manifest.json').toString('utf8')) as {
	id: string;
	expected_fields?: { siret?: string; numero_devis?: string };
}[];
const Q25_EXPECTED = manifest.find((e) => e.id === 'Q25')!.expected_fields!;
/** Q25 without its SIRET line: the rules must flag it. */
const Q25_NO_SIRET = Q25.split('\n')
	.filter((line) => !/SIRET/i.test(line))
	.join('\n');

interface Pending {
	name: string;
	release: () => void;
}

/**
 * The reader port, in process: the real `readQuote` (text inputs need no pdf.js or OCR), started
 * at once or when the test releases it (`manual`), reporting progress and honouring cancellation.
 */
function inProcessReader(manual = false) {
	const calls: string[] = [];
	const pending: Pending[] = [];
	const reader: QuoteReader = {
		async read(input, options) {
			calls.push(input.name);
			const bytes = new Uint8Array(await input.file.arrayBuffer());
			options.onState?.('running');
			options.onProgress?.({ stage: 'open', page: 0, pageCount: 0 });
			if (manual) {
				await new Promise<void>((release, reject) => {
					pending.push({ name: input.name, release });
					options.signal?.addEventListener('abort', () => reject(cancelledError()), { once: true });
				});
			}
			return readQuote({ bytes, name: input.name, mime: input.file.type }, {} as ReaderPorts, {
				signal: options.signal
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
			},
			readMarks: async () => ({}),
			setMark: async () => {}
		}
	};
}

function setup(options: { manual?: boolean; indexedDB?: IDBFactory; maxBytes?: number } = {}) {
	const indexedDB = options.indexedDB ?? new IDBFactory();
	const reading = inProcessReader(options.manual);
	const grist = fakeGrist();
	const errors: string[] = [];
	let id = 0;
	const runner = new QuoteRunner({
		openStore: (docName) => openQuoteStore(docName, { indexedDB, IDBKeyRange }),
		reader: () => reading.reader,
		rules: engineRules(),
		grist: () => grist.output,
		onError: (error) => {
			errors.push(String(error));
			return { code: 'x', message: String(error), retryable: false };
		},
		now: () => Date.UTC(2025, 10, 22, 13, 5),
		newId: () => `id-${++id}`,
		maxBytes: options.maxBytes
	});
	return { runner, indexedDB, reading, grist, errors };
}

const text = (name: string, content: string) => new File([content], name, { type: 'text/plain' });
const q25 = (name = 'Q25.txt') => text(name, Q25);
const bad = (name: string) => new File([corpus(name)], name, { type: 'application/pdf' });

describe('quote runner', () => {
	it('names a dossier after its drop date, in Paris time', () => {
		expect(defaultDossierName(Date.UTC(2025, 10, 22, 13, 5))).toBe('Dossier du 22/11/2025 à 14:05');
	});

	it('reads a drop as one dossier, checks each quote and the dossier, and writes it to Grist', async () => {
		const { runner, grist, errors } = setup();
		await runner.open('Doc');
		const dossierId = (await runner.addFiles([q25(), text('Q25-sans-siret.txt', Q25_NO_SIRET)]))!;
		await runner.idle();

		expect(runner.dossiers.map((d) => d.name)).toStrictEqual(['Dossier du 22/11/2025 à 14:05']);
		const files = runner.filesOf(dossierId);
		expect(files.map((f) => [f.name, f.status])).toStrictEqual([
			['Q25.txt', 'verifie'],
			['Q25-sans-siret.txt', 'verifie']
		]);
		const [good, noSiret] = files.map((f) => runner.resultOf(f.id)!);
		expect(good!.status).toBe('valide');
		expect(good!.fields?.siret?.value).toBe(Q25_EXPECTED.siret);
		expect(good!.fields?.numero_devis?.value).toBe(Q25_EXPECTED.numero_devis);
		expect(good!.pointsChecked).toBeGreaterThan(10);
		expect(noSiret!.status).toBe('invalide');
		expect(noSiret!.errors.map((e) => e.code)).toContain('siret_manquant');
		expect(runner.dossierResultOf(dossierId)?.members).toStrictEqual(['Q25.txt', 'Q25-sans-siret.txt']);
		expect(runner.progress).toStrictEqual({});

		const last = grist.writes.at(-1)!;
		expect(last.dossier).toBe('Dossier du 22/11/2025 à 14:05');
		expect(last.quotes.map((q) => [q.name, q.result.status])).toStrictEqual([
			['Q25.txt', 'valide'],
			['Q25-sans-siret.txt', 'invalide']
		]);
		expect(last.dossierResult).toStrictEqual(runner.dossierResultOf(dossierId));
		expect(runner.gristWrites[dossierId]).toStrictEqual({
			kind: 'done',
			at: Date.UTC(2025, 10, 22, 13, 5),
			summary: { quotes: 2, errors: noSiret!.errors.length }
		});
		expect(errors).toStrictEqual([]);
	});

	it(`refuses a drop of more than ${MAX_FILES_PER_DOSSIER} files as a whole, in French`, async () => {
		const { runner, reading } = setup();
		await runner.open('Doc');
		const files = Array.from({ length: 21 }, (_, i) => q25(`devis-${i + 1}.txt`));
		expect(await runner.addFiles(files)).toBeNull();
		expect(runner.notice).toStrictEqual({
			level: 'error',
			message:
				'Un dossier compte au plus 20 devis : vous avez déposé 21 fichiers. Déposez-les en plusieurs fois (un dépôt = un dossier).'
		});
		expect(runner.dossiers).toStrictEqual([]);
		expect(reading.calls).toStrictEqual([]);
	});

	it('lists a file over the size limit with its French reason and never reads or stores it', async () => {
		const { runner, reading, indexedDB } = setup({ maxBytes: 3000 });
		await runner.open('Doc');
		await runner.addFiles([text('scan-600dpi.pdf', 'x'.repeat(3001)), q25()]);
		await runner.idle();

		expect(reading.calls).toStrictEqual(['Q25.txt']);
		const big = runner.files.find((f) => f.name === 'scan-600dpi.pdf')!;
		expect(big.status).toBe('erreur');
		expect(big.error?.code).toBe('x_fichier_trop_volumineux');
		expect(big.error?.message).toMatch(/^Le fichier « scan-600dpi\.pdf » pèse .* la limite est de /);
		expect(runner.resultOf(big.id)?.status).toBe('illisible');
		expect(runner.resultOf(big.id)?.errors.map((e) => e.code)).toStrictEqual(['x_fichier_trop_volumineux']);
		const store = openQuoteStore('Doc', { indexedDB, IDBKeyRange });
		expect(await store.getBlob(big.id)).toBeNull();
		store.close();
	});

	it('gives each bad input its French reason and keeps the other results', async () => {
		const { runner } = setup();
		await runner.open('Doc');
		await runner.addFiles([q25(), bad('B04.pdf'), bad('B05.pdf')]);
		await runner.idle();
		expect(runner.files.map((f) => [f.name, f.status, f.error?.code ?? null])).toStrictEqual([
			['Q25.txt', 'verifie', null],
			['B04.pdf', 'erreur', 'empty_file_error'],
			['B05.pdf', 'erreur', 'unsupported_file_format']
		]);
		expect(runner.files[1]!.error?.message).toBe(
			'Le fichier « B04.pdf » est vide (0 octet). Déposez à nouveau le devis.'
		);
		expect(runner.files[2]!.error?.message).toMatch(
			/^Format non pris en charge : « B05\.pdf » est une archive ZIP/
		);
		expect(runner.files.map((f) => runner.resultOf(f.id)?.status)).toStrictEqual([
			'valide',
			'illisible',
			'illisible'
		]);
	});

	it('shows progress while reading and cancels one file or all of them', async () => {
		const { runner, reading } = setup({ manual: true });
		await runner.open('Doc');
		await runner.addFiles([q25('a.txt'), q25('b.txt'), q25('c.txt')]);
		await until(() => reading.pending.length === 3);
		await until(() => runner.files.every((f) => f.status === 'lecture'));
		expect(Object.values(runner.progress)).toStrictEqual([
			{ stage: 'open', page: 0, pageCount: 0 },
			{ stage: 'open', page: 0, pageCount: 0 },
			{ stage: 'open', page: 0, pageCount: 0 }
		]);
		expect(runner.activeCount).toBe(3);

		const [a] = runner.files;
		runner.cancel(a!.id);
		await until(() => a!.status === 'annule');
		reading.pending.find((p) => p.name === 'b.txt')!.release();
		await until(() => runner.files[1]!.status === 'verifie');
		runner.cancelAll();
		await runner.idle();
		expect(runner.files.map((f) => f.status)).toStrictEqual(['annule', 'verifie', 'annule']);
		expect(runner.activeCount).toBe(0);
		expect(runner.progress).toStrictEqual({});

		// Cancelled files are read again on demand, from their stored bytes.
		runner.rereadPending(runner.dossiers[0]!.id);
		await until(() => reading.pending.length === 5);
		for (const p of reading.pending.slice(3)) p.release();
		await runner.idle();
		expect(runner.files.map((f) => f.status)).toStrictEqual(['verifie', 'verifie', 'verifie']);
	});

	it('restores everything after a reload; readings cut short come back as "à relire"', async () => {
		const first = setup({ manual: true });
		await first.runner.open('Doc');
		await first.runner.addFiles([q25(), text('Q25-sans-siret.txt', Q25_NO_SIRET)]);
		await until(() => first.reading.pending.length === 2);
		first.reading.pending[0]!.release();
		await until(() => first.runner.files[0]!.status === 'verifie');
		// The page closes while the second file is being read: a new runner opens the same document.

		const second = setup({ indexedDB: first.indexedDB });
		await second.runner.open('Doc');
		expect(second.runner.files.map((f) => [f.name, f.status])).toStrictEqual([
			['Q25.txt', 'verifie'],
			['Q25-sans-siret.txt', 'a_relire']
		]);
		expect(second.runner.resultOf(second.runner.files[0]!.id)).toStrictEqual(
			first.runner.resultOf(first.runner.files[0]!.id)
		);
		expect(second.runner.notice?.message).toBe(
			'1 lecture a été interrompue par la fermeture de la page : cliquez sur « Relire » pour la reprendre.'
		);
		expect(second.runner.dossiers.map((d) => d.name)).toStrictEqual(['Dossier du 22/11/2025 à 14:05']);

		second.runner.reread(second.runner.files[1]!.id);
		await second.runner.idle();
		expect(second.runner.files[1]!.status).toBe('verifie');
		expect(second.runner.resultOf(second.runner.files[1]!.id)?.status).toBe('invalide');
		expect(second.reading.calls).toStrictEqual(['Q25-sans-siret.txt']);
		first.runner.close();
	});

	it('re-checks a dossier from what was read, without reading again, and writes it to Grist', async () => {
		const { runner, reading, grist } = setup();
		await runner.open('Doc');
		const id = (await runner.addFiles([text('Q25-sans-siret.txt', Q25_NO_SIRET), bad('B04.pdf')]))!;
		await runner.idle();
		const before = runner.files.map((f) => runner.resultOf(f.id));
		const writes = grist.writes.length;
		await runner.recheck(id);
		expect(reading.calls).toStrictEqual(['Q25-sans-siret.txt', 'B04.pdf']);
		expect(runner.files.map((f) => runner.resultOf(f.id))).toStrictEqual(before);
		expect(grist.writes.length).toBe(writes + 1);
		expect(grist.writes.at(-1)!.quotes.map((q) => q.result.status)).toStrictEqual(['invalide', 'illisible']);
	});

	it('renames a dossier, keeps the name after a reload, and sends it to Grist', async () => {
		const { runner, grist, indexedDB } = setup();
		await runner.open('Doc');
		const id = (await runner.addFiles([q25()]))!;
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
		await runner.addFiles([q25('a.txt'), q25('b.txt')]);
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
		await runner.addFiles([q25()]);
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
		await runner.addFiles([q25()]);
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
