/**
 * Quote reading: PDF text layer with positions, per-page OCR decision, tesseract OCR with
 * orientation, general-terms detection, and typed errors for bad inputs. Runs in a Web Worker
 * (`../reader.worker.ts`) and on the server (`#server/quotes/read-node.ts`) with different ports.
 */
export type {
	GrayImage,
	OcrLine,
	OcrOutput,
	OcrPort,
	OcrWord,
	PdfjsModule,
	ReadOptions,
	ReadPage,
	ReadProgress,
	ReadResult,
	ReadWarning,
	ReaderPorts,
	TextLine
} from './read-types.ts';
export {
	readQuote,
	decideOcr,
	MAX_PAGES,
	MAX_OCR_PAGES,
	LOW_OCR_CONFIDENCE,
	LOW_SCAN_DPI
} from './read-quote.ts';
export {
	MAX_QUOTE_BYTES,
	READ_ERROR_CODES,
	cancelledError,
	tooLargeError,
	emptyFileError,
	unsupportedFormatError
} from './read-errors.ts';
export { sniffType, announcedKind, type SniffedType } from './file-sniff.ts';
export { buildLines, plainTextLines, COLUMN_GAP, type Fragment } from './text-lines.ts';
export { measureText, type TextQuality } from './text-quality.ts';
export { isGeneralTerms, opensGeneralTerms } from './cgv-detect.ts';
export {
	toGray,
	rotateGray,
	downscaleGray,
	encodePgm,
	textDirection,
	uprightScore,
	inkRatio
} from './gray-image.ts';
export {
	createTesseractOcr,
	toOcrOutput,
	type TesseractOcr,
	type TesseractWorkerLike,
	type TesseractPageData
} from './tesseract-ocr.ts';
export { createReaderService, type ReadJob, type ReadOutcome, type ReaderService } from './reader-service.ts';
export { READER_ASSETS, READER_ASSET_SOURCES } from './reader-assets.ts';
