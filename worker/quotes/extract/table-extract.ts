import type { QuoteDocument, Row } from './quote-document.ts';
import { cleanSpaces, fold, parseAmount } from './value-normalise.ts';
import type { LineItem, Provenance } from './types.ts';

/**
 * The works table: finds the header, then reads each priced line from the right (total, VAT,
 * unit price, unit, quantity) whatever the column order, and attaches the description lines
 * that follow it. Works on cell segments (PDF text) and on plain lines (OCR, `.txt`, pipes).
 */

/** Words of a table header, by column (folded). */
const HEADER_WORDS: Record<string, RegExp> = {
	designation:
		/\b(?:designation|description|libelle|intitule|prestations?|produits?|articles?|nature des travaux|detail|travaux)\b/,
	quantite: /\b(?:qte|qt|quantite|quant\.?|qty|nb|nombre)\b/,
	unite: /\b(?:unite|u\.|unit)\b/,
	prix_unitaire: /\b(?:p\.?\s?u\.?(?:\s?ht)?|prix unitaire|prix unit\.?|pu ht|prix u\.?)\b/,
	tva: /\b(?:tva|taux|t\.v\.a\.?)\b/,
	total: /\b(?:total|montant|prix total|total ht|montant ht)\b/
};

/** Rows that end the table: grand totals (sub-totals do not). */
const TOTAL_ROW =
	/^(?:total|montant total|montant global|net a payer|total general|total des travaux|total h\.?t|total t\.?t\.?c|montant h\.?t|montant t\.?t\.?c)\b/;
