/**
 * Recognises pages that only hold general terms of sale (CGV), so extraction skips them and they
 * are never sent to an LLM. Such pages open with a "Conditions générales" title or run through
 * numbered articles, and carry no priced lines.
 */

const TITLE = /conditions\s+g[ée]n[ée]rales(\s+de\s+(vente|prestations?|services?))?/iu;
const ARTICLE = /(^|\n)\s*(article|art\.)\s*\d+/giu;
const LEGAL =
	/\b(r[ée]tractation|r[ée]serve de propri[ée]t[ée]|litiges?|m[ée]diat(eur|ion)|juridictions?|p[ée]nalit[ée]s?|force majeure|consommation|garantie l[ée]gale)\b/giu;
/** A priced amount such as "2 300,00 €" or "150.00 EUR". */
const AMOUNT = /\d[\d\s .]*[,.]\d{2}\s*(€|eur\b)/giu;
const QUOTE_TOTALS = /\btotal\s+(h\.?\s?t\.?|t\.?\s?t\.?\s?c\.?)\b|\bnet\s+[àa]\s+payer\b/iu;

/** True when a page reads as general terms of sale rather than as part of the quote. */
export function isGeneralTerms(text: string): boolean {
	const amounts = (text.match(AMOUNT) ?? []).length;
	if (QUOTE_TOTALS.test(text) || amounts >= 3) return false;
	const head = text.split('\n').slice(0, 4).join('\n');
	const articles = (text.match(ARTICLE) ?? []).length;
	const legal = new Set((text.match(LEGAL) ?? []).map((w) => w.toLowerCase())).size;
	if (TITLE.test(head) && (articles >= 1 || legal >= 1 || text.length > 1500)) return true;
	return articles >= 3 || (articles >= 2 && legal >= 2);
}

const OPENING = /^\s*(conditions\s+g[ée]n[ée]rales|c\.?g\.?v\.?\b|(article|art\.)\s*\d+\s*[-–—:.])/iu;

/**
 * True when the first lines of a page open general terms of sale: its title, or a numbered
 * article. Used on the head band of a scanned page to skip OCR of the rest.
 */
export function opensGeneralTerms(headText: string): boolean {
	const lines = headText
		.split('\n')
		.map((l) => l.trim())
		.filter((l) => /[\p{L}\p{N}]{3}/u.test(l));
	if (QUOTE_TOTALS.test(headText) || (headText.match(AMOUNT) ?? []).length >= 2) return false;
	return lines.slice(0, 3).some((l) => OPENING.test(l));
}
