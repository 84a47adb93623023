/**
 * OCR of one page image with orientation handling. The `fra` model has no orientation data (OSD
 * needs the legacy engine), so we find it ourselves: ink run lengths tell horizontal lines from
 * vertical ones, the ascender/descender balance orders the two remaining candidates, and OCR
 * confidence decides — a second orientation is only tried when the first reads badly.
 *
 * Each page is read in two parts: a head band (about the top fifth, cut between text lines),
 * then the rest. The head settles the orientation cheaply, and a page that opens with general
 * terms of sale ("Conditions générales…", "Article 12 –…") stops there: its rest is not OCR'd
 * (quotes.md §11.6), which saves ~80 % of the time on the CGV pages of scanned quotes.
 */
import type { GrayImage, OcrOutput, OcrPort } from './read-types.ts';
import type { Fragment } from './text-lines.ts';
import type { Rotation } from './pdf-page.ts';
import { downscaleGray, inkRatio, rotateGray, textDirection, uprightScore } from './gray-image.ts';
import { measureText } from './text-quality.ts';
import { throwIfAborted } from './read-errors.ts';
import { opensGeneralTerms } from './cgv-detect.ts';

/** Below this share of ink pixels a page image is blank paper: no OCR. */
export const BLANK_INK_RATIO = 0.002;

/** An OCR reading at or above this confidence (0–100) with plausible words is accepted as is. */
export const GOOD_CONFIDENCE = 65;

/** What the OCR read on a page, turned upright. */
export interface PageOcr {
	rotation: Rotation;
	output: OcrOutput;
	/** Word boxes grouped by OCR line, in the units asked for (`unit` per pixel). */
	groups: Fragment[][];
	/** Only the head band was read: the page opens with general terms of sale. */
	partial: boolean;
}

/** Share of the page height read first; the cut moves to the nearest gap between lines. */
const HEAD_SHARE = 0.2;

/** Finds a row near `HEAD_SHARE` of the height that crosses no text (least ink in the window). */
export function headCut(image: GrayImage): number | null {
	const { width: w, height: h, data } = image;
	if (h < 400) return null;
	const from = Math.floor(h * 0.12);
	const to = Math.floor(h * 0.3);
	const target = h * HEAD_SHARE;
	const step = Math.max(1, Math.floor(w / 600));
	let best = -1;
	let bestScore = Infinity;
	for (let y = from; y < to; y++) {
		let ink = 0;
		const row = y * w;
		for (let x = 0; x < w; x += step) if ((data[row + x] ?? 255) < 128) ink++;
		// Fewest dark pixels first; among equals, closest to the target.
		const score = ink * 1000 + Math.abs(y - target) / h;
		if (score < bestScore) {
			bestScore = score;
			best = y;
		}
	}
	return best > 0 ? best : null;
}

const crop = (image: GrayImage, top: number, bottom: number): GrayImage => ({
	width: image.width,
	height: bottom - top,
	data: image.data.subarray(top * image.width, bottom * image.width)
});

/** Joins the readings of the head band and of the rest into one page reading. */
function joinOutputs(head: OcrOutput, rest: OcrOutput, offset: number): OcrOutput {
	const shifted = rest.lines.map((line) => ({
		...line,
		words: line.words.map((w) => ({ ...w, y0: w.y0 + offset, y1: w.y1 + offset }))
	}));
	const words = (o: OcrOutput): number => o.lines.reduce((n, l) => n + l.words.length, 0);
	const total = words(head) + words(rest);
	const confidence =
		total === 0
			? Math.min(head.confidence, rest.confidence)
			: (head.confidence * words(head) + rest.confidence * words(rest)) / total;
	return { text: head.text + rest.text, confidence, lines: [...head.lines, ...shifted] };
}

const readsWell = (output: OcrOutput): boolean => {
	const quality = measureText(output.text);
	return quality.chars < 20 || (output.confidence >= GOOD_CONFIDENCE && !quality.junk);
};

/** Ink share and the orientations to try, most likely first, from two small copies of the page. */
export function analyzePage(image: GrayImage): { ink: number; candidates: Rotation[] } {
	// One pass over the full image, then everything works on ~1800 px and ~900 px copies.
	const half = downscaleGray(image, Math.round(Math.max(image.width, image.height) / 1800));
	const small = downscaleGray(half, Math.round(Math.max(half.width, half.height) / 900));
	const ink = inkRatio(small);
	const { direction } = textDirection(small);
	const pair = (base: 0 | 90): Rotation[] =>
		uprightScore(rotateGray(half, base)) >= 1
			? [base, (base + 180) as Rotation]
			: [(base + 180) as Rotation, base];
	if (direction === 'horizontal') return { ink, candidates: pair(0) };
	if (direction === 'vertical') return { ink, candidates: pair(90) };
	const [a, b] = pair(0);
	const [c] = pair(90);
	return { ink, candidates: [a, c, b].filter((r): r is Rotation => r !== undefined) };
}

