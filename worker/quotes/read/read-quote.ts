/**
 * Reads a quote file into pages of positioned lines: checks size and real type first, takes the
 * pdf.js text layer where it is good, and decides page by page to OCR the rest (no text, a scan
 * with a token text layer, or a junk layer as in corpus Q24). Platform specifics come as ports.
 */
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist';
import type {
	GrayImage,
	ReadOptions,
	ReadPage,
	ReadProgress,
	ReadResult,
	ReadWarning,
	ReaderPorts,
	TextLine
} from './read-types.ts';
import { announcedKind, decodeText, sniffType } from './file-sniff.ts';
import {
	MAX_QUOTE_BYTES,
	blankDocumentError,
	cancelledError,
	corruptError,
	emptyFileError,
	encryptedError,
	imageError,
	ocrError,
	throwIfAborted,
	tooLargeError,
	unsupportedFormatError
} from './read-errors.ts';
import { PasserelleError } from '#widget/errors.ts';
import { buildLines, plainTextLines, type Fragment } from './text-lines.ts';
import { measureText, type TextQuality } from './text-quality.ts';
import { isGeneralTerms } from './cgv-detect.ts';
import { extractScan, probePageContent, readPageText, type PageContent } from './pdf-page.ts';
import { recognizePage } from './page-ocr.ts';
import { downscaleGray } from './gray-image.ts';

/** Pages read at most in one file (corpus B07 has 300). */
export const MAX_PAGES = 300;

/** Pages OCR'd at most in one file (~4 s each). */
export const MAX_OCR_PAGES = 20;

/** A text layer with at least this many characters is taken without looking at the drawing. */
const RICH_TEXT_CHARS = 200;

/** Fewer characters than this is "almost no text": the page is OCR'd if anything is drawn on it. */
const MIN_TEXT_CHARS = 40;

/** Pages read by OCR below this confidence are flagged for the user to check. */
export const LOW_OCR_CONFIDENCE = 70;

/** Scans below this resolution are flagged too: tesseract wants 300 dpi, errors hide in digits. */
export const LOW_SCAN_DPI = 200;

/** Rendering resolution for OCR when the page has to be drawn. */
const OCR_DPI = 300;

/** Longest side of a rendered page, in pixels (a 300 dpi A3 page is 4 961 px). */
const MAX_RENDER_SIDE = 5000;

/** Longest side of an image given to the OCR; a 12 MP phone photo (4 032 px) passes as is. */
const MAX_IMAGE_SIDE = 4200;

type Decision =
	{ ocr: false; reason: 'text' | 'blank' } | { ocr: true; reason: 'no_text' | 'little_text' | 'junk_text' };

/** Decides whether a page must be OCR'd, from its text layer and what it draws. */
export function decideOcr(quality: TextQuality, content: PageContent | null): Decision {
	if (!quality.junk && quality.chars >= RICH_TEXT_CHARS) return { ocr: false, reason: 'text' };
	const drawn = content !== null && (content.imageCoverage >= 0.1 || content.paths >= 30);
	if (quality.junk) return { ocr: true, reason: 'junk_text' };
	if (quality.chars === 0) return drawn ? { ocr: true, reason: 'no_text' } : { ocr: false, reason: 'blank' };
	// A scan with a token text layer (a page number or a stamp added by software).
	if (content !== null && content.imageCoverage >= 0.5) return { ocr: true, reason: 'little_text' };
	if (quality.chars < MIN_TEXT_CHARS && drawn) return { ocr: true, reason: 'little_text' };
	return { ocr: false, reason: 'text' };
}

const JUNK_WARNING = {
	code: 'x_couche_texte_inexploitable',
	message:
		'La couche texte de cette page est illisible (caractères mal encodés) : elle a été lue par reconnaissance de caractères.'
};

