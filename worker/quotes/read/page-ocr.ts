/**
 * OCR of one page image with orientation handling. The `fra` model has no orientation data (OSD
 * needs the legacy engine), so we find it ourselves: ink run lengths tell horizontal lines from
 * vertical ones, the ascender/descender balance orders the two remaining candidates, and OCR
 * confidence decides — a second orientation is only tried when the first reads badly.
 */
import type { GrayImage, OcrOutput, OcrPort } from './read-types.ts';
import type { Fragment } from './text-lines.ts';
import type { Rotation } from './pdf-page.ts';
import { inkRatio, rotateGray, textDirection, uprightScore } from './gray-image.ts';
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

/** The orientations to try, most likely first. */
export function orientationCandidates(image: GrayImage): Rotation[] {
	const { direction } = textDirection(image);
	const pair = (base: 0 | 90): Rotation[] => {
		const first = rotateGray(image, base);
		return uprightScore(first) >= 1 ? [base, (base + 180) as Rotation] : [(base + 180) as Rotation, base];
	};
	if (direction === 'horizontal') return pair(0);
	if (direction === 'vertical') return pair(90);
	const [a, b] = pair(0);
	const [c] = pair(90);
	return [a, c, b].filter((r): r is Rotation => r !== undefined);
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
	if (inkRatio(image) < BLANK_INK_RATIO) return null;
	const candidates = orientationCandidates(image).slice(0, 3);
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
	const k = options.unit;
	const groups = best.output.lines.map((line) =>
		line.words.map((w) => ({
			text: w.text,
			x: w.x0 * k,
			y: w.y0 * k,
			width: (w.x1 - w.x0) * k,
			height: (w.y1 - w.y0) * k
		}))
	);
	return { rotation: best.rotation, output: best.output, groups };
}
