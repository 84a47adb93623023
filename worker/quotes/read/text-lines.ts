/**
 * Builds reading-order lines from positioned fragments (pdf.js text items, OCR words). The same
 * rules serve both sources so extraction sees one shape of text, whatever the input.
 */
import type { TextLine } from './read-types.ts';

/** A piece of text with its box (top-left origin, y grows downwards). */
export interface Fragment {
	text: string;
	x: number;
	y: number;
	width: number;
	height: number;
}

/**
 * Gap between fragments, in line heights, above which they belong to different columns: they
 * are then joined by two spaces so a table cell or a right-hand block stays recognisable.
 */
export const COLUMN_GAP = 1.2;

/** Gaps below this share of the line height join fragments without a space (kerning splits). */
const TOUCHING_GAP = 0.12;

interface Unit {
	fragments: Fragment[];
	top: number;
	bottom: number;
	left: number;
	right: number;
}

interface Row {
	units: Unit[];
	/** Vertical band of the row's first unit: rows do not grow, so they cannot chain lines. */
	top: number;
	bottom: number;
}

const median = (values: number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

function toUnit(fragments: Fragment[]): Unit | null {
	const kept = fragments.filter((f) => f.text.trim() !== '' && f.height > 0);
	if (kept.length === 0) return null;
	// A unit's band is its median fragment's band, so one tall glyph box does not widen it.
	const heights = kept.map((f) => f.height);
	const h = median(heights);
	const centre = median(kept.map((f) => f.y + f.height / 2));
	return {
		fragments: kept,
		top: centre - h / 2,
		bottom: centre + h / 2,
		left: Math.min(...kept.map((f) => f.x)),
		right: Math.max(...kept.map((f) => f.x + f.width))
	};
}

const overlap = (a0: number, a1: number, b0: number, b1: number): number =>
	Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/**
 * Groups units into lines by y then x. Each group of fragments is kept together (an OCR line);
 * pass one fragment per group for pdf.js items. Returns 1-based numbered lines of `page`.
 */
export function buildLines(groups: Fragment[][], page: number): TextLine[] {
	const units = groups.map(toUnit).filter((u): u is Unit => u !== null);
	units.sort((a, b) => a.top + a.bottom - (b.top + b.bottom) || a.left - b.left);
	const rows: Row[] = [];
	for (const unit of units) {
		const height = unit.bottom - unit.top;
		let best: Row | null = null;
		let bestShare = 0;
		// Only recent rows can still receive a unit: walk back while rows end below its top.
		for (let i = rows.length - 1; i >= 0 && i >= rows.length - 8; i--) {
			const row = rows[i];
			if (!row) continue;
			const share =
				overlap(unit.top, unit.bottom, row.top, row.bottom) / Math.min(height, row.bottom - row.top);
			if (share < 0.5 || share <= bestShare) continue;
			// Two boxes covering the same x range are two lines, however close they are.
			const clash = row.units.some(
				(u) =>
					overlap(unit.left, unit.right, u.left, u.right) >
					0.3 * Math.min(unit.right - unit.left, u.right - u.left)
			);
			if (clash) continue;
			best = row;
			bestShare = share;
		}
		if (best) best.units.push(unit);
		else rows.push({ units: [unit], top: unit.top, bottom: unit.bottom });
	}
	rows.sort((a, b) => a.top - b.top);
	const lines: TextLine[] = [];
	for (const row of rows) {
		const fragments = row.units.sort((a, b) => a.left - b.left).flatMap((u) => u.fragments);
		const text = joinFragments(fragments);
		if (text === '') continue;
		const top = Math.min(...row.units.map((u) => u.top));
		const bottom = Math.max(...row.units.map((u) => u.bottom));
		const left = Math.min(...row.units.map((u) => u.left));
		const right = Math.max(...row.units.map((u) => u.right));
		lines.push({
			text,
			page,
			line: lines.length + 1,
			x: round(left),
			y: round(top),
			width: round(right - left),
			height: round(bottom - top)
		});
	}
	return lines;
}

const round = (v: number): number => Math.round(v * 100) / 100;

/** Joins fragments left to right: nothing, one space or a column gap of two spaces. */
function joinFragments(fragments: Fragment[]): string {
	const h = median(fragments.map((f) => f.height)) || 1;
	let text = '';
	let end = -Infinity;
	let endsWithSpace = false;
	for (const f of fragments) {
		const piece = f.text.replace(/\s+/g, ' ').trim();
		if (piece === '') continue;
		if (text !== '') {
			const gap = f.x - end;
			const startsWithSpace = /^\s/.test(f.text);
			if (gap >= COLUMN_GAP * h) text += '  ';
			else if (gap >= TOUCHING_GAP * h || endsWithSpace || startsWithSpace) text += ' ';
		}
		text += piece;
		end = Math.max(end, f.x + f.width);
		endsWithSpace = /\s$/.test(f.text);
	}
	return text;
}

/** Lines of a plain-text page on a character grid: x = indentation, y = line index. */
export function plainTextLines(text: string, page: number): TextLine[] {
	const lines: TextLine[] = [];
	text.split(/\r\n|\r|\n/).forEach((raw, index) => {
		const expanded = raw.replace(/\t/g, '    ').trimEnd();
		const trimmed = expanded.trim();
		if (trimmed === '') return;
		const indent = expanded.length - expanded.trimStart().length;
		lines.push({
			text: trimmed,
			page,
			line: lines.length + 1,
			x: indent,
			y: index,
			width: trimmed.length,
			height: 1
		});
	});
	return lines;
}
