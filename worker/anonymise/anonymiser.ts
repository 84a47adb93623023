import type {
	AnonymisablePage,
	AnonymiseMapping,
	AnonymiseResult,
	PiiKind,
	PiiSpan,
	PlaceholderEntry
} from './anonymise-types.ts';
import { detectPii, fold, nameVariants } from './pii-detectors.ts';

/** Matches a placeholder written by `anonymise`, tolerating spaces an LLM may add inside brackets. */
const PLACEHOLDER = /\[\s*([A-Z_]+?)_(\d{1,4})\s*\]/g;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Key under which two spellings of one value share a placeholder ("DUBREUIL" = "Dubreuil"). */
function valueKey(kind: PiiKind, value: string): string {
	const folded = fold(value).replace(/\s+/g, ' ').trim();
	if (kind === 'TELEPHONE' || kind === 'IBAN' || kind === 'NIR')
		return `${kind}:${folded.replace(/[^a-z0-9]/g, '')}`;
	return `${kind}:${folded}`;
}

/** Spans of `text` outside `taken`, where another spelling of a detected name appears. */
function propagateNames(text: string, spans: PiiSpan[]): PiiSpan[] {
	const variants = new Set<string>();
	for (const s of spans)
		if (s.kind === 'NOM') for (const v of nameVariants(text.slice(s.start, s.end))) variants.add(v);
	const extra: PiiSpan[] = [];
	const covered = (start: number, end: number) =>
		[...spans, ...extra].some((s) => s.start < end && start < s.end);
	// Longest first, so "Le Goff" is taken before "Goff".
	for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
		const body = variant
			.split(/\s+/)
			.map((w) => escapeRegExp(w))
			.join('[ \\t]+');
		// Case-insensitive, but only where the word is capitalised or in capitals, as names are.
		const re = new RegExp(`(?<![\\p{L}\\d_\\[])${body}(?![\\p{L}\\d_])`, 'giu');
		for (const m of text.matchAll(re)) {
			if (!/^\p{Lu}/u.test(m[0])) continue;
			if (covered(m.index, m.index + m[0].length)) continue;
			extra.push({ start: m.index, end: m.index + m[0].length, kind: 'NOM', rule: 'propagation' });
		}
	}
	return extra;
}

/**
 * Replaces personal data in `text` by numbered, typed placeholders (`[NOM_1]`, `[ADRESSE_1]`,
 * `[TELEPHONE_1]`…). The same value always gets the same placeholder; the mapping that restores
 * them must stay in the browser. SIRET, SIREN, VAT, RCS and RGE numbers are kept.
 */
export function anonymise(text: string, previous?: AnonymiseMapping): AnonymiseResult {
	const detected = detectPii(text);
	const spans = [...detected, ...propagateNames(text, detected)].sort((a, b) => a.start - b.start);
	const entries: PlaceholderEntry[] = previous ? previous.entries.map((e) => ({ ...e })) : [];
	const byKey = new Map<string, PlaceholderEntry>();
	const nextNumber = new Map<PiiKind, number>();
	for (const entry of entries) {
		byKey.set(valueKey(entry.kind, entry.value), entry);
		const n = Number(/_(\d+)\]$/.exec(entry.placeholder)?.[1] ?? 0);
		nextNumber.set(entry.kind, Math.max(nextNumber.get(entry.kind) ?? 0, n));
	}
	const used = new Set<string>();
	let out = '';
	let cursor = 0;
	for (const s of spans) {
		if (s.start < cursor) continue;
		const value = text.slice(s.start, s.end);
		const key = valueKey(s.kind, value);
		let entry = byKey.get(key);
		if (!entry) {
			const n = (nextNumber.get(s.kind) ?? 0) + 1;
			nextNumber.set(s.kind, n);
			entry = { placeholder: `[${s.kind}_${n}]`, kind: s.kind, value };
			byKey.set(key, entry);
			entries.push(entry);
		}
		used.add(entry.placeholder);
		out += text.slice(cursor, s.start) + entry.placeholder;
		cursor = s.end;
	}
	out += text.slice(cursor);
	const counts: Partial<Record<PiiKind, number>> = {};
	for (const entry of entries) {
		if (used.has(entry.placeholder)) counts[entry.kind] = (counts[entry.kind] ?? 0) + 1;
	}
	return { text: out, mapping: { entries }, counts };
}

/** Puts the original values back into a string that contains placeholders. */
export function restore(value: string, mapping: AnonymiseMapping): string {
	if (!value.includes('[')) return value;
	const byPlaceholder = new Map(mapping.entries.map((e) => [e.placeholder, e.value]));
	return value.replace(
		PLACEHOLDER,
		(whole, kind: string, n: string) => byPlaceholder.get(`[${kind}_${n}]`) ?? whole
	);
}

/** Restores every string inside a JSON-like value (objects, arrays), leaving other values as they are. */
export function restoreDeep<T>(value: T, mapping: AnonymiseMapping): T {
	if (typeof value === 'string') return restore(value, mapping) as T;
	if (Array.isArray(value)) return value.map((item: unknown) => restoreDeep(item, mapping)) as T;
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) out[key] = restoreDeep(item, mapping);
		return out as T;
	}
	return value;
}

/** Placeholders present in a text (e.g. what an LLM answer refers to). */
export function placeholdersIn(text: string): string[] {
	return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => `[${m[1]}_${m[2]}]`))];
}

/** An anonymised document: the text sent, and which pages were sent or held back. */
export interface AnonymisedDocument extends AnonymiseResult {
	pagesSent: number[];
	/** General-terms pages: never sent. */
	pagesSkipped: number[];
}

/**
 * Anonymises the pages of a read quote for an LLM: general terms of sale are left out, each
 * page is introduced by `--- Page N ---`, and one mapping covers the whole document.
 */
export function anonymisePages(pages: readonly AnonymisablePage[]): AnonymisedDocument {
	const sent = pages.filter((p) => !p.cgv && p.text.trim());
	const text = sent.map((p) => `--- Page ${p.number} ---\n${p.text.trim()}`).join('\n\n');
	return {
		...anonymise(text),
		pagesSent: sent.map((p) => p.number),
		pagesSkipped: pages.filter((p) => p.cgv).map((p) => p.number)
	};
}
