/**
 * Grayscale pixel work in plain TypeScript (no canvas): conversion from pdf.js and canvas pixel
 * layouts, exact quarter-turn rotations, box downscaling, PGM encoding for tesseract, and the
 * projection profiles that tell horizontal text lines from vertical ones.
 */
import type { GrayImage } from './read-types.ts';

/** pdf.js `ImageKind` values (src/shared/util.js). */
export const PDFJS_IMAGE_KIND = { GRAYSCALE_1BPP: 1, RGB_24BPP: 2, RGBA_32BPP: 3 } as const;

/** Converts packed pixels (pdf.js image data or canvas RGBA) to 8-bit gray. */
export function toGray(
	data: Uint8Array | Uint8ClampedArray,
	width: number,
	height: number,
	kind: number
): GrayImage {
	const out = new Uint8Array(width * height);
	if (kind === PDFJS_IMAGE_KIND.GRAYSCALE_1BPP) {
		// One bit per pixel, rows padded to whole bytes; a set bit is white (pdf.js canvas.js).
		const rowBytes = (width + 7) >> 3;
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				const byte = data[y * rowBytes + (x >> 3)] ?? 255;
				out[y * width + x] = byte & (0x80 >> (x & 7)) ? 255 : 0;
			}
		}
		return { width, height, data: out };
	}
	const step = kind === PDFJS_IMAGE_KIND.RGB_24BPP ? 3 : 4;
	for (let p = 0, q = 0; p < out.length; p++, q += step) {
		// ITU-R BT.601 luma in integer arithmetic; alpha is ignored (scans are opaque).
		out[p] = ((data[q] ?? 255) * 77 + (data[q + 1] ?? 255) * 150 + (data[q + 2] ?? 255) * 29) >> 8;
	}
	return { width, height, data: out };
}

/** Rotates an image clockwise by a quarter-turn multiple, exactly (no resampling). */
export function rotateGray(image: GrayImage, degrees: 0 | 90 | 180 | 270): GrayImage {
	if (degrees === 0) return image;
	const { width: w, height: h, data } = image;
	const out = new Uint8Array(w * h);
	if (degrees === 180) {
		for (let i = 0, n = w * h; i < n; i++) out[n - 1 - i] = data[i] ?? 255;
		return { width: w, height: h, data: out };
	}
	// Quarter turns swap the sides: the new image is h wide and w tall.
	for (let y = 0; y < h; y++) {
		const row = y * w;
		for (let x = 0; x < w; x++) {
			const v = data[row + x] ?? 255;
			if (degrees === 90) out[x * h + (h - 1 - y)] = v;
			else out[(w - 1 - x) * h + y] = v;
		}
	}
	return { width: h, height: w, data: out };
}

/** Shrinks an image by an integer factor, averaging each factor×factor box (one pass over the pixels). */
export function downscaleGray(image: GrayImage, factor: number): GrayImage {
	const f = Math.max(1, Math.floor(factor));
	if (f === 1) return image;
	const width = Math.floor(image.width / f);
	const height = Math.floor(image.height / f);
	const out = new Uint8Array(width * height);
	const sums = new Uint32Array(width);
	const area = f * f;
	const src = image.data;
	for (let y = 0; y < height; y++) {
		sums.fill(0);
		for (let dy = 0; dy < f; dy++) {
			let p = (y * f + dy) * image.width;
			for (let x = 0; x < width; x++) {
				let sum = 0;
				for (let dx = 0; dx < f; dx++) sum += src[p++] as number;
				sums[x] = (sums[x] as number) + sum;
			}
		}
		const row = y * width;
		for (let x = 0; x < width; x++) out[row + x] = Math.round((sums[x] as number) / area);
	}
	return { width, height, data: out };
}

/** Encodes an image as binary PGM (P5), which tesseract's Leptonica reads without any codec. */
export function encodePgm(image: GrayImage): Uint8Array {
	const header = new TextEncoder().encode(`P5\n${image.width} ${image.height}\n255\n`);
	const out = new Uint8Array(header.length + image.data.length);
	out.set(header, 0);
	out.set(image.data, header.length);
	return out;
}

/** Otsu's threshold: the gray level that best separates ink from paper. */
export function otsuThreshold(image: GrayImage): number {
	const histogram = new Array<number>(256).fill(0);
	for (const v of image.data) histogram[v] = (histogram[v] ?? 0) + 1;
	const total = image.data.length;
	let sumAll = 0;
	for (let i = 0; i < 256; i++) sumAll += i * (histogram[i] ?? 0);
	let sumBack = 0;
	let weightBack = 0;
	let best = 0;
	let threshold = 128;
	for (let t = 0; t < 256; t++) {
		weightBack += histogram[t] ?? 0;
		if (weightBack === 0) continue;
		const weightFore = total - weightBack;
		if (weightFore === 0) break;
		sumBack += t * (histogram[t] ?? 0);
		const meanBack = sumBack / weightBack;
		const meanFore = (sumAll - sumBack) / weightFore;
		const between = weightBack * weightFore * (meanBack - meanFore) ** 2;
		if (between > best) {
			best = between;
			threshold = t;
		}
	}
	return threshold;
}

