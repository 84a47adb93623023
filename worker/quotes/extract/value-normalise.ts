/**
 * Normalisers for the values printed on a devis: money amounts, plain numbers, percentages,
 * dates and free text. Every parser returns `null` when the text is not a value it understands,
 * never a guess.
 */

/** Folded text plus, for each of its characters, the index of the original character. */
export interface FoldedText {
	key: string;
	map: number[];
}

const FOLD_CHAR: Record<string, string> = {
	œ: 'oe',
	Œ: 'oe',
	æ: 'ae',
	Æ: 'ae',
	'’': "'",
	'‘': "'",
	'`': "'",
	'´': "'",
	ʼ: "'",
	'–': '-',
	'—': '-',
	'‒': '-',
	'−': '-',
	'\u00a0': ' ',
	'\u202f': ' ',
	'\u2007': ' ',
	'\u2009': ' ',
	'\t': ' ',
	'\n': ' ',
	'\r': ' '
};

/**
 * Lower case, accents removed, typographic apostrophes and dashes unified, spaces collapsed,
 * with a map back to the original text so a match can be returned as printed.
 */
export function foldWithMap(text: string): FoldedText {
	let key = '';
	const map: number[] = [];
	for (let i = 0; i < text.length; i++) {
		const ch = text[i]!;
		let out = FOLD_CHAR[ch];
		if (out === undefined) {
			out = ch
				.normalize('NFD')
				.replace(/[\u0300-\u036f]/g, '')
				.toLowerCase();
		}
		for (const c of out) {
			if (c === ' ' && (key === '' || key.endsWith(' '))) continue;
			key += c;
			map.push(i);
		}
	}
	if (key.endsWith(' ')) {
		key = key.slice(0, -1);
		map.pop();
	}
	return { key, map };
}

/** Lower case, accents removed, typographic apostrophes and dashes unified, spaces collapsed. */
export function fold(text: string): string {
	return foldWithMap(text).key;
}

/** The original text behind `folded.key.slice(start, end)`. */
export function unfoldSlice(text: string, folded: FoldedText, start: number, end: number): string {
	if (start >= end || start >= folded.map.length) return '';
	const from = folded.map[start]!;
	const to = (folded.map[Math.min(end, folded.map.length) - 1] ?? from) + 1;
	return text.slice(from, to);
}

/** Collapses every kind of space (no-break, thin) into one plain space and trims. */
export function cleanSpaces(text: string): string {
	return text
		.replace(/[\u00a0\u202f\u2007\u2009\t]/g, ' ')
		.replace(/ {2,}/g, ' ')
		.trim();
}

const SPACE_CLASS = '[ \\u00a0\\u202f\\u2007\\u2009]';

/**
 * Source of a money amount: `1 234,56 €`, `1.234,56`, `1,234.56`, `1234.56 EUR`, `€ 980`.
 * Thousands are grouped by spaces, dots, commas or apostrophes; decimals have one or two digits.
 */
export const MONEY_SOURCE =
	`(?:€${SPACE_CLASS}?)?-?(?:\\d{1,3}(?:(?:${SPACE_CLASS}|[.,'])\\d{3})+|\\d+)(?:[.,]\\d{1,2})?` +
	`(?:${SPACE_CLASS}?(?:€|eur(?:os?)?\\b))?`;

/**
 * Parses a money amount written the French or the English way; `null` if the text holds
 * anything else. `1 234,56 €` → 1234.56, `1.234,56` → 1234.56, `1,234.56` → 1234.56,
 * `12.500` → 12500 (a dot before exactly three digits groups thousands).
 */
