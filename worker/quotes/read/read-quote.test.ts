import { describe, expect, it } from 'vitest';
import { readQuote } from './read-quote.ts';
import { rotateGray, textDirection, uprightScore } from './gray-image.ts';
import type { GrayImage, OcrOutput, ReadProgress, ReaderPorts } from './read-types.ts';
import { PasserelleError } from '#widget/errors.ts';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

/** Two lines of "text" drawn as boxes with ascenders (see gray-image.test.ts). */
function fakeScan(): GrayImage {
	const width = 600;
	const height = 800;
	const data = new Uint8Array(width * height).fill(255);
	for (let top = 60; top < 700; top += 24)
		for (let x = 50; x < 490; x += 72)
			for (let letter = 0; letter < 10; letter++) {
				const lx = x + letter * 6;
				for (let y = top + 6; y < top + 14; y++)
					for (let dx = 0; dx < 4; dx++) data[y * width + lx + dx] = 20;
				if (letter % 3 === 0)
					for (let y = top; y < top + 6; y++) for (let dx = 0; dx < 2; dx++) data[y * width + lx + dx] = 20;
			}
	return { width, height, data };
}

const WORDS: OcrOutput = {
	text: 'DEVIS N° MV-25-101\nSIRET : 900 100 207 00019\n',
	confidence: 88,
	lines: [
		{
			confidence: 90,
			words: [
				{ text: 'DEVIS', confidence: 95, x0: 400, y0: 50, x1: 460, y1: 70 },
				{ text: 'N°', confidence: 90, x0: 470, y0: 50, x1: 490, y1: 70 },
				{ text: 'MV-25-101', confidence: 90, x0: 495, y0: 50, x1: 590, y1: 70 }
			]
		},
		{
			confidence: 85,
			words: [
				{ text: 'SIRET', confidence: 90, x0: 50, y0: 100, x1: 100, y1: 120 },
				{ text: ':', confidence: 90, x0: 104, y0: 100, x1: 108, y1: 120 },
				{ text: '900 100 207 00019', confidence: 80, x0: 114, y0: 100, x1: 260, y1: 120 }
			]
		}
	]
};

const JUNK: OcrOutput = { text: 'ıı ıı ıı ıı ıı ıı ıı ıı ıı ıı ıı ıı', confidence: 30, lines: [] };
const NOTHING: OcrOutput = { text: '', confidence: 90, lines: [] };

/**
 * Ports with no pdf.js behind them. The OCR reads junk unless the text is upright; a page is read
 * as a head band then the rest: the head gives `head`, the rest gives nothing.
 */
