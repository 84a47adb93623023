import type { ReadPage, ReadResult, TextLine } from '../read/read-types.ts';

/**
 * Readings built by hand, for tests and examples: a plain text (one page per form feed, like
 * the reader's `.txt` input) or positioned rows (like a PDF text layer, columns joined by two
 * spaces as the reader does).
 */

/** A reading of plain text: x = indentation, y = line index (the reader's character grid). */
export function readFromText(text: string, options: { cgvPages?: number[] } = {}): ReadResult {
	const pages: ReadPage[] = text.split('\f').map((chunk, i) => {
		const lines: TextLine[] = [];
		chunk.split('\n').forEach((raw, y) => {
			const trimmed = raw.trimEnd().trim();
			if (trimmed === '') return;
			const x = raw.length - raw.trimStart().length;
			lines.push({
				text: trimmed,
				page: i + 1,
				line: lines.length + 1,
				x,
				y,
				width: trimmed.length,
				height: 1
			});
		});
		return page(i + 1, lines, options.cgvPages?.includes(i + 1) ?? false, 'text');
	});
	return { format: 'text', pageCount: pages.length, ocrPages: 0, pages, warnings: [] };
}

/** One printed line: its x (PDF points) and its cells, left to right. */
export interface FixtureRow {
	x: number;
	cells: string[];
	/** Font size (default 9). */
	size?: number;
}

/** A reading of PDF-like pages: each row becomes one line at 12-point spacing. */
export function readFromRows(
	pagesRows: FixtureRow[][],
	options: { source?: 'text' | 'ocr' } = {}
): ReadResult {
	const pages = pagesRows.map((rows, i) => {
		const lines: TextLine[] = rows.map((row, j) => {
			const text = row.cells.join('  ');
			const size = row.size ?? 9;
			return {
				text,
				page: i + 1,
				line: j + 1,
				x: row.x,
				y: 40 + j * 12,
				width: text.length * size * 0.5,
				height: size
			};
		});
		return page(i + 1, lines, false, options.source ?? 'text');
	});
	const ocr = options.source === 'ocr' ? pages.length : 0;
	return { format: 'pdf', pageCount: pages.length, ocrPages: ocr, pages, warnings: [] };
}

function page(number: number, lines: TextLine[], cgv: boolean, source: 'text' | 'ocr'): ReadPage {
	return {
		number,
		source: lines.length === 0 ? 'empty' : source,
		text: lines.map((l) => l.text).join('\n'),
		lines,
		rotation: 0,
		cgv
	};
}