/** Reads one quote file: PDF (text layer and OCR), PNG/JPEG image (OCR) or plain text. */
export async function readQuote(
	input: { bytes: Uint8Array; name: string; mime?: string },
	ports: ReaderPorts,
	options: ReadOptions = {}
): Promise<ReadResult> {
	const { bytes, name } = input;
	const maxBytes = options.maxBytes ?? MAX_QUOTE_BYTES;
	// Size first: a 55 Mo file is refused before anything looks inside it.
	if (bytes.byteLength > maxBytes) throw tooLargeError(name, bytes.byteLength, maxBytes);
	if (bytes.byteLength === 0) throw emptyFileError(name);
	throwIfAborted(options.signal);
	const progress = (stage: ReadProgress['stage'], page: number, pageCount: number): void =>
		options.onProgress?.({ stage, page, pageCount });
	progress('open', 0, 0);
	const type = sniffType(bytes);
	if (type.kind === 'unsupported') throw unsupportedFormatError(name, type.detected);
	const warnings: ReadWarning[] = [];
	const announced = announcedKind(name, input.mime);
	if (announced !== 'other' && announced !== type.kind) {
		const real = { pdf: 'un PDF', image: 'une image', text: 'du texte' }[type.kind];
		warnings.push({
			code: 'x_type_reel_different',
			message: `« ${name} » est en réalité ${real}${type.kind === 'image' ? ' : il a été lu par reconnaissance de caractères' : ''}.`
		});
	}
	let result: ReadResult;
	if (type.kind === 'text') result = readText(decodeText(bytes, type.encoding), name, warnings);
	else if (type.kind === 'image') result = await readImage(bytes, type.mime, name, ports, options, warnings);
	else result = await readPdf(bytes, name, ports, options, warnings);
	const totalChars = result.pages.reduce((n, p) => n + p.text.replace(/\s/g, '').length, 0);
	// Pages left unread on purpose (page or OCR cap) are not blank: return what was read.
	const capped = result.warnings.some((w) => w.code === 'x_pages_tronquees');
	if (totalChars < 5 && !capped) throw blankDocumentError(name, result.pageCount);
	const weak = result.pages.filter(
		(p) =>
			p.source === 'ocr' &&
			((p.ocrConfidence ?? 100) < LOW_OCR_CONFIDENCE || (p.ocrDpi ?? LOW_SCAN_DPI) < LOW_SCAN_DPI)
	);
	if (weak.length > 0) {
		const pages = weak.map((p) => p.number);
		const lowRes = weak.some((p) => (p.ocrDpi ?? LOW_SCAN_DPI) < LOW_SCAN_DPI);
		result.warnings.push({
			code: 'x_ocr_confiance_faible',
			message: `Lecture par reconnaissance de caractères peu sûre (${pages.length > 1 ? 'pages' : 'page'} ${pages.join(', ')}${lowRes ? ', scan en basse résolution' : ''}) : vérifiez les valeurs extraites.`,
			pages
		});
	}
	progress('done', result.pageCount, result.pageCount);
	return result;
}

function readText(text: string, name: string, warnings: ReadWarning[]): ReadResult {
	// A form feed separates pages in text exported from a PDF (pdftotext).
	const pages: ReadPage[] = text.split('\f').map((chunk, i) => {
		const lines = plainTextLines(chunk, i + 1);
		const pageText = lines.map((l) => l.text).join('\n');
		return {
			number: i + 1,
			source: lines.length > 0 ? 'text' : 'empty',
			text: pageText,
			lines,
			rotation: 0,
			cgv: isGeneralTerms(pageText)
		};
	});
	if (pages.every((p) => p.source === 'empty')) throw blankDocumentError(name, pages.length);
	return { format: 'text', pageCount: pages.length, ocrPages: 0, pages, warnings };
}

async function readImage(
	bytes: Uint8Array,
	mime: 'image/png' | 'image/jpeg',
	name: string,
	ports: ReaderPorts,
	options: ReadOptions,
	warnings: ReadWarning[]
): Promise<ReadResult> {
	let image: GrayImage;
	try {
		image = await ports.decodeImage(bytes, mime);
	} catch (error) {
		throw imageError(name, error);
	}
	// Very large photos are shrunk (~350 dpi for an A4 page); line boxes stay in the file's pixels.
	const shrink = Math.ceil(Math.max(image.width, image.height) / MAX_IMAGE_SIDE);
	if (shrink > 1) image = downscaleGray(image, shrink);
	if ((options.maxOcrPages ?? MAX_OCR_PAGES) < 1) {
		warnings.push({
			code: 'x_pages_tronquees',
			message: `Image non lue : la reconnaissance de caractères est désactivée.`,
			pages: [1]
		});
		const page: ReadPage = { number: 1, source: 'empty', text: '', lines: [], rotation: 0, cgv: false };
		return { format: 'image', pageCount: 1, ocrPages: 0, pages: [page], warnings };
	}
	options.onProgress?.({ stage: 'ocr', page: 1, pageCount: 1 });
	// A photo or scan of an A4 page: its long side spans 11.7 inches.
	const dpi = Math.max(image.width, image.height) / 11.7;
	const ocr = await recognizePage(image, ports.ocr, { dpi, unit: shrink, signal: options.signal }).catch(
		(error) => {
			throw rethrow(error, () => ocrError(name, 1, error));
		}
	);
	if (!ocr) throw blankDocumentError(name, 1);
	const lines = ocrLines(ocr.groups, 1);
	const text = lines.map((l) => l.text).join('\n');
	const page: ReadPage = {
		number: 1,
		source: text.trim() === '' ? 'empty' : 'ocr',
		text,
		lines,
		rotation: ocr.rotation,
		cgv: ocr.partial || isGeneralTerms(text),
		ocrConfidence: Math.round(ocr.output.confidence),
		...(ocr.partial ? { ocrPartial: true } : {})
	};
	return { format: 'image', pageCount: 1, ocrPages: page.source === 'ocr' ? 1 : 0, pages: [page], warnings };
}