const SUBTOTAL_ROW = /^(?:sous[- ]?total|total (?:lot|partie|section|poste)|report)\b/;
/** Rows that are part of a line's description or a deduction, never a priced line of their own. */
const NOT_ITEM_ROW =
	/^(?:\(?[a-z0-9]{1,2}\)?\s*[:=-]\s*(?=t\.?v\.?a|taux))?(?:dont|soit|y compris|remise|rabais|escompte|acompte|prime|aide|deduction|a deduire|montant (?:de l'aide|de la prime)|t\.?v\.?a(?![a-z]))/;

const SP = '[ \\u00a0\\u202f]';
const MONEY_TAIL = new RegExp(
	`(?:^|\\s)((?:€${SP}?)?-?(?:\\d{1,3}(?:${SP}\\d{3})+|\\d{1,3}(?:\\.\\d{3})+(?=,)|\\d+)(?:,\\d{1,2}|\\.\\d{2})?(?:${SP}?(?:€|eur(?:os?)?))?)$`,
	'i'
);
const PERCENT_TAIL = /(?:^|\s)(\d{1,2}(?:[.,]\d{1,2})?\s?%)$/;
const UNIT_WORDS =
	'u|u\\.|ju|lu|iu|\\|u|un\\.?|fortait|forfalt|m\\?|unite|unites|unité|unités|ens\\.?|ensemble|forfait|forf\\.?|fft|ft|m²|m2|m³|m3|ml|m\\.l\\.|m|h|hr|heures?|j|jours?|kg|l|litres?|lot|pce|pces|pièces?|pieces?|pc|pcs|paire|unit'; // prettier-ignore
const UNIT_TAIL = new RegExp(`(?:^|\\s)(${UNIT_WORDS})$`, 'i');
const UNIT_CELL = new RegExp(`(?:^|\\s{2,})(${UNIT_WORDS})$`, 'i');
const QTY_UNIT_TAIL = new RegExp(`(?:^|\\s)(\\d+(?:[.,]\\d{1,3})?)\\s{0,3}(${UNIT_WORDS})$`, 'i');
/** Quantity and unit alone at the end of a row without price: only as separate cells. */
const QTY_UNIT_CELL = new RegExp(`\\s{2,}(\\d+(?:[.,]\\d{1,3})?)\\s{0,3}(${UNIT_WORDS})$`, 'i');
const QTY_TAIL = /(?:^|\s)(\d{1,6}(?:[.,]\d{1,3})?)$/;
const LINE_NUMBER = /^\s*((?:[A-Z]\s?)?\d{1,3}(?:[.-]\d{1,3}){0,3})[.)]?(?:\s+|$)/;

/** A token read from the right end of a priced line. */
type Token =
	| { kind: 'money'; value: number; text: string }
	| { kind: 'percent'; value: number; text: string }
	| { kind: 'unit'; text: string }
	| { kind: 'qty'; value: number; text: string }
	| { kind: 'code'; text: string };

/** The priced part of a line, read from the right. */
export interface PriceTail {
	head: string;
	quantite: number | null;
	unite: string | null;
	prix_unitaire_ht: number | null;
	prix_ht: number | null;
	taux_tva: number | null;
	/** VAT code printed instead of a rate (resolved through the VAT legend). */
	code_tva: string | null;
	hasMoney: boolean;
}

/** Plausible VAT rates in France (mainland and overseas, current and past). */
const VAT_RATES = new Set([0, 2.1, 5.5, 7, 8.5, 10, 13, 19.6, 20]);

/** Reads quantity, unit, unit price, VAT and total from the end of a line; `head` is the rest. */
export function parsePriceTail(text: string, vatCodes: ReadonlySet<string> = new Set()): PriceTail {
	let rest = cleanTail(text);
	const tokens: Token[] = [];
	let hasQty = false;
	let hasUnit = false;
	for (let guard = 0; guard < 8 && rest.length > 0; guard++) {
		const t = rest.trimEnd();
		let m: RegExpMatchArray | null;
		// After the quantity only a unit may still come (unit-then-quantity columns).
		if (hasQty) {
			// "m²  85": the unit is a cell of its own, not the end of the label ("Poêle 8 kW  1").
			if (!hasUnit && (m = t.match(UNIT_CELL))) {
				tokens.unshift({ kind: 'unit', text: m[1]! });
				rest = t.slice(0, t.length - m[0].length);
			}
			break;
		}
		if ((m = t.match(PERCENT_TAIL))) {
			const value = Number(m[1]!.replace(/[%\s]/g, '').replace(',', '.'));
			tokens.unshift({ kind: 'percent', value, text: m[1]! });
		} else if ((m = t.match(MONEY_TAIL)) && isMoneyText(m[1]!)) {
			const value = parseAmount(m[1]!);
			if (value === null) break;
			tokens.unshift({ kind: 'money', value, text: m[1]! });
		} else if (
			!hasUnit &&
			(m = t.match(tokens.length > 0 ? QTY_UNIT_TAIL : QTY_UNIT_CELL)) &&
			(tokens.length > 0 || /\s{2,}\S+\s{0,3}\S+$/.test(t))
		) {
			tokens.unshift({ kind: 'unit', text: m[2]! });
			tokens.unshift({ kind: 'qty', value: Number(m[1]!.replace(',', '.')), text: m[1]! });
			hasQty = true;
			hasUnit = true;
		} else if (
			!hasUnit &&
			tokens.length > 0 &&
			(m = t.match(UNIT_TAIL)) &&
			/\d\s*$/.test(t.slice(0, -m[0].length))
		) {
			tokens.unshift({ kind: 'unit', text: m[1]! });
			hasUnit = true;
		} else if (
			// A numeric VAT code between two amounts ("9 800,00  1  9 800,00") is not a quantity.
			vatCodes.size > 0 &&
			!tokens.some((k) => k.kind === 'code') &&
			(m = t.match(/\s([0-9])$/)) &&
			vatCodes.has(m[1]!) &&
			tokens[0]?.kind === 'money' &&
			MONEY_TAIL.test(t.slice(0, -m[0].length).trimEnd())
		) {
			tokens.unshift({ kind: 'code', text: m[1]! });
		} else if (tokens.length > 0 && (m = t.match(QTY_TAIL))) {
			tokens.unshift({ kind: 'qty', value: Number(m[1]!.replace(',', '.')), text: m[1]! });
			hasQty = true;
		} else if (
			vatCodes.size > 0 &&
			!tokens.some((k) => k.kind === 'code') &&
			(m = t.match(tokens.length > 0 ? /(?:^|\s)([A-Z0-9]{1,2})$/ : /\s{2,}([A-Z0-9]{1,2})$/)) &&
			vatCodes.has(m[1]!)
		) {
			tokens.unshift({ kind: 'code', text: m[1]! });
		} else break;
		rest = t.slice(0, t.length - m[0].length);
	}
	return interpret(rest.trim(), tokens);
}

/**
 * Money needs a euro sign, two decimals or thousands grouping: a bare integer is a quantity and
 * "6,5" a technical value ("R = 6,5").
 */
function isMoneyText(text: string): boolean {
	return /€|eur/i.test(text) || /[.,]\d{2}$/.test(text) || /\d[ \u00a0\u202f.]\d{3}/.test(text);
}

/** Removes table rules and OCR noise around amounts ("2300,00€)", "| 5,5% |"). */
function cleanTail(text: string): string {
	return text
		.replace(/(?<=[€\d%])[)\]|]+/g, '')
		.replace(/[\s|\]]+$/g, '')
		.replace(/\s*\|\s*/g, '  ');
}

