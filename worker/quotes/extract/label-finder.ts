import { segmentBelow, segmentRight, type QuoteDocument, type Segment } from './quote-document.ts';
import { labelPattern, labelSource } from './label-synonyms.ts';
import { fold, unfoldSlice } from './value-normalise.ts';
import type { Found } from './types.ts';

/** A label found on the document and the text printed after it (same cell, next cell or below). */
export interface LabelHit {
	seg: Segment;
	/** Folded label as matched. */
	label: string;
	/** Rank of the label in its synonym list (0 = first, the most specific by convention). */
	rank: number;
	/** Text after the label, as printed. */
	value: string;
	/** Segment holding the value. */
	valueSeg: Segment;
	/** Position of the hit in reading order. */
	order: number;
	/** Folded text before the label in its cell. */
	before: string;
	/** False for a relaxed label found in the middle of a cell (see `FindOptions.relaxed`). */
	anchored: boolean;
}

/** Options of `findLabels`. */
export interface FindOptions {
	/**
	 * Anchored labels that may also be found mid-cell (two columns joined by a single space:
	 * "44000 Nantes N° DV-12"); such hits are flagged `anchored: false` for the caller to judge.
	 */
	relaxed?: readonly string[];
	/** Labels that only count at the start of a cell or after a separator ("n°", "date", "le"). */
	anchored?: readonly string[];
	/** Rows to ignore (e.g. the works table). */
	skipRows?: ReadonlySet<number>;
	/** Look in the cell below when nothing follows the label on its row. */
	below?: boolean;
	/** Look in the next cell of the row when nothing follows the label in its cell. */
	right?: boolean;
}

const ANCHOR_BEFORE = /(?:^|[-|•;,(:/–]|\s-)\s*$/;
const AFTER_LABEL = /^\s*(?:\([^)]{0,14}\)\s*)?(?:(?:[:=]|\s-\s?)\s*|(?:n\s?[°º*]|no\b\.?)\s*:?\s*)?/;

/**
 * Every occurrence of the labels on the document, with the value printed after each one.
 * Labels are matched on folded text, longest first, at word boundaries.
 */
export function findLabels(
	doc: QuoteDocument,
	labels: readonly string[],
	options: FindOptions = {}
): LabelHit[] {
	const anchoredSet = new Set((options.anchored ?? []).map((l) => fold(l)));
	const free = labels.filter((l) => !anchoredSet.has(fold(l)));
	const anchored = labels.filter((l) => anchoredSet.has(fold(l)));
	const patterns = [
		free.length > 0 ? { re: labelPattern(free, 'g'), anchored: false } : null,
		anchored.length > 0 ? { re: labelPattern(anchored, 'g'), anchored: true } : null
	].filter((p) => p !== null);
	const sources = labels.map((l) => new RegExp(`^(?:${labelSource(l)})$`));
	const relaxed = (options.relaxed ?? []).map((l) => new RegExp(`^(?:${labelSource(l)})$`));
	const hits: LabelHit[] = [];
	let order = 0;
	for (const row of doc.rows) {
		if (options.skipRows?.has(row.index)) continue;
		for (const seg of row.segments) {
			const key = seg.key;
			const found: { start: number; end: number; label: string; anchored: boolean; generic: boolean }[] = [];
			for (const p of patterns) {
				for (const m of key.matchAll(p.re)) {
					const start = m.index ?? 0;
					const ok = !p.anchored || ANCHOR_BEFORE.test(key.slice(0, start));
					if (!ok && !relaxed.some((re) => re.test(m[0]))) continue;
					found.push({ start, end: start + m[0].length, label: m[0], anchored: ok, generic: p.anchored });
				}
			}
			// Keep the longest label among overlapping ones.
			found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
			let lastEnd = -1;
			for (const f of found) {
				if (f.start < lastEnd) continue;
				lastEnd = f.end;
				let after = key.slice(f.end).match(AFTER_LABEL)?.[0] ?? '';
				// "Durée de validité du devis : 90 jours": a short complement before the colon.
				// Not for generic labels ("Date de la visite : …" is not a "Date : …").
				if (!f.generic && !/[:=]/.test(after)) {
					const complement = key
						.slice(f.end)
						.match(/^\s+(?:d[eu]|des|de la|de l'|pour|du present)\b[^:=\d]{0,28}[:=]\s*/);
					if (complement) after = complement[0];
				}
				let value = unfoldSlice(seg.text, seg.folded, f.end + after.length, key.length).trim();
				let valueSeg = seg;
				if (value === '' && options.right !== false) {
					const right = segmentRight(doc, seg);
					if (right) {
						value = right.text.replace(/^\s*[:=]\s*/, '');
						valueSeg = right;
					}
				}
				if (value === '' && options.below) {
					const below = segmentBelow(doc, seg);
					if (below) {
						value = below.text;
						valueSeg = below;
					}
				}
				const rank = sources.findIndex((re) => re.test(f.label));
				hits.push({
					seg,
					label: f.label,
					rank: rank < 0 ? labels.length : rank,
					value,
					valueSeg,
					order: order++,
					before: key.slice(0, f.start),
					anchored: f.anchored
				});
			}
		}
	}
	return hits;
}

/** How to choose among several hits that parse. */
export type Pick = 'first' | 'last' | 'best-first' | 'best-last';

/**
 * Parses the hits' values and keeps one: `first`/`last` in reading order, or `best-*` by label
 * rank (most specific label), then reading order.
 */
export function pickValue<T>(
	hits: LabelHit[],
	parse: (value: string, hit: LabelHit) => T | null,
	pick: Pick = 'best-first'
): Found<T> | null {
	const parsed = hits
		.map((hit) => ({ hit, value: parse(hit.value, hit) }))
		.filter((p): p is { hit: LabelHit; value: T } => p.value !== null && p.value !== undefined);
	if (parsed.length === 0) return null;
	const byOrder = (a: { hit: LabelHit }, b: { hit: LabelHit }) => a.hit.order - b.hit.order;
	const sorted = [...parsed].sort((a, b) => {
		if (pick === 'best-first' || pick === 'best-last') {
			if (a.hit.rank !== b.hit.rank) return a.hit.rank - b.hit.rank;
		}
		return pick === 'last' || pick === 'best-last' ? -byOrder(a, b) : byOrder(a, b);
	});
	const chosen = sorted[0]!;
	return { value: chosen.value, where: chosen.hit.valueSeg.where };
}

/** The text of a value up to the next separator (" – ", " | ", ";", two spaces). */
export function untilSeparator(value: string): string {
	return value.split(/\s+[–—|]\s+|\s+-\s+|;\s*|\s{2,}/)[0]!.trim();
}
