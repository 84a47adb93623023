import type { ReadResult } from '../read/read-types.ts';
import { fold, foldWithMap, type FoldedText } from './value-normalise.ts';
import type { Provenance } from './types.ts';

/** A run of text on one line, with its position: a table cell, a header column, a label. */
export interface Segment {
	text: string;
	/** Folded text (lower case, no accents) for matching. */
	key: string;
	/** The folded text with its map back to `text`. */
	folded: FoldedText;
	page: number;
	x: number;
	y: number;
	width: number;
	height: number;
	/** Index of the row holding it in `QuoteDocument.rows`. */
	row: number;
	/** Index of this cell within its printed line (0 = the line starts with it). */
	part: number;
	/**
	 * Left or right half of the page: a cell that follows another on its line, or a line that
	 * starts right of the page's middle, is on the right (a right-hand header block).
	 */
	side: 'left' | 'right';
	where: Provenance;
}

/** The cells of one printed line, left to right. */
export interface Row {
	index: number;
	page: number;
	y: number;
	height: number;
	segments: Segment[];
	/** Segments joined with two spaces (keeps cells apart for the table parser). */
	text: string;
	key: string;
}

/** The readable part of a devis (general terms removed) as rows of segments. */
export interface QuoteDocument {
	rows: Row[];
	/** Pages kept (not CGV), in order. */
	pages: number[];
	lineCount: number;
	/** Pages with text left out beyond `MAX_ANALYSED_PAGES` (annexes, product sheets…). */
	skippedPages: number[];
}

/**
 * Pages analysed at most (general terms excluded). A devis holds in a few pages; what comes
 * after is annexes (product sheets, notices): they are skipped and reported, which also bounds
 * the time spent on a 300-page file.
 */
export const MAX_ANALYSED_PAGES = 30;

/** A heading that starts the general terms of sale: everything after it is ignored. */
const CGV_HEADING =
	/^(?:[ivx\d]+[.)-]?\s*)?(?:conditions generales(?: de vente| d'intervention| de prestations?)?|cgv)\s*:?$/;

/** Two or more spaces (the reader's column gap), tabs or a pipe separate cells of one line. */
const CELL_BREAK = /\s*\|\s*|\t+|\s{2,}/;

/**
 * Builds the rows of a devis from a reading: CGV pages are skipped, and so is everything after
 * a "Conditions générales de vente" heading (MDSO's shrinker does the same).
 */
export function buildDocument(read: ReadResult): QuoteDocument {
	const rows: Row[] = [];
	const pages: number[] = [];
	let lineCount = 0;
	let cut = false;
	const skippedPages: number[] = [];
	for (const page of read.pages) {
		if (cut) break;
		if (page.cgv || page.source === 'empty') continue;
		if (pages.length >= MAX_ANALYSED_PAGES) {
			skippedPages.push(page.number);
			continue;
		}
		pages.push(page.number);
		const segments: Omit<Segment, 'row'>[] = [];
		const lines = page.lines.filter((l) => l.text.trim() !== '');
		const left = Math.min(...lines.map((l) => l.x));
		const right = Math.max(...lines.map((l) => l.x + l.width));
		const middle = left + (right - left) * 0.4;
		for (const line of lines) {
			const raw = line.text.replace(/\r/g, '');
			const where: Provenance = { page: line.page || page.number, line: line.line, text: raw.trim() };
			const parts = splitCells(raw);
			const charWidth = raw.length > 0 ? line.width / raw.length : 0;
			parts.forEach((part, index) => {
				const folded = foldWithMap(part.text);
				// Only the first cell's x is exact; later cells are placed from the line's right edge.
				const x =
					index === 0
						? line.x
						: index === parts.length - 1
							? Math.max(
									line.x,
									line.x + line.width - part.text.length * Math.min(charWidth, line.height * 0.55)
								)
							: line.x + part.offset * charWidth;
				segments.push({
					text: part.text,
					key: folded.key,
					folded,
					page: where.page,
					x,
					y: line.y,
					width: part.text.length * charWidth,
					height: line.height > 0 ? line.height : 1,
					part: index,
					side: index > 0 || (line.x > middle && right - left > 40) ? 'right' : 'left',
					where
				});
			});
		}
		// The reader already groups a page into lines: one line is one row.
		const pageRows = groupByLine(segments);
		for (const segs of pageRows) {
			const text = segs.map((s) => s.text).join('  ');
			const key = fold(text);
			if (CGV_HEADING.test(key)) {
				cut = true;
				break;
			}
			const index = rows.length;
			const row: Row = {
				index,
				page: page.number,
				y: Math.min(...segs.map((s) => s.y)),
				height: Math.max(...segs.map((s) => s.height)),
				segments: segs.map((s) => ({ ...s, row: index })),
				text,
				key
			};
			rows.push(row);
			lineCount += 1;
		}
	}
	return { rows, pages, lineCount, skippedPages };
}

/** Splits a line into cells at pipes, tabs or wide gaps, keeping each cell's character offset. */
function splitCells(raw: string): { text: string; offset: number }[] {
	const out: { text: string; offset: number }[] = [];
	let rest = raw;
	let offset = 0;
	while (rest.length > 0) {
		const m = rest.match(CELL_BREAK);
		const end = m?.index ?? rest.length;
		const piece = rest.slice(0, end);
		const lead = piece.length - piece.trimStart().length;
		if (piece.trim() !== '') out.push({ text: piece.trim(), offset: offset + lead });
		if (!m) break;
		offset += end + m[0].length;
		rest = rest.slice(end + m[0].length);
	}
	return out;
}

/** Groups cells by the line they were cut from, keeping the reader's order. */
function groupByLine(segments: Omit<Segment, 'row'>[]): Omit<Segment, 'row'>[][] {
	const rows: Omit<Segment, 'row'>[][] = [];
	for (const s of segments) {
		const last = rows[rows.length - 1];
		if (last && last[0]!.where === s.where) last.push(s);
		else rows.push([s]);
	}
	return rows;
}

/** Rows of one page, in order. */
export function rowsOfPage(doc: QuoteDocument, page: number): Row[] {
	return doc.rows.filter((r) => r.page === page);
}

/** The segment right below `seg` on the same side of the page (within three rows), if near. */
export function segmentBelow(doc: QuoteDocument, seg: Segment): Segment | null {
	for (let i = seg.row + 1; i < doc.rows.length && i <= seg.row + 3; i++) {
		const row = doc.rows[i]!;
		if (row.page !== seg.page) return null;
		if (row.y - seg.y > seg.height * 3.2) return null;
		const hit = row.segments.find(
			(s) => s.side === seg.side && Math.abs(s.x - seg.x) <= (s.part === 0 && seg.part === 0 ? 12 : 60)
		);
		if (hit) return hit;
	}
	return null;
}

/** The next segment to the right of `seg` on its row. */
export function segmentRight(doc: QuoteDocument, seg: Segment): Segment | null {
	const row = doc.rows[seg.row];
	if (!row) return null;
	return row.segments.find((s) => s.x > seg.x + 1) ?? null;
}