/** Share of ink pixels (darker than Otsu's threshold and clearly darker than paper). */
export function inkRatio(image: GrayImage): number {
	const small = downscaleGray(image, Math.max(1, Math.floor(Math.max(image.width, image.height) / 1000)));
	const threshold = Math.min(otsuThreshold(small), 160);
	let ink = 0;
	for (const v of small.data) if (v <= threshold) ink++;
	return small.data.length === 0 ? 0 : ink / small.data.length;
}

/**
 * Which way text lines run. Letters of a word sit side by side along a line, so once small gaps
 * are closed, ink runs are long along the lines (words) and short across them (one line high).
 * Comparing the mean run length both ways tells upright/upside-down pages from quarter-turned
 * ones, and it does not mind a skew of a few degrees.
 */
export function textDirection(image: GrayImage): {
	direction: 'horizontal' | 'vertical' | 'unknown';
	ratio: number;
} {
	// About 12 px per text line at 300 dpi.
	const small = downscaleGray(image, Math.max(1, Math.round(Math.max(image.width, image.height) / 900)));
	const { width: w, height: h, data } = small;
	const threshold = Math.min(otsuThreshold(small), 160);
	const ink = new Uint8Array(w * h);
	for (let i = 0; i < ink.length; i++) ink[i] = (data[i] ?? 255) <= threshold ? 1 : 0;
	const gap = 2;
	const horizontal = meanRun(ink, w, h, 1, w, gap);
	const vertical = meanRun(ink, h, w, w, 1, gap);
	if (horizontal === 0 || vertical === 0) return { direction: 'unknown', ratio: 1 };
	const ratio = horizontal / vertical;
	if (ratio > 1.25) return { direction: 'horizontal', ratio };
	if (ratio < 1 / 1.25) return { direction: 'vertical', ratio };
	return { direction: 'unknown', ratio };
}

/** Mean length of ink runs along one axis, bridging gaps of at most `gap` pixels. */
function meanRun(
	ink: Uint8Array,
	length: number,
	lanes: number,
	step: number,
	laneStep: number,
	gap: number
): number {
	let runs = 0;
	let total = 0;
	for (let lane = 0; lane < lanes; lane++) {
		let run = 0;
		let blank = 0;
		for (let i = 0; i < length; i++) {
			if (ink[lane * laneStep + i * step]) {
				run += blank + 1;
				blank = 0;
			} else if (run > 0) {
				blank++;
				if (blank > gap) {
					runs++;
					total += run;
					run = 0;
					blank = 0;
				}
			}
		}
		if (run > 0) {
			runs++;
			total += run;
		}
	}
	return runs === 0 ? 0 : total / runs;
}

/**
 * How upright horizontal text looks: the ink above each line's x-height band (ascenders,
 * capitals, digits) over the ink below it (descenders). Latin text scores above 1 when upright
 * and below 1 when upside down. Lines are found in narrow vertical strips to tolerate skew.
 */
export function uprightScore(image: GrayImage): number {
	const small = downscaleGray(image, Math.max(1, Math.round(Math.max(image.width, image.height) / 1800)));
	const { width: w, height: h, data } = small;
	const threshold = Math.min(otsuThreshold(small), 160);
	const strips = 8;
	let above = 0;
	let below = 0;
	for (let s = 0; s < strips; s++) {
		const x0 = Math.floor((w * s) / strips);
		const x1 = Math.floor((w * (s + 1)) / strips);
		const rows = new Float64Array(h);
		for (let y = 0; y < h; y++) {
			let n = 0;
			for (let x = x0; x < x1; x++) if ((data[y * w + x] ?? 255) <= threshold) n++;
			rows[y] = n;
		}
		let y = 0;
		while (y < h) {
			if ((rows[y] ?? 0) === 0) {
				y++;
				continue;
			}
			const start = y;
			while (y < h && (rows[y] ?? 0) > 0) y++;
			const end = y; // exclusive
			if (end - start < 6 || end - start > 80) continue;
			let peak = 0;
			for (let i = start; i < end; i++) peak = Math.max(peak, rows[i] ?? 0);
			let top = start;
			while (top < end && (rows[top] ?? 0) < peak * 0.5) top++;
			let bottom = end - 1;
			while (bottom > top && (rows[bottom] ?? 0) < peak * 0.5) bottom--;
			for (let i = start; i < top; i++) above += rows[i] ?? 0;
			for (let i = bottom + 1; i < end; i++) below += rows[i] ?? 0;
		}
	}
	return (above + 1) / (below + 1);
}
