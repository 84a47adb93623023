/**
 * What one pdf.js page holds: its text items as positioned fragments (upright, top-left origin,
 * in points), and, for pages that need OCR, what is drawn on it (images, paths) plus the scanned
 * image itself when the page is one embedded picture.
 */
import type { PDFPageProxy } from 'pdfjs-dist';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import type { Fragment } from './text-lines.ts';
import type { GrayImage } from './read-types.ts';
import { downscaleGray, toGray } from './gray-image.ts';

type Matrix = [number, number, number, number, number, number];

const multiply = (m1: Matrix, m2: Matrix): Matrix => [
	m1[0] * m2[0] + m1[2] * m2[1],
	m1[1] * m2[0] + m1[3] * m2[1],
	m1[0] * m2[2] + m1[2] * m2[3],
	m1[1] * m2[2] + m1[3] * m2[3],
	m1[0] * m2[4] + m1[2] * m2[5] + m1[4],
	m1[1] * m2[4] + m1[3] * m2[5] + m1[5]
];

/** A quarter-turn multiple. */
export type Rotation = 0 | 90 | 180 | 270;

const quarter = (degrees: number): Rotation =>
	((((Math.round(degrees / 90) * 90) % 360) + 360) % 360) as Rotation;

/** The text layer of a page, as fragments on the upright page. */
export interface PageText {
	fragments: Fragment[];
	/** Clockwise rotation that makes the text upright on the page as displayed (/Rotate applied). */
	rotation: Rotation;
	/** Upright page size in points. */
	width: number;
	height: number;
}

/**
 * Reads the text items of a page. Text drawn sideways (a landscape table printed on a portrait
 * page) is turned upright by the dominant writing direction; stray items in another direction
 * (a vertical margin note) are kept as their own lines below the page.
 */
export async function readPageText(page: PDFPageProxy): Promise<PageText> {
	const viewport = page.getViewport({ scale: 1 });
	const content = await page.getTextContent();
	const vt = viewport.transform as Matrix;
	const items: { item: TextItem; m: Matrix; angle: Rotation }[] = [];
	const weight = new Map<Rotation, number>();
	for (const raw of content.items) {
		if (!('str' in raw) || raw.str.trim() === '') continue;
		const m = multiply(vt, raw.transform as Matrix);
		// In viewport space y grows downwards, so a clockwise angle is atan2(b, a).
		const angle = quarter((Math.atan2(m[1], m[0]) * 180) / Math.PI);
		items.push({ item: raw, m, angle });
		weight.set(angle, (weight.get(angle) ?? 0) + raw.str.length);
	}
	let dominant: Rotation = 0;
	for (const [angle, w] of weight) if (w > (weight.get(dominant) ?? 0)) dominant = angle;
	const W = viewport.width;
	const H = viewport.height;
	// Turn the page counter-clockwise by the text angle so that the text reads left to right.
	const upright = (x: number, y: number): [number, number] => {
		if (dominant === 90) return [y, W - x];
		if (dominant === 180) return [W - x, H - y];
		if (dominant === 270) return [H - y, x];
		return [x, y];
	};
	const [width, height] = dominant === 90 || dominant === 270 ? [H, W] : [W, H];
	const fragments: Fragment[] = [];
	const strays: Fragment[] = [];
	for (const { item, m, angle } of items) {
		const size = Math.hypot(m[2], m[3]) || item.height || 1;
		const [x, baseline] = upright(m[4], m[5]);
		const fragment = { text: item.str, x, y: baseline - size * 0.8, width: item.width, height: size };
		if (angle === dominant) fragments.push(fragment);
		else strays.push(fragment);
	}
	// Stray items go below the page, one line each, in their document order.
	strays.forEach((f, i) => fragments.push({ ...f, x: 0, y: height + (i + 1) * 20, width: f.width }));
	return { fragments, rotation: quarter(360 - dominant), width, height };
}

/** What a page draws, as far as the OCR decision is concerned. */
export interface PageContent {
	/** Images and image masks painted. */
	images: number;
	/** Largest share of the page covered by one image (0–1). */
	imageCoverage: number;
	/** Filled or stroked paths (vector drawings, outlined text). */
	paths: number;
	/** The page's scan, when one axis-aligned image covers most of it. */
	scan: { name: string; widthPt: number; heightPt: number } | null;
	/** Resolution of the largest image when it covers half the page or more (a scan's dpi). */
	scanDpi: number | null;
}

