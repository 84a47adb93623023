/**
 * OCR of one page image with orientation handling. The `fra` model has no orientation data (OSD
 * needs the legacy engine), so we find it ourselves: ink run lengths tell horizontal lines from
 * vertical ones, the ascender/descender balance orders the two remaining candidates, and OCR
 * confidence decides — a second orientation is only tried when the first reads badly.
 */
import type { GrayImage, OcrOutput, OcrPort } from './read-types.ts';
import type { Fragment } from './text-lines.ts';
import type { Rotation } from './pdf-page.ts';
import { downscaleGray, inkRatio, rotateGray, textDirection, uprightScore } from './gray-image.ts';
import { measureText } from './text-quality.ts';
import { throwIfAborted } from './read-errors.ts';

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
	for (const rotation of candidates) {
		throwIfAborted(options.signal);
		const output = await ocr.recognize(rotateGray(image, rotation), {
			signal: options.signal,
			dpi: options.dpi
		});
		if (!best || output.confidence > best.output.confidence) best = { rotation, output };
		if (readsWell(output)) break;
	}
	if (!best) return null;
	return { rotation: best.rotation, output: best.output, groups: wordGroups(best.output, options.unit) };
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