/**
 * Recognises a page image; null when it is blank. `unit` converts image pixels to the page's
 * units (72 / dpi for PDF points, 1 for pixels).
 */
export async function recognizePage(
	image: GrayImage,
	ocr: OcrPort,
	options: { dpi?: number; unit: number; signal?: AbortSignal }
): Promise<PageOcr | null> {
	const { ink, candidates } = analyzePage(image);
	if (ink < BLANK_INK_RATIO) return null;
	let best: { rotation: Rotation; output: OcrOutput } | null = null;
	const read = (img: GrayImage): Promise<OcrOutput> => {
		throwIfAborted(options.signal);
		return ocr.recognize(img, { signal: options.signal, dpi: options.dpi });
	};
	for (const rotation of candidates) {
		const upright = rotateGray(image, rotation);
		const cut = headCut(upright);
		let output: OcrOutput;
		if (cut === null) output = await read(upright);
		else {
			const head = await read(crop(upright, 0, cut));
			const headChars = measureText(head.text).chars;
			if (headChars >= 20 && !readsWell(head)) continue; // most likely the wrong way round
			if (headChars >= 20 && opensGeneralTerms(head.text)) {
				return { rotation, output: head, groups: wordGroups(head, options.unit), partial: true };
			}
			output = joinOutputs(head, await read(crop(upright, cut, upright.height)), cut);
		}
		if (!best || output.confidence > best.output.confidence) best = { rotation, output };
		if (readsWell(output)) break;
	}
	// Every head read badly (a poor scan rather than a turned one): read the likeliest way whole.
	const first = candidates[0];
	if (!best && first !== undefined) best = { rotation: first, output: await read(rotateGray(image, first)) };
	if (!best) return null;
	return { ...best, groups: wordGroups(best.output, options.unit), partial: false };
}

/**
 * The skew of a scan (radians, clockwise), from the slope of word baselines along OCR lines:
 * the median over lines long enough to measure it.
 */
export function estimateSkew(output: OcrOutput): number {
	const slopes: number[] = [];
	for (const line of output.lines) {
		if (line.words.length < 3) continue;
		const points = line.words.map((w) => ({ x: (w.x0 + w.x1) / 2, y: w.y1 }));
		const first = points[0];
		const last = points[points.length - 1];
		if (!first || !last || last.x - first.x < 200) continue;
		// Least squares on word bottoms; descenders add noise the median absorbs.
		const n = points.length;
		const mx = points.reduce((s, p) => s + p.x, 0) / n;
		const my = points.reduce((s, p) => s + p.y, 0) / n;
		let num = 0;
		let den = 0;
		for (const p of points) {
			num += (p.x - mx) * (p.y - my);
			den += (p.x - mx) ** 2;
		}
		if (den > 0) slopes.push(num / den);
	}
	if (slopes.length < 3) return 0;
	slopes.sort((a, b) => a - b);
	const median = slopes[Math.floor(slopes.length / 2)] ?? 0;
	return Math.abs(median) > 0.1 ? 0 : Math.atan(median);
}

/** Words as fragments grouped by OCR line, deskewed and converted to page units. */
function wordGroups(output: OcrOutput, unit: number): Fragment[][] {
	const angle = estimateSkew(output);
	const cos = Math.cos(angle);
	const sin = Math.sin(angle);
	// Rotate box corners by -angle so that skewed lines become horizontal again.
	const turn = (x: number, y: number): [number, number] => [x * cos + y * sin, -x * sin + y * cos];
	return output.lines.map((line) =>
		line.words
			// Lone punctuation read with little confidence is scanner noise (borders, specks).
			.filter((w) => w.confidence >= 30 || /[\p{L}\p{N}]/u.test(w.text))
			.map((w) => {
				const [x, y] = turn(w.x0, (w.y0 + w.y1) / 2);
				const height = w.y1 - w.y0;
				return {
					text: w.text,
					x: x * unit,
					y: (y - height / 2) * unit,
					width: (w.x1 - w.x0) * unit,
					height: height * unit
				};
			})
	);
}