/** Walks the operator list, tracking the transformation matrix to size each painted image. */
export async function probePageContent(
	page: PDFPageProxy,
	OPS: Record<string, number>
): Promise<PageContent> {
	const list = await page.getOperatorList();
	const [vx0 = 0, vy0 = 0, vx1 = 0, vy1 = 0] = page.view;
	const pageArea = Math.abs((vx1 - vx0) * (vy1 - vy0)) || 1;
	let ctm: Matrix = [1, 0, 0, 1, 0, 0];
	const stack: Matrix[] = [];
	let images = 0;
	let paths = 0;
	let imageCoverage = 0;
	let scan: PageContent['scan'] = null;
	let scanDpi: number | null = null;
	const painting = new Set(
		[OPS.fill, OPS.eoFill, OPS.stroke, OPS.fillStroke, OPS.eoFillStroke, OPS.constructPath].filter(
			(v): v is number => v !== undefined
		)
	);
	const imageOps = new Set(
		[
			OPS.paintImageXObject,
			OPS.paintInlineImageXObject,
			OPS.paintImageMaskXObject,
			OPS.paintImageXObjectRepeat,
			OPS.paintInlineImageXObjectGroup,
			OPS.paintImageMaskXObjectGroup,
			OPS.paintImageMaskXObjectRepeat
		].filter((v): v is number => v !== undefined)
	);
	for (let i = 0; i < list.fnArray.length; i++) {
		const fn = list.fnArray[i];
		const args = list.argsArray[i] as unknown[] | null;
		if (fn === OPS.save) stack.push(ctm);
		else if (fn === OPS.restore) ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
		else if (fn === OPS.transform && args) ctm = multiply(ctm, args as Matrix);
		else if (fn !== undefined && painting.has(fn)) paths++;
		else if (fn !== undefined && imageOps.has(fn)) {
			images++;
			// The image fills the unit square mapped by the CTM.
			const area = Math.abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]);
			const coverage = Math.min(1, area / pageArea);
			if (coverage > imageCoverage) {
				imageCoverage = coverage;
				const axisAligned = Math.abs(ctm[1]) < 1e-6 && Math.abs(ctm[2]) < 1e-6 && ctm[0] > 0 && ctm[3] > 0;
				const name = args?.[0];
				const pixelWidth = args?.[1];
				const placedWidth = Math.hypot(ctm[0], ctm[1]);
				scanDpi =
					coverage >= 0.5 && typeof pixelWidth === 'number' && placedWidth > 0
						? (pixelWidth / placedWidth) * 72
						: null;
				scan =
					fn === OPS.paintImageXObject && axisAligned && coverage >= 0.8 && typeof name === 'string'
						? { name, widthPt: ctm[0], heightPt: ctm[3] }
						: null;
			}
		}
	}
	return { images, imageCoverage, paths, scan, scanDpi };
}

/**
 * The page's scanned image as gray pixels, without rendering: pdf.js has already decoded it
 * while building the operator list. Returns null where pdf.js keeps only a bitmap (browsers
 * with OffscreenCanvas) or when the image is placed in a way we do not undo; the caller renders
 * the page instead. Scans above ~400 dpi are shrunk towards 300 dpi to bound OCR time.
 */
export function extractScan(
	page: PDFPageProxy,
	content: PageContent
): { image: GrayImage; dpi: number } | null {
	const scan = content.scan;
	if (!scan || page.rotate % 360 !== 0) return null;
	const objs = page.objs.has(scan.name) ? page.objs : page.commonObjs.has(scan.name) ? page.commonObjs : null;
	if (!objs) return null;
	const img = objs.get(scan.name) as {
		width?: number;
		height?: number;
		kind?: number;
		data?: Uint8Array;
	} | null;
	if (!img?.data || !img.width || !img.height || !img.kind) return null;
	let image = toGray(img.data, img.width, img.height, img.kind);
	let dpi = (img.width / scan.widthPt) * 72;
	if (dpi > 400) {
		const factor = Math.round(dpi / 300);
		image = downscaleGray(image, factor);
		dpi /= factor;
	}
	return { image, dpi };
}