function ports(image: GrayImage, seen: GrayImage[] = [], head: OcrOutput = WORDS): ReaderPorts {
	return {
		pdfjs: {
			getDocument: () => ({
				promise: Promise.reject(Object.assign(new Error('No password given'), { name: 'PasswordException' })),
				destroy: async () => undefined
			}),
			OPS: {}
		},
		decodeImage: async () => image,
		ocr: {
			concurrency: 1,
			async recognize(img) {
				seen.push(img);
				const upright = textDirection(img).direction === 'horizontal' && uprightScore(img) > 1;
				if (!upright) return JUNK;
				return img.height < 300 ? head : NOTHING;
			}
		}
	};
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('readQuote: plain text (corpus Q25)', () => {
	it('reads a .txt quote as one text page per form feed', async () => {
		const progress: ReadProgress[] = [];
		const result = await readQuote(
			{
				bytes: text(
					'VMC double flux\nSIRET : 93304180800017\fConditions générales de vente\nArticle 1 – Objet'
				),
				name: 'devis.txt'
			},
			ports(fakeScan()),
			{ onProgress: (p) => progress.push(p) }
		);
		expect(result).toStrictEqual({
			format: 'text',
			pageCount: 2,
			ocrPages: 0,
			warnings: [],
			pages: [
				{
					number: 1,
					source: 'text',
					text: 'VMC double flux\nSIRET : 93304180800017',
					lines: [
						{ text: 'VMC double flux', page: 1, line: 1, x: 0, y: 0, width: 15, height: 1 },
						{ text: 'SIRET : 93304180800017', page: 1, line: 2, x: 0, y: 1, width: 22, height: 1 }
					],
					rotation: 0,
					cgv: false
				},
				{
					number: 2,
					source: 'text',
					text: 'Conditions générales de vente\nArticle 1 – Objet',
					lines: [
						{ text: 'Conditions générales de vente', page: 2, line: 1, x: 0, y: 0, width: 29, height: 1 },
						{ text: 'Article 1 – Objet', page: 2, line: 2, x: 0, y: 1, width: 17, height: 1 }
					],
					rotation: 0,
					cgv: true
				}
			]
		});
		expect(progress.map((p) => p.stage)).toStrictEqual(['open', 'done']);
	});
});

describe('readQuote: bad inputs', () => {
	const code = async (promise: Promise<unknown>): Promise<string> => {
		const error = await promise.then(
			() => null,
			(e: unknown) => e
		);
		expect(error).toBeInstanceOf(PasserelleError);
		return (error as PasserelleError).code;
	};

	it('refuses a file over the limit before looking at it', async () => {
		const progress: ReadProgress[] = [];
		const error = await readQuote({ bytes: new Uint8Array(2048), name: 'gros.pdf' }, ports(fakeScan()), {
			maxBytes: 1024,
			onProgress: (p) => progress.push(p)
		}).catch((e: unknown) => e as PasserelleError);
		expect(error).toMatchObject({ code: 'x_fichier_trop_volumineux', retryable: false });
		expect((error as PasserelleError).userMessage).toContain('la limite est de');
		expect(progress).toStrictEqual([]);
	});

	it('gives each bad input its MDSO code', async () => {
		const p = ports(fakeScan());
		expect(await code(readQuote({ bytes: new Uint8Array(0), name: 'devis.pdf' }, p))).toBe(
			'empty_file_error'
		);
		expect(await code(readQuote({ bytes: text('PK\u0003\u0004docx'), name: 'devis.pdf' }, p))).toBe(
			'unsupported_file_format'
		);
		expect(await code(readQuote({ bytes: text(' \n\t\n'), name: 'devis.txt' }, p))).toBe('empty_file_error');
		expect(
			await code(readQuote({ bytes: text('a'), name: 'x.txt' }, p, { signal: AbortSignal.abort() }))
		).toBe('cancelled');
	});

	it('explains a password-protected PDF with a dedicated message', async () => {
		const error = (await readQuote(
			{ bytes: text('%PDF-1.7 chiffré'), name: 'devis.pdf' },
			ports(fakeScan())
		).catch((e: unknown) => e)) as PasserelleError;
		expect(error.code).toBe('file_reading_error');
		expect(error.details).toMatchObject({ reason: 'password', extraCodes: ['x_fichier_chiffre'] });
		expect(error.userMessage).toContain('mot de passe');
	});

	it('reports a blank image as an empty file without running the OCR', async () => {
		const seen: GrayImage[] = [];
		const blank = { width: 100, height: 140, data: new Uint8Array(14000).fill(250) };
		expect(await code(readQuote({ bytes: PNG, name: 'photo.png' }, ports(blank, seen)))).toBe(
			'empty_file_error'
		);
		expect(seen).toStrictEqual([]);
	});
});

describe('readQuote: images', () => {
	it('routes a PNG named .pdf to OCR and says so (corpus B06)', async () => {
		const result = await readQuote(
			{ bytes: PNG, name: 'devis.pdf', mime: 'application/pdf' },
			ports(fakeScan())
		);
		expect(result.format).toBe('image');
		expect(result.ocrPages).toBe(1);
		expect(result.warnings.map((w) => w.code)).toStrictEqual(['x_type_reel_different']);
		expect(result.pages[0]).toMatchObject({ source: 'ocr', rotation: 0, ocrConfidence: 88, cgv: false });
		expect(result.pages[0]?.lines.map((l) => l.text)).toStrictEqual([
			'DEVIS N° MV-25-101',
			'SIRET : 900 100 207 00019'
		]);
	});

	it('turns a quarter-turned photo upright, reading it once (head band, then the rest)', async () => {
		const seen: GrayImage[] = [];
		const result = await readQuote(
			{ bytes: PNG, name: 'photo.png' },
			ports(rotateGray(fakeScan(), 90), seen)
		);
		expect(result.pages[0]?.rotation).toBe(270);
		expect(seen.map((img) => img.width)).toStrictEqual([600, 600]);
		expect(seen.reduce((h, img) => h + img.height, 0)).toBe(800);
	});

	it('turns an upside-down photo upright', async () => {
		const seen: GrayImage[] = [];
		const result = await readQuote(
			{ bytes: PNG, name: 'photo.png' },
			ports(rotateGray(fakeScan(), 180), seen)
		);
		expect(result.pages[0]?.rotation).toBe(180);
		expect(seen).toHaveLength(2);
	});

	it('stops after the head band of a page that opens general terms of sale', async () => {
		const seen: GrayImage[] = [];
		const terms: OcrOutput = {
			text: 'Conditions générales de vente\nArticle 1 – Objet\n',
			confidence: 93,
			lines: [
				{
					confidence: 93,
					words: [{ text: 'Conditions générales de vente', confidence: 93, x0: 50, y0: 40, x1: 400, y1: 60 }]
				},
				{
					confidence: 93,
					words: [{ text: 'Article 1 – Objet', confidence: 93, x0: 50, y0: 70, x1: 200, y1: 90 }]
				}
			]
		};
		const result = await readQuote({ bytes: PNG, name: 'cgv.png' }, ports(fakeScan(), seen, terms));
		expect(result.pages[0]).toMatchObject({ source: 'ocr', cgv: true, ocrPartial: true });
		expect(result.pages[0]?.text).toBe('Conditions générales de vente\nArticle 1 – Objet');
		expect(seen).toHaveLength(1);
	});
});
