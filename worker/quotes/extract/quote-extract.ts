import type { ReadResult } from '../read/read-types.ts';
import { extractAdmin, readVatCodes } from './admin-extract.ts';
import { buildDocument, type QuoteDocument } from './document-lines.ts';
import { GESTE_TYPE_SPECS, LABOUR, NOT_GESTE, SUPPLY, matchGesteType } from './geste-types.ts';
import { readGesteValues } from './geste-values.ts';
import { readWorksTable } from './line-items.ts';
import { addMonths, fold, leadingNumberUnit } from './normalise.ts';
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
		namedTypes: [...namedTypes]
	};
}
