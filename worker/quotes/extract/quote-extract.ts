import type { ReadResult } from '../read/read-types.ts';
import { extractAdmin, readVatCodes } from './admin-extract.ts';
import { buildDocument, type QuoteDocument } from './quote-document.ts';
import { GESTE_TYPE_SPECS, LABOUR, NOT_GESTE, SUPPLY, matchGesteType } from './geste-catalogue.ts';
import { readGesteValues } from './geste-extract.ts';
import { readWorksTable } from './table-extract.ts';
import { addMonths, cents, fold, leadingNumberUnit, parseAmount } from './value-normalise.ts';
import type { AdminFields, Extraction, Geste, GesteType, LineItem } from './types.ts';

/**
 * Extraction without LLM: administrative block by labels, works table by columns read from the
 * right, gestes by type words, technical values by label synonyms. Every value keeps where it
 * was read (page, line, text) so an agent can check it in one look.
 */

/** The geste type of a priced line, or `null` for labour, scaffolding, travel and the like. */
export function classifyItem(item: LineItem): GesteType | null {
	const title = fold(item.intitule);
	if (NOT_GESTE.test(title) && !SUPPLY.test(title)) return null;
	const fromTitle = matchGesteType(title);
	if (fromTitle) return fromTitle;
	if (item.section) {
		const fromSection = matchGesteType(fold(item.section));
		if (fromSection) return fromSection;
	}
	const firstLines = item.description.split('\n').slice(1, 3).join(' ');
	return firstLines ? matchGesteType(fold(firstLines)) : null;
}

/** A line priced as supply and installation together ("fourniture et pose", "forfait global"). */
const LUMP_SUM =
	/fourniture et pose|fourni(?:e|s)?,? (?:et )?pose|\bf\s?[+&]\s?p\b|forfait global|montant (?:global|forfaitaire)|prix global/;

/**
 * Whether supply and labour are priced apart: a labour line or a "dont main d'œuvre" breakdown
 * says yes; a lump sum for supply and installation, or a geste without price, says no.
 */
function separation(
	doc: QuoteDocument,
	gestes: Geste[],
	others: LineItem[]
): AdminFields['separation_fourniture_pose'] {
	const labour = others.find((i) => {
		const t = fold(i.intitule);
		return LABOUR.test(t) && !SUPPLY.test(t) && i.prix_ht !== null;
	});
	if (labour) return { value: true, where: labour.where };
	for (const row of doc.rows) {
		if (
			/\bdont (?:la )?(?:main[- ]d'oeuvre|pose|mo\b)|main[- ]d'oeuvre(?: \(pose\))?\s*:\s*\d|\bpose\s*:\s*\d[\d\s]*[.,]\d{2}|\bfourniture\s*:\s*\d[\d\s]*[.,]\d{2}/.test(
				row.key
			)
		) {
			return { value: true, where: row.segments[0]!.where };
		}
	}
	const lump = [...gestes, ...others].find((i) => LUMP_SUM.test(fold(i.intitule)));
	if (lump) return { value: false, where: lump.where };
	const unpriced = gestes.find((g) => g.prix_ht === null);
	if (unpriced) return { value: false, where: unpriced.where };
	const first = gestes[0] ?? others[0];
	return first ? { value: true, where: first.where } : null;
}

const AMOUNT = /(?:\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)[.,]\d{2}(?!\d)/g;

/**
 * Totals whose label the OCR garbled ("front = CE 1530,00 €"): the amount printed after the
 * table that equals the sum of the lines is the total HT, and HT + VAT the total TTC.
 */
function recoverTotals(
	doc: QuoteDocument,
	tableRows: ReadonlySet<number>,
	items: LineItem[],
	admin: AdminFields
): void {
	if (items.length === 0 || items.some((i) => i.prix_ht === null)) return;
	// Search below the last priced line (its description rows included: OCR may glue them).
	const itemRows = new Set(
		doc.rows.filter((r) => r.segments.some((s) => items.some((i) => i.where === s.where))).map((r) => r.index)
	);
	const after = Math.max(...itemRows, ...(itemRows.size === 0 ? tableRows : []));
	const find = (target: number, not: RegExp) => {
		for (const row of doc.rows) {
			if (row.index <= after || not.test(row.key)) continue;
			for (const seg of row.segments) {
				for (const m of seg.text.matchAll(AMOUNT)) {
					const n = parseAmount(m[0]);
					if (n !== null && Math.abs(n - target) < 0.01) return { value: n, where: seg.where };
				}
			}
		}
		return null;
	};
	if (!admin.prix_total_ht) {
		admin.prix_total_ht = find(
			cents(items.reduce((s, i) => s + (i.prix_ht ?? 0), 0)),
			/ttc|t\.t\.c|tva|t\.v\.a|payer/
		);
	}
	if (!admin.prix_total_ttc && admin.prix_total_ht && admin.tva.length > 0) {
		const vat = admin.tva.reduce((s, v) => s + (v.montant_tva ?? 0), 0);
		admin.prix_total_ttc = find(cents(admin.prix_total_ht.value + vat), /\bht\b|h\.t\.|tva|t\.v\.a/);
	}
}

/** Extracts the administrative fields and the gestes of a read devis (CGV pages skipped). */
export function extractQuote(read: ReadResult): Extraction {
	const doc = buildDocument(read);
	const vatCodes = readVatCodes(doc);
	const table = readWorksTable(doc, vatCodes);
	const admin = extractAdmin(doc, table);
	const gestes: Geste[] = [];
	const others: LineItem[] = [];
	for (const item of table.items) {
		const type = classifyItem(item);
		if (!type) {
			others.push(item);
			continue;
		}
		const family = GESTE_TYPE_SPECS.find((s) => s.type === type)!.family;
		gestes.push({ ...item, index: gestes.length, type, values: readGesteValues(item, type, family) });
	}
	admin.separation_fourniture_pose = separation(doc, gestes, others);
	recoverTotals(doc, table.rows, table.items, admin);
	if (admin.date_devis && admin.validite) {
		const m = leadingNumberUnit(admin.validite.value);
		const days = m?.unit.startsWith('j') ? m.value : m?.unit.startsWith('sem') ? m.value * 7 : null;
		const months = m?.unit.startsWith('mois') ? m.value : m?.unit.startsWith('an') ? m.value * 12 : null;
		let end: string | null = null;
		if (months !== null) end = addMonths(admin.date_devis.value, months);
		else if (days !== null) {
			const d = new Date(`${admin.date_devis.value}T00:00:00Z`);
			d.setUTCDate(d.getUTCDate() + days);
			end = d.toISOString().slice(0, 10);
		}
		if (end) admin.date_fin_validite = { value: end, where: admin.validite.where };
	}
	const namedTypes = new Set<GesteType>();
	for (const row of doc.rows) {
		if (!/^(?:objet|nature des travaux|description des travaux|travaux)\s*:/.test(row.key)) continue;
		for (const part of row.key.split(/,|\bet\b|;/)) {
			const t = matchGesteType(part);
			if (t) namedTypes.add(t);
		}
	}
	return {
		admin,
		gestes,
		lignes_hors_geste: others,
		lineCount: doc.lineCount,
		deductions: table.deductions,
		namedTypes: [...namedTypes],
		skippedPages: doc.skippedPages
	};
}