function interpret(head: string, tokens: Token[]): PriceTail {
	let moneys = tokens.filter((t) => t.kind === 'money') as Extract<Token, { kind: 'money' }>[];
	const percents = tokens.filter((t) => t.kind === 'percent') as Extract<Token, { kind: 'percent' }>[];
	// A VAT column printed without "%" ("5,50") reads as an amount between unit price and total.
	if (moneys.length >= 3 && percents.length === 0) {
		const rate = moneys.slice(1, -1).find((m) => VAT_RATES.has(m.value) && !/€|eur/i.test(m.text));
		if (rate) {
			moneys = moneys.filter((m) => m !== rate);
			percents.push({ kind: 'percent', value: rate.value, text: rate.text });
		}
	}
	const unit = tokens.find((t) => t.kind === 'unit') as Extract<Token, { kind: 'unit' }> | undefined;
	const qtys = tokens.filter((t) => t.kind === 'qty') as Extract<Token, { kind: 'qty' }>[];
	const code = tokens.find((t) => t.kind === 'code') as Extract<Token, { kind: 'code' }> | undefined;
	let quantite = qtys[0]?.value ?? null;
	let pu: number | null = null;
	let total: number | null = null;
	if (moneys.length === 1) total = moneys[0]!.value;
	else if (moneys.length >= 2) {
		pu = moneys[0]!.value;
		total = moneys[moneys.length - 1]!.value;
		if (moneys.length >= 3 && quantite !== null) {
			const ht = moneys.find((m, i) => i > 0 && Math.abs(m.value - quantite! * pu!) < 0.02);
			if (ht) total = ht.value;
		}
	}
	// "2 800,00" may be a quantity 2 glued to a unit price 800,00: keep the reading that adds up.
	if (quantite === null && pu !== null && total !== null && Math.abs(pu - total) > 0.01) {
		const m = moneys[0]!.text.match(
			/^(\d{1,3})[ \u00a0\u202f](\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:,\d{1,2})?.*)$/
		);
		const q = m ? Number(m[1]) : NaN;
		const rest = m ? parseAmount(m[2]!) : null;
		if (rest !== null && Math.abs(q * rest - total) < 0.02) {
			quantite = q;
			pu = rest;
		}
	}
	// OCR often drops the comma of a rate ("55%" for 5,5 %): a tenth of an impossible rate is kept.
	for (const p of percents)
		if (!VAT_RATES.has(p.value) && VAT_RATES.has(p.value / 10)) p.value = p.value / 10;
	const vat = [...percents].reverse().find((p) => VAT_RATES.has(p.value)) ?? percents[percents.length - 1];
	return {
		head,
		quantite,
		unite: unit?.text ?? null,
		prix_unitaire_ht: pu,
		prix_ht: total,
		taux_tva: vat?.value ?? null,
		code_tva: code?.text ?? null,
		hasMoney: moneys.length > 0
	};
}

/** The works table found in a document: its priced lines and the rows it covers. */
export interface WorksTable {
	items: LineItem[];
	/** Indexes of the rows inside the table (header, lines, descriptions, sections). */
	rows: Set<number>;
	/** Row index of the header, if one was found. */
	headerRow: number | null;
	/** Discount or deduction rows met inside the table. */
	deductions: number;
}

/** Whether a row looks like the header of a works table: short cells naming three columns or more. */
export function isHeaderRow(row: Row): boolean {
	const key = row.key;
	if (key.length > 140 || /\d{2,}[.,]\d{2}/.test(key)) return false;
	// A sentence ("… travaux. Le montant …") is a paragraph, not a header, unless cut in cells.
	if (row.segments.length < 3 && /\p{L}{3,}[.;] \p{L}/u.test(key)) return false;
	let count = 0;
	for (const re of Object.values(HEADER_WORDS)) if (re.test(key)) count++;
	const words = key.split(/\s+/).length;
	return count >= 3 && (row.segments.length >= 3 || words <= 12);
}

/** A lump sum for supply and installation together: a line of its own, never a continuation. */
const LUMP_SUM_ROW =
	/fourniture et pose|fourni(?:e|s)?,? (?:et )?pose|forfait global|montant (?:global|forfaitaire)|prix global/;

