/**
 * Quote reading on the server: the same engine as the browser worker (`#worker/quotes/read`),
 * with Node ports. pdf.js is the legacy build with its fonts, cmaps and wasm read from
 * node_modules; tesseract.js runs `fra` in worker threads with every file local (no CDN);
 * `@napi-rs/canvas` (pdf.js's own optional dependency) draws pages and decodes images, and the
 * reader falls back to the scan embedded in the page when it cannot load.
 */
import { createRequire } from 'node:module';
import { stat, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { PDFPageProxy } from 'pdfjs-dist';
import type * as NapiCanvas from '@napi-rs/canvas';
import {
	MAX_QUOTE_BYTES,
	createTesseractOcr,
	readQuote,
	toGray,
	tooLargeError,
	type GrayImage,
	type OcrPort,
	type PdfjsModule,
	type ReadOptions,
	type ReadResult,
	type ReaderPorts,
	type TesseractOcr,
	type TesseractWorkerLike
} from '#worker/quotes/read/index.ts';

/** Options of a server-side reading. */
export interface NodeReadOptions extends ReadOptions {
	/** MIME type announced by the uploader (only used to warn when the real type differs). */
	mime?: string;
	/** Tesseract workers (threads) allowed for OCR; the shared pool only grows (default 1). */
	ocrWorkers?: number;
}

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

/** Local folders of the assets pdf.js and tesseract.js load, resolved from node_modules. */
export const NODE_ASSETS = {
	pdfjs: packageDir('pdfjs-dist'),
	fraLangDir: join(packageDir('@tesseract.js-data/fra'), '4.0.0_best_int')
};

let pdfjsModule: Promise<PdfjsModule> | null = null;
let ocr: TesseractOcr | null = null;
let canvasModule: Promise<typeof NapiCanvas | null> | null = null;

const loadPdfjs = (): Promise<PdfjsModule> =>
	(pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs') as unknown as Promise<PdfjsModule>);

const loadCanvas = (): Promise<typeof NapiCanvas | null> =>
	(canvasModule ??= import('@napi-rs/canvas').catch(() => null));

const dir = (path: string): string => path + '/';

async function createFraWorker(): Promise<TesseractWorkerLike> {
	const tesseract = await import('tesseract.js');
	const { createWorker, OEM } = tesseract.default ?? tesseract;
	return (await createWorker('fra', OEM.LSTM_ONLY, {
		langPath: NODE_ASSETS.fraLangDir,
		gzip: true,
		cacheMethod: 'none',
		// The worker script and tesseract.js-core are resolved from node_modules by tesseract.js.
		errorHandler: () => undefined
	})) as unknown as TesseractWorkerLike;
}

/** A tesseract OCR port of `size` worker threads with the local `fra` model; close it with `terminate`. */
export function createNodeOcr(size = 1): TesseractOcr {
	return createTesseractOcr({ createWorker: createFraWorker, size });
}

function sharedOcr(workers: number): TesseractOcr {
	ocr ??= createNodeOcr(workers);
	ocr.grow(workers);
	return ocr;
}

async function renderPage(page: PDFPageProxy, scale: number): Promise<GrayImage> {
	const canvasLib = await loadCanvas();
	if (!canvasLib) throw new Error('@napi-rs/canvas indisponible');
	const viewport = page.getViewport({ scale });
	const width = Math.ceil(viewport.width);
	const height = Math.ceil(viewport.height);
	const canvas = canvasLib.createCanvas(width, height);
	const context = canvas.getContext('2d');
	context.fillStyle = '#ffffff';
	context.fillRect(0, 0, width, height);
	await page.render({
		canvas: canvas as unknown as HTMLCanvasElement,
		canvasContext: context as unknown as CanvasRenderingContext2D,
		viewport
	}).promise;
	const pixels = context.getImageData(0, 0, width, height);
	return toGray(pixels.data, width, height, 3);
}

async function decodeImage(bytes: Uint8Array): Promise<GrayImage> {
	const canvasLib = await loadCanvas();
	if (!canvasLib) throw new Error('@napi-rs/canvas indisponible : image non décodable');
	const image = await canvasLib.loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
	const canvas = canvasLib.createCanvas(image.width, image.height);
	const context = canvas.getContext('2d');
	context.fillStyle = '#ffffff';
	context.fillRect(0, 0, image.width, image.height);
	context.drawImage(image, 0, 0);
	const pixels = context.getImageData(0, 0, image.width, image.height);
	return toGray(pixels.data, image.width, image.height, 3);
}

/** The Node ports: local pdf.js assets, @napi-rs/canvas drawing, the shared tesseract pool (or `ocr`). */
export async function nodeReaderPorts(
	options: { ocrWorkers?: number; ocr?: OcrPort } = {}
): Promise<ReaderPorts> {
	const pdfjs = await loadPdfjs();
	const canvasLib = await loadCanvas();
	return {
		pdfjs,
		documentParams: {
			standardFontDataUrl: dir(join(NODE_ASSETS.pdfjs, 'standard_fonts')),
			cMapUrl: dir(join(NODE_ASSETS.pdfjs, 'cmaps')),
			cMapPacked: true,
			wasmUrl: dir(join(NODE_ASSETS.pdfjs, 'wasm')),
			iccUrl: dir(join(NODE_ASSETS.pdfjs, 'iccs')),
			useSystemFonts: false,
			disableFontFace: true
		},
		renderPage: canvasLib ? renderPage : undefined,
		decodeImage,
		ocr: options.ocr ?? sharedOcr(Math.max(1, options.ocrWorkers ?? 1))
	};
}

/** Reads a quote from memory (an upload): size checked before parsing. */
export async function readQuoteBytes(
	bytes: Uint8Array,
	name: string,
	options: NodeReadOptions = {}
): Promise<ReadResult> {
	const limit = options.maxBytes ?? MAX_QUOTE_BYTES;
	if (bytes.byteLength > limit) throw tooLargeError(name, bytes.byteLength, limit);
	const ports = await nodeReaderPorts({ ocrWorkers: options.ocrWorkers });
	return readQuote({ bytes, name, mime: options.mime }, ports, options);
}

/** Reads a quote file; a file over the limit is refused from its size, before reading it. */
export async function readQuoteFile(path: string, options: NodeReadOptions = {}): Promise<ReadResult> {
	const name = basename(path);
	const limit = options.maxBytes ?? MAX_QUOTE_BYTES;
	const { size } = await stat(path);
	if (size > limit) throw tooLargeError(name, size, limit);
	return readQuoteBytes(new Uint8Array(await readFile(path)), name, options);
}

/** Terminates the tesseract workers (call at shutdown and after tests). */
export async function closeNodeReader(): Promise<void> {
	const current = ocr;
	ocr = null;
	await current?.terminate();
}