/** Lines of an OCR page, without lines of lone punctuation (specks, stamps, table rules). */
function ocrLines(groups: Fragment[][], page: number): TextLine[] {
	const kept = buildLines(groups, page).filter((l) => /[\p{L}\p{N}]/u.test(l.text));
	return kept.map((l, i) => ({ ...l, line: i + 1 }));
}

/** Keeps our typed errors (cancellation above all) and wraps anything else. */
function rethrow(error: unknown, wrap: () => PasserelleError): PasserelleError {
	if (error instanceof PasserelleError) return error;
	if (error instanceof Error && error.name === 'AbortError') return cancelledError();
	return wrap();
}

async function openPdf(
	bytes: Uint8Array,
	name: string,
	ports: ReaderPorts
): Promise<{ doc: PDFDocumentProxy; destroy: () => Promise<void> }> {
	const task = ports.pdfjs.getDocument({
		...ports.documentParams,
		// pdf.js transfers the buffer to its worker: give it a copy so the caller's bytes survive.
		data: bytes.slice(),
		isEvalSupported: false,
		verbosity: 0
	});
	try {
		return { doc: await task.promise, destroy: () => task.destroy() };
	} catch (error) {
		await task.destroy().catch(() => undefined);
		const kind = error instanceof Error ? error.name : '';
		if (kind === 'PasswordException') throw encryptedError(name, error);
		throw corruptError(name, error);
	}
}

/** Runs at most `size` tasks at once; `acquire` waits for a free slot. */
function limiter(size: number): { acquire: () => Promise<void>; release: () => void } {
	let running = 0;
	const queue: (() => void)[] = [];
	return {
		acquire: () =>
			new Promise<void>((resolve) => {
				if (running < size) {
					running++;
					resolve();
				} else queue.push(resolve);
			}),
		release: () => {
			const next = queue.shift();
			if (next) next();
			else running--;
		}
	};
}