/** Section titles of works tables: lots, trades and rooms (folded, at the start of the row). */
const SECTION_WORDS =
	/^(?:lot\b|poste\b|partie\b|chapitre\b|tranche\b|isolation|chauffage|ventilation|menuiseries?|eau chaude|production d'eau chaude|prestations?|travaux|equipements?|fournitures?|options?|sejour|salon|chambres?|cuisine|salle|sdb|wc|entree|bureau|combles?|garage|rez|etage|facades?|toiture|murs?|planchers?|sous-sol|pieces? (?:seches|humides)|detail)/;

/** Reads the works table of a document; VAT codes (e.g. `A`, `T1`) come from the VAT legend. */
export function readWorksTable(
	doc: QuoteDocument,
	vatCodes: ReadonlyMap<string, number> = new Map()
): WorksTable {
	const codes = new Set(vatCodes.keys());
	const rows = doc.rows;
	const tableRows = new Set<number>();
	const items: LineItem[] = [];
	const headerIndexes = new Set(rows.filter(isHeaderRow).map((r) => r.index));
	const headerRow = [...headerIndexes][0] ?? null;
	// The x of the line-number column: the header's first cell when it is "N°", "Réf.", "#"…
	let numberX: number | null = null;
	if (headerRow !== null) {
		const first = rows[headerRow]!.segments[0]!;
		if (/^[|\s]*(?:n\s?[°º*eo]?\.?|no|#|ref\.?|item|pos\.?|ligne|code|art\.?)$/.test(first.key))
			numberX = first.x;
	}
	const start = headerRow ?? firstPricedRow(doc);
	if (start === null) return { items, rows: tableRows, headerRow, deductions: 0 };
	let deductions = 0;

	let current: LineItem | null = null;
	let section: string | null = null;
	let lastNumber = 0;
	let afterTotals = false;
	let lastItemX: number | null = null;
	const details = new Set<LineItem>();
	const flush = () => {
		if (current) items.push(current);
		current = null;
	};
	for (let i = start; i < rows.length; i++) {
		const row = rows[i]!;
		if (headerIndexes.has(i)) {
			flush();
			afterTotals = false;
			tableRows.add(i);
			continue;
		}
		const key = row.key.replace(/^[|\s]+/, '');
		// A total may share its printed line with a paragraph on the left ("Conditions…  Total HT  12 000 €").
		if (row.segments.some((s) => TOTAL_ROW.test(s.key.replace(/^[|\s]+/, '')) && !SUBTOTAL_ROW.test(s.key))) {
			flush();
			afterTotals = true;
			section = null;
			continue;
		}
		if (SUBTOTAL_ROW.test(key)) {
			tableRows.add(i);
			continue;
		}
		const text = row.segments
			.map((s) => s.text)
			.join('  ')
			.replace(/^[|\s]+/, '');
		const numberMatch = text.match(LINE_NUMBER);
		const afterNumber = numberMatch ? text.slice(numberMatch[0].length).replace(/^[|\s]+/, '') : text;
		const tail = parsePriceTail(afterNumber, codes);
		const taux = tail.taux_tva ?? (tail.code_tva ? (vatCodes.get(tail.code_tva) ?? null) : null);
		const startsWithWord = /^[\p{L}«"'(]/u.test(tail.head);
		const x = row.segments[0]!.x;
		const lineNo = numberMatch ? Number(numberMatch[1]!.replace(/^[A-Z]\s?/, '').split(/[.-]/)[0]) : NaN;
		const sequential = lineNo === lastNumber + 1 || lineNo === lastNumber;
		const inNumberColumn =
			numberX !== null ? Math.abs(x - numberX) <= 8 : lastItemX === null || x <= lastItemX + 4;
		const hasQtyUnit = tail.quantite !== null && tail.unite !== null;
		const numbered =
			numberMatch !== null &&
			startsWithWord &&
			inNumberColumn &&
			(numberX !== null
				? sequential || tail.hasMoney || hasQtyUnit
				: sequential && (tail.hasMoney || hasQtyUnit || current === null || lineNo === lastNumber + 1));
		const where: Provenance =
			row.segments.find((s) => /\p{L}/u.test(s.text))?.where ?? row.segments[0]!.where;
		const headKey = fold(tail.head);
		// "Label : 12,00 €" inside a description is a detail of the line above, not a line.
		if (tail.hasMoney && /^(?:remise|rabais|escompte|deduction|a deduire|prime|aide)/.test(headKey))
			deductions++;
		const isNotItem =
			NOT_ITEM_ROW.test(headKey) ||
			/^(?:solde|reste|echeance|versement|paiement|net|conditions|modalites|reglement)\b/.test(headKey) ||
			(!numbered && /[:=]$/.test(headKey));
		// After the totals only rows that clearly are priced lines (detail pages) are read.
		const strongItem =
			(!isNotItem && numbered) ||
			(tail.hasMoney && (tail.prix_unitaire_ht !== null || hasQtyUnit) && /\p{L}{3,}/u.test(tail.head));
		if (afterTotals && !strongItem) {
			if (current && !tail.hasMoney) {
				current.description = `${current.description}\n${cellText(row)}`;
				current.lines.push(where);
				tableRows.add(i);
			} else flush();
			continue;
		}

		// Rows indented like descriptions ("Sw  0,36", "Volume  200 L") are details of the line
		// above, unless clearly priced (a euro sign, or several amounts and rates).
		const indented = numberX !== null ? x > numberX + 8 : lastItemX !== null && x > lastItemX + 4;
		const moneyTokens =
			(tail.prix_unitaire_ht !== null ? 1 : 0) +
			(tail.prix_ht !== null ? 1 : 0) +
			(tail.taux_tva !== null ? 1 : 0);
		const clearlyPriced = tail.hasMoney && (/€|eur/i.test(text) || moneyTokens >= 2);
		const priced = tail.hasMoney && !isNotItem && (!indented || clearlyPriced);
		// A line priced elsewhere (lump sum) still shows its quantity and unit as cells.
		const unpricedLine =
			hasQtyUnit &&
			!tail.hasMoney &&
			!indented &&
			startsWithWord &&
			!isNotItem &&
			tail.head.split(/\s+/).length >= 3;
		// "1. Séjour" above "1.1 …", "1.2 …": a numbered section title, not a line.
		const nextNumber =
			rows[i + 1]?.segments
				.map((s) => s.text)
				.join('  ')
				.match(LINE_NUMBER)?.[1] ?? '';
		const numberedSection =
			numbered &&
			!tail.hasMoney &&
			!hasQtyUnit &&
			nextNumber.startsWith(`${numberMatch![1]!.replace(/[.]$/, '')}.`);
		if (numberedSection) {
			flush();
			section = cleanSpaces(tail.head);
			tableRows.add(i);
			continue;
		}
		if (priced || numbered || unpricedLine) {
			if (tail.head === '' && current && current.prix_ht === null) {
				// Prices printed on their own row under the designation.
				Object.assign(current, pricesOf(tail, taux));
				tableRows.add(i);
				continue;
			}
			if (
				current &&
				current.prix_ht === null &&
				current.lines.length === 1 &&
				!numbered &&
				indented &&
				!LUMP_SUM_ROW.test(headKey)
			) {
				// A designation on two lines, priced on the second: the line goes on.
				Object.assign(current, pricesOf(tail, taux));
				current.description = `${current.description}\n${cleanSpaces(tail.head)}`;
				current.lines.push(where);
				tableRows.add(i);
				continue;
			}
			flush();
			if (numbered) lastNumber = lineNo;
			lastItemX = x;
			current = {
				intitule: cleanSpaces(tail.head),
				section,
				description: cleanSpaces(tail.head),
				...pricesOf(tail, taux),
				where,
				lines: [where]
			};
			if (afterTotals) details.add(current);
			tableRows.add(i);
			continue;
		}
		// A short unnumbered title in the number column (or naming a lot or a room) is a section.
		const looksLikeTitle =
			!/[:=]/.test(text) &&
			text.split(/\s+/).length <= 7 &&
			!/\d[.,]\d/.test(text) &&
			/\p{L}{3,}/u.test(text);
		const inSectionColumn = numberX !== null && Math.abs(x - numberX) <= 6;
		const nextIsItem = (() => {
			const next = rows[i + 1];
			if (!next) return false;
			const t = next.segments.map((s) => s.text).join('  ');
			return LINE_NUMBER.test(t) || parsePriceTail(t, codes).hasMoney;
		})();
		if (
			looksLikeTitle &&
			!tail.hasMoney &&
			(inSectionColumn || (numberX === null && nextIsItem && SECTION_WORDS.test(fold(text))))
		) {
			flush();
			section = cleanSpaces(text.replace(/^[-–•*\s]+/, '').replace(/\s*:$/, ''));
			tableRows.add(i);
			continue;
		}
		if (current) {
			current.description = `${current.description}\n${cellText(row)}`;
			current.lines.push(where);
			tableRows.add(i);
		}
	}
	flush();
	return { items: mergeDetails(items, details), rows: tableRows, headerRow, deductions };
}

/** Word set of a label, for matching a recap line with its detail line. */
function words(text: string): Set<string> {
	return new Set(
		fold(text)
			.split(/[^a-z0-9]+/)
			.filter((w) => w.length > 1)
	);
}

/**
 * A devis may list its lines twice: a recap with totals, then a technical detail (often on
 * other pages). A detail line (read after the totals) is merged into the recap line with the
 * same label: the detail fills what the recap lacks.
 */
export function mergeDetails(items: LineItem[], details: ReadonlySet<LineItem>): LineItem[] {
	const out: LineItem[] = [];
	const merged = new Set<LineItem>();
	for (const item of items) {
		const twin = details.has(item)
			? bestTwin(
					item,
					out.filter((o) => !details.has(o) && !merged.has(o))
				)
			: null;
		if (!twin) {
			out.push(item);
			continue;
		}
		merged.add(twin);
		twin.quantite ??= item.quantite;
		twin.unite ??= item.unite;
		twin.prix_unitaire_ht ??= item.prix_unitaire_ht;
		twin.prix_ht ??= item.prix_ht;
		twin.taux_tva ??= item.taux_tva;
		const [, ...detail] = item.description.split('\n');
		const [, ...detailLines] = item.lines;
		if (detail.length > 0) {
			twin.description = [twin.description, ...detail].join('\n');
			twin.lines = [...twin.lines, ...detailLines];
		}
	}
	return out;
}

function bestTwin(item: LineItem, candidates: LineItem[]): LineItem | null {
	const w = words(item.intitule);
	let best: { item: LineItem; score: number } | null = null;
	for (const o of candidates) {
		const ow = words(o.intitule);
		if (ow.size === 0 || w.size === 0) continue;
		const sameTotal =
			o.prix_ht === null || item.prix_ht === null || Math.abs(o.prix_ht - item.prix_ht) < 0.02;
		const score = [...w].filter((x) => ow.has(x)).length / Math.max(w.size, ow.size);
		if (sameTotal && score >= 0.75 && (!best || score > best.score)) best = { item: o, score };
	}
	return best?.item ?? null;
}

/** Units as printed, with OCR misreadings mended ("ju" → "u", "m?" → "m²"). */
export function normaliseUnit(unit: string | null): string | null {
	if (unit === null) return null;
	const u = unit.trim();
	if (/^(?:[|jli]u|u\.?|un\.?)$/i.test(u)) return 'u';
	if (/^(?:fortait|forfalt|forf\.?|fft|ft)$/i.test(u)) return 'forfait';
	if (/^m[?2]$/i.test(u)) return 'm²';
	if (/^m3$/i.test(u)) return 'm³';
	return u;
}

/** A description row as text, its cells kept apart by " | " (a field separator). */
function cellText(row: Row): string {
	const cells = row.segments.map((s) => cleanSpaces(s.text)).filter((t) => t !== '' && t !== '|');
	// A two-cell row "Marque | Caloria" is a label and its value.
	if (
		cells.length === 2 &&
		!/[:=]/.test(cells[0]!) &&
		/^\p{L}[\p{L}'’ .()/-]{1,40}$/u.test(cells[0]!) &&
		cells[0]!.split(' ').length <= 6
	) {
		return `${cells[0]} : ${cells[1]}`;
	}
	return cells.join(' | ');
}

function pricesOf(tail: PriceTail, taux: number | null) {
	return {
		quantite: tail.quantite,
		unite: normaliseUnit(tail.unite),
		prix_unitaire_ht: tail.prix_unitaire_ht,
		prix_ht: tail.prix_ht,
		taux_tva: taux
	};
}

/** Without a header, the table starts at the first row that ends with an amount and is not a total. */
function firstPricedRow(doc: QuoteDocument): number | null {
	for (const row of doc.rows) {
		const key = row.key;
		if (TOTAL_ROW.test(key) || SUBTOTAL_ROW.test(key) || NOT_ITEM_ROW.test(key)) continue;
		const tail = parsePriceTail(row.segments.map((s) => s.text).join('  '));
		const head = fold(tail.head);
		if (!tail.hasMoney || !/\p{L}{3,}/u.test(head) || /:\s*$/.test(head)) continue;
		if (/\b(?:capital|siret|siren|rcs|tva|total|acompte|prime|aide)\b/.test(head)) continue;
		return row.index;
	}
	return null;
}