export function parseAmount(text: string): number | null {
	let t = text
		.replace(/[\u00a0\u202f\u2007\u2009]/g, ' ')
		.replace(/€|\beur(?:os?)?\b|\b(?:ht|ttc|h\.t\.|t\.t\.c\.)/gi, '')
		.trim();
	if (t === '') return null;
	const negative = /^-/.test(t);
	t = t.replace(/^-\s*/, '');
	if (!/^\d[\d .,']*$/.test(t)) return null;
	t = t.replace(/'/g, ' ');
	const lastComma = t.lastIndexOf(',');
	const lastDot = t.lastIndexOf('.');
	let intPart = t;
	let decPart = '';
	if (lastComma >= 0 && lastDot >= 0) {
		// Both separators: the last one marks the decimals.
		const sep = lastComma > lastDot ? lastComma : lastDot;
		intPart = t.slice(0, sep);
		decPart = t.slice(sep + 1);
	} else if (lastComma >= 0 || lastDot >= 0) {
		const sep = Math.max(lastComma, lastDot);
		const after = t.slice(sep + 1);
		const count = (t.match(/[.,]/g) ?? []).length;
		if (count === 1 && after.length !== 3) {
			intPart = t.slice(0, sep);
			decPart = after;
		} else if (count === 1 && t[sep] === ',' && !/\d{4,}/.test(t.slice(0, sep).replace(/ /g, ''))) {
			// French reading of `1,234`: a comma is a decimal mark unless more groups follow.
			intPart = t.slice(0, sep);
			decPart = after;
		}
	}
	const digits = intPart.replace(/[ .,]/g, '');
	if (!/^\d+$/.test(digits) || (decPart !== '' && !/^\d+$/.test(decPart))) return null;
	// Groups of thousands must be exactly three digits.
	const groups = intPart.split(/[ .,]/);
	if (groups.length > 1 && groups.slice(1).some((g) => g.length !== 3)) return null;
	const value = Number(`${digits}${decPart ? `.${decPart}` : ''}`);
	if (!Number.isFinite(value)) return null;
	return negative ? -value : value;
}

/** Parses a technical number (`4,6`, `4.6`, `1 450`, `0,36`); the first number found in the text. */
export function parseNumber(text: string): number | null {
	const m = text
		.replace(/[\u00a0\u202f\u2007\u2009]/g, ' ')
		.match(/-?\d{1,3}(?: \d{3})+(?:[.,]\d+)?|-?\d+(?:[.,]\d+)?/);
	if (!m) return null;
	const value = Number(m[0].replace(/ /g, '').replace(',', '.'));
	return Number.isFinite(value) ? value : null;
}

/** Parses a percentage (`5,5 %`, `5.5%`, `20 %`, `TVA 10%`); the rate in percent. */
export function parsePercent(text: string): number | null {
	const m = text.replace(/[\u00a0\u202f]/g, ' ').match(/(\d{1,3}(?:[.,]\d{1,3})?)\s*%/);
	if (!m) return null;
	return Number(m[1]!.replace(',', '.'));
}

const MONTHS: Record<string, number> = {
	janvier: 1,
	janv: 1,
	jan: 1,
	fevrier: 2,
	fevr: 2,
	fev: 2,
	mars: 3,
	mar: 3,
	avril: 4,
	avr: 4,
	mai: 5,
	juin: 6,
	juillet: 7,
	juil: 7,
	aout: 8,
	septembre: 9,
	sept: 9,
	sep: 9,
	octobre: 10,
	oct: 10,
	novembre: 11,
	nov: 11,
	decembre: 12,
	dec: 12
};

const MONTH_NAMES = Object.keys(MONTHS)
	.sort((a, b) => b.length - a.length)
	.join('|');

/** Date patterns on the folded text: numeric day first, ISO, and French month names. */
const DATE_PATTERNS: { re: RegExp; order: 'dmy' | 'ymd' | 'dMy' }[] = [
	{ re: /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/, order: 'ymd' },
	{ re: /\b(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{4}|\d{2})\b/, order: 'dmy' },
	{
		re: new RegExp(`\\b(\\d{1,2})(?:er)?\\s+(${MONTH_NAMES})\\.?\\s+(\\d{4})\\b`),
		order: 'dMy'
	}
];

/** Source matching any date format `findDates` understands (on folded text). */
export const DATE_SOURCE = DATE_PATTERNS.map((p) => p.re.source).join('|');

/** A date found in a text: ISO value and its position in the folded text. */
export interface DateMatch {
	iso: string;
	index: number;
	length: number;
}

/** Every date in the text, in reading order, as ISO `YYYY-MM-DD`; impossible dates are skipped. */
export function findDates(text: string): DateMatch[] {
	const folded = fold(text);
	const found: DateMatch[] = [];
	for (const { re, order } of DATE_PATTERNS) {
		const global = new RegExp(re.source, 'g');
		for (const m of folded.matchAll(global)) {
			const iso = toIso(m, order);
			if (!iso) continue;
			const index = m.index ?? 0;
			if (found.some((f) => index < f.index + f.length && f.index < index + m[0].length)) continue;
			found.push({ iso, index, length: m[0].length });
		}
	}
	return found.sort((a, b) => a.index - b.index);
}

/** The first date of a text as ISO `YYYY-MM-DD` (`12/03/2026`, `12 mars 2026`, `2026-03-12`…). */
export function parseDate(text: string): string | null {
	return findDates(text)[0]?.iso ?? null;
}

function toIso(m: RegExpMatchArray, order: 'dmy' | 'ymd' | 'dMy'): string | null {
	let y: number;
	let mo: number;
	let d: number;
	if (order === 'ymd') {
		y = Number(m[1]);
		mo = Number(m[2]);
		d = Number(m[3]);
	} else if (order === 'dmy') {
		d = Number(m[1]);
		mo = Number(m[2]);
		y = Number(m[3]);
		if (m[3]!.length === 2) y += 2000;
	} else {
		d = Number(m[1]);
		mo = MONTHS[m[2]!] ?? 0;
		y = Number(m[3]);
	}
	if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1) return null;
	const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
	if (d > days) return null;
	return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Whole days from `a` to `b` (ISO dates); positive when `b` is later. */
export function daysBetween(a: string, b: string): number {
	return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Adds calendar months to an ISO date (end of month clamps: 31 Jan + 1 month → 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
	const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
	const total = y * 12 + (m - 1) + months;
	const ny = Math.floor(total / 12);
	const nm = (total % 12) + 1;
	const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
	return `${ny}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Digits only (`912 345 600 00015` → `91234560000015`). */
export function digitsOnly(text: string): string {
	return text.replace(/\D/g, '');
}

/** Rounds a money value to cents (avoids `0.1 + 0.2` artefacts in comparisons). */
export function cents(value: number): number {
	return Math.round(value * 100) / 100;
}

/** A number and its unit at the start of a text (`3 mois` → {3, 'mois'}), on folded text. */
export function leadingNumberUnit(text: string): { value: number; unit: string } | null {
	const m = fold(text)
		.replace(/^(?:[:=]\s*|de |est de |pendant |pour |sur )+/, '')
		.match(/^(\d+(?:[.,]\d+)?)\s*([a-z]+)/);
	if (!m) return null;
	return { value: Number(m[1]!.replace(',', '.')), unit: m[2]! };
}
