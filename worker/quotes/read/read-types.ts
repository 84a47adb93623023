/**
 * The shapes of a read quote and the ports the reader needs. Coordinates are in PDF points
 * (1/72 inch) with the origin at the top left of the upright page, for text and OCR pages alike;
 * image inputs use the image's pixels and `.txt` inputs a character grid (x = column, y = line).
 */
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist';

/** One line of a page, in reading order. */
export interface TextLine {
	text: string;
	page: number;
	/** 1-based index of the line within its page. */
	line: number;
	x: number;
	y: number;
	width: number;
	height: number;
}

/** One page as read: its text, where it came from and whether it is general terms (CGV). */
export interface ReadPage {
	number: number;
	source: 'text' | 'ocr' | 'empty';
	text: string;
	lines: TextLine[];
	/** Clockwise rotation that turns the page as displayed (its /Rotate applied) upright. */
	rotation: 0 | 90 | 180 | 270;
	/** True when the page only holds general terms of sale: extraction skips it. */
	cgv: boolean;
	/** Mean word confidence of the OCR, 0–100 (OCR pages only). */
	ocrConfidence?: number;
	/** Resolution of the scan the OCR read, when known (a PDF scan's own dpi). */
	ocrDpi?: number;
	/** Only the top of this scanned page was OCR'd: it opens general terms of sale (`cgv`). */
	ocrPartial?: boolean;
	/** French sentence for the user when the page was read with a caveat. */
	warning?: string;
	/** Stable code of that caveat, e.g. `x_couche_texte_inexploitable`. */
	warningCode?: string;
}

/** A caveat on the whole reading (`x_` codes are our proposed checks beyond MDSO). */
export interface ReadWarning {
	code: string;
	message: string;
	pages?: number[];
}

/** Everything read from one file. */
export interface ReadResult {
	format: 'pdf' | 'image' | 'text';
	/** Pages in the document (may exceed `pages.length` when a page cap applied). */
	pageCount: number;
	ocrPages: number;
	pages: ReadPage[];
	/** Document-level caveats (partial reading, low OCR confidence, real type differs…). */
	warnings: ReadWarning[];
}

/** Progress of one reading, page by page. */
export interface ReadProgress {
	stage: 'open' | 'text' | 'ocr' | 'done';
	page: number;
	pageCount: number;
}

/** Options of one reading. */
export interface ReadOptions {
	signal?: AbortSignal;
	onProgress?: (p: ReadProgress) => void;
	/** Refuse larger inputs before parsing (default 50 Mo, `MAX_QUOTE_BYTES`). */
	maxBytes?: number;
	/** Pages read at most; the rest is reported with `x_pages_tronquees` (default 300). */
	maxPages?: number;
	/** Pages OCR'd at most; further pages needing OCR stay empty with a warning (default 20). */
	maxOcrPages?: number;
}

/** An 8-bit grayscale image, row-major, one byte per pixel (0 = black). */
export interface GrayImage {
	width: number;
	height: number;
	data: Uint8Array;
}

/** One recognised word with its box in the pixels of the image given to the OCR. */
export interface OcrWord {
	text: string;
	confidence: number;
	x0: number;
	y0: number;
	x1: number;
	y1: number;
}

/** One line as the OCR engine grouped it. */
export interface OcrLine {
	words: OcrWord[];
	confidence: number;
}

/** What the OCR port returns for one image. */
export interface OcrOutput {
	text: string;
	/** Mean confidence, 0–100. */
	confidence: number;
	lines: OcrLine[];
}

/** An OCR engine (tesseract.js `fra` in practice). */
export interface OcrPort {
	/** Recognises French text in an upright grayscale image. */
	recognize(image: GrayImage, options?: { signal?: AbortSignal; dpi?: number }): Promise<OcrOutput>;
	/** How many images it can recognise at the same time (tesseract workers). */
	readonly concurrency: number;
}

/** The part of the pdf.js module the reader uses (`getDocument` and the operator codes). */
export interface PdfjsModule {
	getDocument(params: Record<string, unknown>): {
		promise: Promise<PDFDocumentProxy>;
		destroy(): Promise<void>;
	};
	OPS: Record<string, number>;
}

/** Platform adapters: how to load pdf.js, draw a page, decode an image and run OCR. */
export interface ReaderPorts {
	/** pdf.js (legacy build in Node, browser build in a Web Worker). */
	pdfjs: PdfjsModule;
	/** Extra `getDocument` parameters: font, cmap and wasm locations, `useWorkerFetch`… */
	documentParams?: Record<string, unknown>;
	/** Draws a page at `scale` (1 = 72 dpi) into a grayscale image; absent when it cannot. */
	renderPage?: (page: PDFPageProxy, scale: number) => Promise<GrayImage>;
	/** Decodes a PNG or JPEG file into a grayscale image. */
	decodeImage(bytes: Uint8Array, mime: 'image/png' | 'image/jpeg'): Promise<GrayImage>;
	ocr: OcrPort;
}