async function readPdf(
	bytes: Uint8Array,
	name: string,
	ports: ReaderPorts,
	options: ReadOptions,
	warnings: ReadWarning[]
): Promise<ReadResult> {
	const { signal } = options;
	const { doc, destroy } = await openPdf(bytes, name, ports);
	try {
		const pageCount = doc.numPages;
		const readable = Math.min(pageCount, options.maxPages ?? MAX_PAGES);
		const maxOcr = options.maxOcrPages ?? MAX_OCR_PAGES;
		const pages: ReadPage[] = [];
		const broken: number[] = [];
		const skippedOcr: number[] = [];
		const slots = limiter(Math.max(1, ports.ocr.concurrency));
		const running: Promise<void>[] = [];
		let failure: unknown = null;
		let ocrQueued = 0;
		for (let number = 1; number <= readable; number++) {
			throwIfAborted(signal);
			if (failure) break;
			let page: PDFPageProxy | null = null;
			try {
				page = await doc.getPage(number);
				const layer = await readPageText(page);
				const lines = buildLines(
					layer.fragments.map((f) => [f]),
					number
				);
				const text = lines.map((l) => l.text).join('\n');
				const quality = measureText(text);
				const content =
					!quality.junk && quality.chars >= RICH_TEXT_CHARS
						? null
						: await probePageContent(page, ports.pdfjs.OPS);
				const decision = decideOcr(quality, content);
				const textPage: ReadPage = {
					number,
					source: decision.reason === 'blank' || text === '' ? 'empty' : 'text',
					text,
					lines,
					rotation: layer.rotation,
					cgv: isGeneralTerms(text)
				};
				pages[number - 1] = textPage;
				options.onProgress?.({ stage: 'text', page: number, pageCount });
				if (!decision.ocr) continue;
				if (decision.reason === 'junk_text') {
					// The junk must not reach extraction, whatever the OCR gives.
					Object.assign(textPage, {
						source: 'empty',
						text: '',
						lines: [],
						cgv: false,
						warning: JUNK_WARNING.message,
						warningCode: JUNK_WARNING.code
					});
				}
				if (ocrQueued >= maxOcr) {
					skippedOcr.push(number);
					continue;
				}
				await slots.acquire();
				let picture: Picture | null;
				try {
					picture = await pageImage(page, content, ports);
				} catch (error) {
					slots.release();
					throw error;
				}
				if (!picture) {
					// Nothing to give the OCR (no scan to extract, no way to draw the page here).
					slots.release();
					broken.push(number);
					continue;
				}
				ocrQueued++;
				const job = ocrJob(picture, textPage, decision.reason, name, ports, options, pageCount)
					.catch((error: unknown) => {
						failure ??= error;
					})
					.finally(() => slots.release());
				running.push(job);
			} catch (error) {
				if (error instanceof PasserelleError) throw error;
				// A damaged page: keep going, report it (corpus B03 expectation).
				broken.push(number);
				pages[number - 1] = { number, source: 'empty', text: '', lines: [], rotation: 0, cgv: false };
			} finally {
				page?.cleanup();
			}
		}
		await Promise.all(running);
		if (failure) throw rethrow(failure, () => corruptError(name, failure));
		throwIfAborted(signal);
		if (broken.length === readable) throw corruptError(name, new Error('no readable page'));
		for (const p of pages) {
			if (p.warningCode === JUNK_WARNING.code) {
				const listed = warnings.find((w) => w.code === JUNK_WARNING.code);
				if (listed) listed.pages?.push(p.number);
				else warnings.push({ ...JUNK_WARNING, pages: [p.number] });
			}
		}
		if (broken.length > 0) {
			warnings.push({
				code: 'x_lecture_partielle',
				message: `Lecture partielle : ${broken.length > 1 ? 'les pages' : 'la page'} ${broken.join(', ')} de « ${name} » ${broken.length > 1 ? 'sont illisibles' : 'est illisible'}.`,
				pages: broken
			});
		}
		if (readable < pageCount) {
			warnings.push({
				code: 'x_pages_tronquees',
				message: `Seules les ${readable} premières pages sur ${pageCount} ont été lues.`
			});
		}
		if (skippedOcr.length > 0) {
			warnings.push({
				code: 'x_pages_tronquees',
				message: `Pages non lues (au-delà de ${maxOcr} pages à reconnaître par OCR) : ${skippedOcr.join(', ')}.`,
				pages: skippedOcr
			});
		}
		return {
			format: 'pdf',
			pageCount,
			ocrPages: pages.filter((p) => p.source === 'ocr').length,
			pages,
			warnings
		};
	} finally {
		await destroy().catch(() => undefined);
	}
}

/** A page image for OCR: its pixels, their resolution, and the scan's own resolution. */
interface Picture {
	image: GrayImage;
	dpi: number;
	sourceDpi: number;
}

/** The page as an image for OCR: its embedded scan when possible, else a rendering. */
async function pageImage(
	page: PDFPageProxy,
	content: PageContent | null,
	ports: ReaderPorts
): Promise<Picture | null> {
	const scan = content ? extractScan(page, content) : null;
	if (scan) return { ...scan, sourceDpi: scan.dpi };
	if (!ports.renderPage) return null;
	const viewport = page.getViewport({ scale: 1 });
	const scale = Math.min(OCR_DPI / 72, MAX_RENDER_SIDE / Math.max(viewport.width, viewport.height));
	const image = await ports.renderPage(page, scale);
	return { image, dpi: scale * 72, sourceDpi: content?.scanDpi ?? scale * 72 };
}

async function ocrJob(
	picture: Picture,
	target: ReadPage,
	reason: 'no_text' | 'little_text' | 'junk_text',
	name: string,
	ports: ReaderPorts,
	options: ReadOptions,
	pageCount: number
): Promise<void> {
	const number = target.number;
	let ocr;
	try {
		ocr = await recognizePage(picture.image, ports.ocr, {
			dpi: picture.dpi,
			unit: 72 / picture.dpi,
			signal: options.signal
		});
	} catch (error) {
		throw rethrow(error, () => ocrError(name, number, error));
	}
	options.onProgress?.({ stage: 'ocr', page: number, pageCount });
	if (!ocr) return;
	const lines = ocrLines(ocr.groups, number);
	const text = lines.map((l) => l.text).join('\n');
	// A token text layer wins over an OCR that found even less.
	if (reason === 'little_text' && text.length <= target.text.length) return;
	Object.assign(target, {
		source: text.trim() === '' ? 'empty' : 'ocr',
		text,
		lines,
		rotation: ocr.rotation,
		cgv: ocr.partial || isGeneralTerms(text),
		ocrConfidence: Math.round(ocr.output.confidence),
		ocrDpi: Math.round(picture.sourceDpi),
		...(ocr.partial ? { ocrPartial: true } : {})
	} satisfies Partial<ReadPage>);
}
