import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts, degrees, rgb } from 'pdf-lib';
import { PasserelleError } from '#widget/errors.ts';
import {
	readQuote,
	type GrayImage,
	type OcrPort,
	type ReadProgress,
	type ReadResult
} from '#worker/quotes/read/index.ts';
import { closeNodeReader, nodeReaderPorts, readQuoteBytes, readQuoteFile } from './read-node.ts';

/** The shared corpus, beside the repository (never copied into it). */
const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'quotes');

interface Entry {
	id: string;
	file: string | null;
	kind: string;
	format: string;
	pages: number | null;
	expected_fields?: { siret?: string; numero_devis?: string | null };
}

const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as Entry[];
const entry = (id: string): Entry => {
	const found = manifest.find((e) => e.id === id);
	if (!found) throw new Error(`${id} absent du manifeste`);
	return found;
};
const path = (id: string): string => join(CORPUS, entry(id).file ?? '');
const bytesOf = (id: string): Uint8Array => new Uint8Array(readFileSync(path(id)));

const allText = (r: ReadResult): string => r.pages.map((p) => p.text).join('\n');
/** Digits only, so "912 345 600 00015" matches the manifest's "91234560000015". */
const digits = (s: string): string => s.replace(/\D/g, '');

/** Checks the fields a reader must deliver: SIRET and quote number somewhere in the text. */
function expectKnownFields(result: ReadResult, id: string): void {
	const fields = entry(id).expected_fields ?? {};
	if (fields.siret) expect(digits(allText(result))).toContain(fields.siret);
	if (fields.numero_devis) expect(allText(result).replace(/\s/g, '')).toContain(fields.numero_devis);
}

/** An OCR port that reads nothing real: it records which images reach it. */
function stubOcr(): OcrPort & { images: GrayImage[] } {
	const images: GrayImage[] = [];
	return {
		images,
		concurrency: 1,
		async recognize(image) {
			images.push(image);
			return {
				text: 'Texte reconnu',
				confidence: 90,
				lines: [
					{
						confidence: 90,
						words: [{ text: 'Texte reconnu', confidence: 90, x0: 10, y0: 10, x1: 200, y1: 40 }]
					}
				]
			};
		}
	};
}

async function readWithStub(
	id: string,
	bytes = bytesOf(id)
): Promise<{ result: ReadResult; ocr: ReturnType<typeof stubOcr> }> {
	const ocr = stubOcr();
	const ports = { ...(await nodeReaderPorts()), ocr };
	return { result: await readQuote({ bytes, name: entry(id).file ?? `${id}.pdf` }, ports), ocr };
}

