/**
 * Browser shell of the quote reader: a module Web Worker exposing `ReaderService` with comlink.
 * Every asset comes from our origin under `/vendor/` (see `READER_ASSETS`): pdf.js's own worker,
 * fonts, cmaps and wasm; tesseract's worker script, core and `fra` data. Pages are drawn on an
 * OffscreenCanvas and images decoded with `createImageBitmap`.
 */
import { expose } from 'comlink';
import type { PDFPageProxy } from 'pdfjs-dist';
import {
	createReaderService,
	createTesseractOcr,
	toGray,
	type GrayImage,
	type PdfjsModule,
	type ReaderPorts,
	type TesseractWorkerLike
} from './read/index.ts';
import { READER_ASSETS } from './read/reader-assets.ts';
import type { ReaderService } from './read/reader-service.ts';

/** pdf.js's canvas factory for a worker: OffscreenCanvas instead of `document.createElement`. */
class OffscreenCanvasFactory {
	create(
		width: number,
		height: number
	): { canvas: OffscreenCanvas; context: OffscreenCanvasRenderingContext2D } {
		if (width <= 0 || height <= 0) throw new Error('Invalid canvas size');
		const canvas = new OffscreenCanvas(width, height);
		const context = canvas.getContext('2d', { willReadFrequently: true });
		if (!context) throw new Error('OffscreenCanvas 2D indisponible');
		return { canvas, context };
	}
	reset(target: { canvas: OffscreenCanvas }, width: number, height: number): void {
		target.canvas.width = width;
		target.canvas.height = height;
	}
	destroy(target: { canvas: OffscreenCanvas | null; context: unknown }): void {
		if (target.canvas) target.canvas.width = target.canvas.height = 0;
		target.canvas = null;
		target.context = null;
	}
	getNoAlphaContext(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D | null {
		return canvas.getContext('2d', { alpha: false, willReadFrequently: true });
	}
}

const context2d = (canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D => {
	const context = canvas.getContext('2d', { willReadFrequently: true });
	if (!context) throw new Error('OffscreenCanvas 2D indisponible');
	return context;
};

async function renderPage(page: PDFPageProxy, scale: number): Promise<GrayImage> {
	const viewport = page.getViewport({ scale });
	const width = Math.ceil(viewport.width);
	const height = Math.ceil(viewport.height);
	const canvas = new OffscreenCanvas(width, height);
	const context = context2d(canvas);
	context.fillStyle = '#ffffff';
	context.fillRect(0, 0, width, height);
	await page.render({
		canvas: canvas as unknown as HTMLCanvasElement,
		canvasContext: context as unknown as CanvasRenderingContext2D,
		viewport
	}).promise;
	const gray = toGray(context.getImageData(0, 0, width, height).data, width, height, 3);
	canvas.width = canvas.height = 0;
	return gray;
}

async function decodeImage(bytes: Uint8Array, mime: string): Promise<GrayImage> {
	// createImageBitmap applies the EXIF orientation of phone photos.
	const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
	const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
	const context = context2d(canvas);
	context.fillStyle = '#ffffff';
	context.fillRect(0, 0, bitmap.width, bitmap.height);
	context.drawImage(bitmap, 0, 0);
	bitmap.close();
	const gray = toGray(
		context.getImageData(0, 0, canvas.width, canvas.height).data,
		canvas.width,
		canvas.height,
		3
	);
	canvas.width = canvas.height = 0;
	return gray;
}

/** Builds the browser ports; `base` is the absolute URL of the asset folder. */
async function browserPorts(base: string): Promise<ReaderPorts & { close: () => Promise<void> }> {
	const url = (path: string): string => new URL(path, base).href;
	const pdfjs = await import('pdfjs-dist');
	pdfjs.GlobalWorkerOptions.workerSrc = url(READER_ASSETS.pdfWorker);
	const tesseract = await import('tesseract.js');
	const { createWorker, OEM } = tesseract.default ?? tesseract;
	const ocr = createTesseractOcr({
		size: 1,
		createWorker: async () =>
			(await createWorker('fra', OEM.LSTM_ONLY, {
				workerPath: url(READER_ASSETS.tesseractWorker),
				corePath: url(READER_ASSETS.tesseractCore),
				langPath: url(READER_ASSETS.fraLang).replace(/\/$/, ''),
				gzip: true,
				cacheMethod: 'none',
				workerBlobURL: false
			})) as unknown as TesseractWorkerLike
	});
	return {
		pdfjs: pdfjs as unknown as PdfjsModule,
		documentParams: {
			// In a worker pdf.js must fetch fonts and cmaps itself, or it reaches for `document`.
			useWorkerFetch: true,
			standardFontDataUrl: url(READER_ASSETS.standardFonts),
			cMapUrl: url(READER_ASSETS.cmaps),
			cMapPacked: true,
			wasmUrl: url(READER_ASSETS.wasm),
			iccUrl: url(READER_ASSETS.iccs),
			// Glyphs drawn as paths: FontFace needs a document.
			disableFontFace: true,
			isOffscreenCanvasSupported: true,
			CanvasFactory: OffscreenCanvasFactory
		},
		renderPage,
		decodeImage,
		ocr,
		close: () => ocr.terminate()
	};
}

/** What the worker exposes: the reader service, and where our assets are served. */
export interface ReaderWorkerApi extends ReaderService {
	/** Sets the asset base URL path (default `/vendor/`); call before the first read. */
	configure(assetBase: string): void;
}

let assetBase = new URL('/vendor/', self.location.origin).href;
const service = createReaderService(() => browserPorts(assetBase));
const api: ReaderWorkerApi = {
	read: (job, onProgress) => service.read(job, onProgress),
	cancel: (id) => service.cancel(id),
	close: () => service.close(),
	configure(base) {
		assetBase = new URL(base.endsWith('/') ? base : `${base}/`, self.location.origin).href;
	}
};
expose(api);