async function errorOf(promise: Promise<unknown>): Promise<PasserelleError> {
	const error = await promise.then(
		() => null,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(PasserelleError);
	return error as PasserelleError;
}

afterAll(closeNodeReader);

describe('text PDFs of the corpus', () => {
	const textQuotes = manifest.filter((e) => e.kind === 'quote' && e.format === 'pdf_text');

	it.each(textQuotes.map((e) => e.id))(
		'%s: pages, no OCR, SIRET and number found, CGV flagged',
		async (id) => {
			const result = await readQuoteFile(path(id));
			expect(result.format).toBe('pdf');
			expect(result.pageCount).toBe(entry(id).pages);
			expect(result.pages).toHaveLength(result.pageCount);
			expect(result.ocrPages).toBe(0);
			expect(result.warnings).toStrictEqual([]);
			expectKnownFields(result, id);
			for (const page of result.pages) {
				expect(page.source).toBe('text');
				expect(page.lines.map((l) => l.line)).toStrictEqual(page.lines.map((_, i) => i + 1));
				expect(page.lines.every((l) => l.page === page.number)).toBe(true);
				expect(page.text).toBe(page.lines.map((l) => l.text).join('\n'));
				const looksLikeTerms = /^(Conditions générales|Article \d+)/.test(page.text);
				expect(page.cgv, `${id} page ${page.number}`).toBe(looksLikeTerms);
			}
			expect(result.pages[0]?.cgv).toBe(false);
		}
	);

	it('keeps reading order and line geometry (Q01 header)', async () => {
		const progress: ReadProgress[] = [];
		const result = await readQuoteFile(path('Q01'), { onProgress: (p) => progress.push(p) });
		const [first, second, third] = result.pages[0]?.lines ?? [];
		expect(first).toMatchObject({ text: 'Thermi-Rénov Atlantique  DEVIS', page: 1, line: 1 });
		expect(second?.text).toBe('12 rue des Tanneurs');
		expect(third?.text).toBe('44000 Nantes  N° DV-2025-0412');
		expect((second?.y ?? 0) > (first?.y ?? 0) && (third?.y ?? 0) > (second?.y ?? 0)).toBe(true);
		expect(first?.x).toBeGreaterThan(0);
		expect(first?.width).toBeGreaterThan(200);
		expect(progress.map((p) => `${p.stage}:${p.page}`)).toStrictEqual([
			'open:0',
			'text:1',
			'text:2',
			'done:2'
		]);
	});

	it('reads a .txt quote as text (Q25)', async () => {
		const result = await readQuoteFile(path('Q25'));
		expect(result).toMatchObject({ format: 'text', pageCount: 1, ocrPages: 0, warnings: [] });
		expectKnownFields(result, 'Q25');
	});
});

describe('OCR decision per page (OCR stubbed)', () => {
	it.each([
		['Q17', 2, [1, 2]],
		['Q18', 2, [1, 2]],
		['Q20', 3, [2, 3]],
		['Q24', 1, [1]]
	] as const)('%s: %i pages, OCR on pages %j only', async (id, pageCount, ocrPages) => {
		const { result, ocr } = await readWithStub(id);
		expect(result.pageCount).toBe(pageCount);
		expect(result.pages.filter((p) => p.source === 'ocr').map((p) => p.number)).toStrictEqual(ocrPages);
		// Each page goes to the OCR as a head band then the rest, at the scan's own resolution.
		expect(ocr.images).toHaveLength(2 * ocrPages.length);
		expect(ocr.images.every((img) => img.width >= 1200)).toBe(true);
	});

	it('leaves scans unread without calling them blank when OCR is switched off (maxOcrPages: 0)', async () => {
		const ocr = stubOcr();
		const ports = { ...(await nodeReaderPorts()), ocr };
		const result = await readQuote({ bytes: bytesOf('Q17'), name: 'Q17.pdf' }, ports, { maxOcrPages: 0 });
		expect(result.pages.map((p) => p.source)).toStrictEqual(['empty', 'empty']);
		expect(result.warnings).toMatchObject([{ code: 'x_pages_tronquees', pages: [1, 2] }]);
		expect(ocr.images).toHaveLength(0);
	});

	it('draws a page it cannot extract (a scan shown with /Rotate 90) and turns it upright', async () => {
		const source = await PDFDocument.load(bytesOf('Q17'));
		const doc = await PDFDocument.create();
		const [page] = await doc.copyPages(source, [0]);
		if (!page) throw new Error('page manquante');
		page.setRotation(degrees(90));
		doc.addPage(page);
		const ocr = stubOcr();
		const ports = { ...(await nodeReaderPorts()), ocr };
		const result = await readQuote({ bytes: await doc.save(), name: 'tourné.pdf' }, ports);
		expect(result.pages[0]).toMatchObject({ source: 'ocr', rotation: 270, ocrDpi: 300 });
		// Rendered at 300 dpi (landscape as displayed), then turned upright: A4 portrait pixels.
		expect(ocr.images.map((img) => img.width)).toStrictEqual([2482, 2482]);
	});

	it('reads the page of the hybrid PDF that has text from its text layer (Q20)', async () => {
		const { result } = await readWithStub('Q20');
		expect(result.pages[0]?.source).toBe('text');
		expect(digits(result.pages[0]?.text ?? '')).toContain('90010020700019');
	});

	it('drops a junk text layer and says so (Q24)', async () => {
		const { result } = await readWithStub('Q24');
		expect(result.pages[0]).toMatchObject({ source: 'ocr', warningCode: 'x_couche_texte_inexploitable' });
		expect(result.warnings.map((w) => w.code)).toStrictEqual(['x_couche_texte_inexploitable']);
	});

	it('routes a PNG to OCR (Q19) and a PNG renamed .pdf too, with a warning (B06)', async () => {
		const q19 = await readWithStub('Q19');
		expect(q19.result).toMatchObject({ format: 'image', pageCount: 1, ocrPages: 1, warnings: [] });
		expect(q19.ocr.images.map((img) => img.width)).toStrictEqual([1512, 1512]);
		expect(q19.ocr.images.reduce((h, img) => h + img.height, 0)).toBe(2016);
		const b06 = await readWithStub('B06');
		expect(b06.result).toMatchObject({ format: 'image', ocrPages: 1 });
		expect(b06.result.warnings.map((w) => w.code)).toStrictEqual(['x_type_reel_different']);
	});
});

describe('real OCR with tesseract fra (a few pages only)', () => {
	it('reads a poor 150 dpi scan with a page turned 90° (Q18)', async () => {
		const result = await readQuoteFile(path('Q18'));
		expect(result.ocrPages).toBe(2);
		expect(result.pages.map((p) => [p.source, p.rotation, p.cgv, p.ocrPartial])).toStrictEqual([
			['ocr', 0, false, undefined],
			['ocr', 270, true, true]
		]);
		expect(result.pages[1]?.text).toMatch(/^Conditions générales de vente\nArticle 1/);
		expectKnownFields(result, 'Q18');
		expect(result.pages[1]?.ocrConfidence).toBeGreaterThan(80);
		expect(result.warnings.map((w) => w.code)).toStrictEqual(['x_ocr_confiance_faible']);
	});

	it('reads the page image behind a junk text layer (Q24)', async () => {
		const result = await readQuoteFile(path('Q24'));
		expect(result.pages[0]?.source).toBe('ocr');
		expectKnownFields(result, 'Q24');
		expect(allText(result)).toContain('Isoflox');
	});

	it('reads the scanned detail page of the hybrid PDF (Q20, OCR capped to 1 page)', async () => {
		const result = await readQuoteFile(path('Q20'), { maxOcrPages: 1 });
		expect(result.pages.map((p) => p.source)).toStrictEqual(['text', 'ocr', 'empty']);
		expect(result.pages[1]?.text).toContain('Volets roulants');
		expect(result.warnings.map((w) => w.code)).toContain('x_pages_tronquees');
	});

	it('reads a phone photo renamed .pdf (B06 = Q19)', async () => {
		const result = await readQuoteFile(path('B06'));
		expect(result.format).toBe('image');
		expectKnownFields(result, 'Q19');
	});

	it('stops an OCR when cancelled, promptly', async () => {
		const controller = new AbortController();
		let abortedAt = 0;
		// Abort once the OCR of page 1 has started (pdf.js decoding may hold the event loop first).
		const reading = readQuoteFile(path('Q17'), {
			signal: controller.signal,
			onProgress: (p) => {
				if (p.stage === 'text' && p.page === 2)
					setTimeout(() => {
						abortedAt = performance.now();
						controller.abort();
					}, 300);
			}
		});
		const error = await errorOf(reading);
		expect(error.code).toBe('cancelled');
		expect(performance.now() - abortedAt).toBeLessThan(2000);
	});
});

describe('bad inputs of the corpus', () => {
	it('B01: password to open → dedicated reading error', async () => {
		const error = await errorOf(readQuoteFile(path('B01')));
		expect(error.code).toBe('file_reading_error');
		expect(error.details).toMatchObject({ reason: 'password', extraCodes: ['x_fichier_chiffre'] });
		expect(error.userMessage).toContain('mot de passe');
	});

	it('B02: owner password only → read like Q05', async () => {
		const [b02, q05] = await Promise.all([readQuoteFile(path('B02')), readQuoteFile(path('Q05'))]);
		expect(b02.pages.map((p) => p.text)).toStrictEqual(q05.pages.map((p) => p.text));
		expectKnownFields(b02, 'Q05');
	});

	it('B03: truncated PDF → reading error', async () => {
		expect((await errorOf(readQuoteFile(path('B03')))).code).toBe('file_reading_error');
	});

	it('B04: 0 bytes → empty file', async () => {
		expect((await errorOf(readQuoteFile(path('B04')))).code).toBe('empty_file_error');
	});

	it('B05: DOCX named .pdf → unsupported format', async () => {
		const error = await errorOf(readQuoteFile(path('B05')));
		expect(error.code).toBe('unsupported_file_format');
		expect(error.details).toMatchObject({ detected: 'zip' });
	});

	it('B09: blank page → empty file, without OCR', async () => {
		const ocr = stubOcr();
		const ports = { ...(await nodeReaderPorts()), ocr };
		const error = await errorOf(readQuote({ bytes: bytesOf('B09'), name: 'B09.pdf' }, ports));
		expect(error.code).toBe('empty_file_error');
		expect(error.details).toMatchObject({ reason: 'blank' });
		expect(ocr.images).toHaveLength(0);
	});
});

describe('generated bad inputs', () => {
	it('B07: 300 pages (Q11 + 297 annexes) are all read from their text layer, fast', async () => {
		const q11 = await PDFDocument.load(bytesOf('Q11'));
		const doc = await PDFDocument.create();
		for (const page of await doc.copyPages(q11, [0, 1, 2])) doc.addPage(page);
		const font = await doc.embedFont(StandardFonts.Helvetica);
		for (let i = 0; i < 297; i++) {
			const page = doc.addPage([595.28, 841.89]);
			const kind = i % 3;
			const title =
				['Conditions générales de vente (suite)', `Fiche produit n° ${i}`, `Notice de pose ${i}`][kind] ?? '';
			page.drawText(title, { x: 50, y: 790, size: 14, font });
			for (let l = 0; l < 40; l++) {
				const line =
					kind === 0
						? `Article ${l + 1} – Le client dispose d'un délai de rétractation de quatorze jours.`
						: `Caractéristique ${l} : valeur nominale conforme à la norme, voir la notice du fabricant.`;
				page.drawText(line, { x: 50, y: 760 - l * 17, size: 10, font });
			}
			if (kind === 1)
				page.drawRectangle({ x: 380, y: 600, width: 150, height: 100, color: rgb(0.8, 0.8, 0.8) });
		}
		const bytes = await doc.save();
		const ocr = stubOcr();
		const ports = { ...(await nodeReaderPorts()), ocr };
		const started = performance.now();
		const result = await readQuote({ bytes, name: 'B07.pdf' }, ports);
		const elapsed = performance.now() - started;
		expect(result.pageCount).toBe(300);
		expect(result.pages).toHaveLength(300);
		expect(result.ocrPages).toBe(0);
		expect(ocr.images).toHaveLength(0);
		expect(result.pages.filter((p) => p.cgv).length).toBeGreaterThanOrEqual(99);
		expect(result.pages[0]?.cgv).toBe(false);
		expectKnownFields(result, 'Q11');
		// Manifest budget: text extraction under 20 s in a browser.
		expect(elapsed).toBeLessThan(20_000);
	}, 60_000);

	it('B07 with a page cap: the rest is reported, not read', async () => {
		const q11 = bytesOf('Q11');
		const result = await readQuoteBytes(q11, 'Q11.pdf', { maxPages: 2 });
		expect(result.pageCount).toBe(6);
		expect(result.pages).toHaveLength(2);
		expect(result.warnings).toStrictEqual([
			{ code: 'x_pages_tronquees', message: 'Seules les 2 premières pages sur 6 ont été lues.' }
		]);
	});

	it('B08: a 55 Mo file is refused from its size, before it is read', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'passerelle-b08-'));
		try {
			const file = join(dir, 'B08.pdf');
			const size = 57_671_680;
			const head = new TextEncoder().encode('%PDF-1.7\n');
			const big = new Uint8Array(size).fill(0x25); // '%' comment lines: still a valid-looking PDF
			big.set(head, 0);
			writeFileSync(file, big);
			let started = performance.now();
			const fromFile = await errorOf(readQuoteFile(file));
			expect(performance.now() - started).toBeLessThan(500);
			expect(fromFile.code).toBe('x_fichier_trop_volumineux');
			expect(fromFile.userMessage).toBe(
				'Le fichier « B08.pdf » pèse 55 Mo : la limite est de 50 Mo. Réduisez sa taille (compression, pages du devis seulement) puis déposez-le à nouveau.'
			);
			started = performance.now();
			const fromBytes = await errorOf(readQuoteBytes(big, 'B08.pdf'));
			expect(performance.now() - started).toBeLessThan(500);
			expect(fromBytes.details).toMatchObject({ size, limit: 50 * 1024 * 1024 });
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
