import type { QuoteDocument, Segment } from './quote-document.ts';
import { isValidSiret } from './identifier-checks.ts';
import { findLabels, pickValue, untilSeparator, type LabelHit } from './label-finder.ts';
import { ADMIN_LABELS, DOCUMENT_TITLES, LEGAL_FORMS, POSTCODE_CITY } from './label-synonyms.ts';
import { isHeaderRow, type WorksTable } from './table-extract.ts';
import {
	cleanSpaces,
	digitsOnly,
	findDates,
	fold,
	parseAmount,
	parsePercent,
	unfoldSlice
} from './value-normalise.ts';
import { clientBlock, readAddress, readClient, readCompany } from './party-extract.ts';
import type { AdminFields, DocumentType, Found, VatLine } from './types.ts';

/**
 * The administrative block of a devis, read by labels (synonym tables in `labels.ts`) rather
 * than by position, so it works on one- or two-column headers and on any wording.
 */

/** A date at the very start of a value ("14/03/2025", "le 12 mars 2026", "2026-03-12"). */
export function leadingDate(value: string): string | null {
	const folded = fold(value).replace(
		/^(?:[:=-]\s*)?(?:le |du |en date du |au |prevue? (?:le|au|pour le) |fixee au |a partir du |a compter du |des le |debut |courant )?/,
		''
	);
	const first = findDates(folded)[0];
	return first && first.index === 0 ? first.iso : null;
}

/** A delay instead of a date ("sous 8 semaines", "dans un délai de 15 jours", "courant mai 2026"). */
export function leadingDelay(value: string): string | null {
	const text = cleanSpaces(untilSeparator(value));
	const folded = fold(text);
	const delay =
		/^(?:[:=-]\s*)?(?:sous|dans|d'ici|a partir de|environ|prevue? (?:sous|dans)|des|apres|au plus tard|maximum|a|en)?\s*(?:un delai de|les|la)?\s*(?:\d+|une?|deux|trois|quatre|six|huit|quinze)\s*(?:jours?|semaines?|mois|j\b)/;
	const month =
		/^(?:courant|fin|debut|mi)[- ](?:janv|fevr|mars|avr|mai|juin|juil|aout|sept|oct|nov|dec)|^(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\s+\d{4}|^semaine\s*\d/;
	const onAcceptance = /^(?:des|a|apres) (?:reception|acceptation|signature|validation|l'accord)/;
	return delay.test(folded) || month.test(folded) || onAcceptance.test(folded) ? text : null;
}

/** A validity statement: a duration or an end date. */
function validity(value: string): string | null {
	const text = cleanSpaces(untilSeparator(value));
	const folded = fold(text).replace(/^(?:[:=]\s*|de |est de |pendant |pour |sur )+/, '');
	if (
		/^\d+\s*(?:jours?|j\b|semaines?|mois|ans?)|^(?:un|une|deux|trois|six|quatre-vingt-dix|trente|soixante)\s+(?:jours?|mois|semaines?)/.test(
			folded
		)
	)
		return text;
	if (/^(?:jusqu'(?:au|a)|au)\s/.test(folded) && findDates(folded).length > 0) return text;
	if (leadingDate(folded)) return text;
	return null;
}

/** Words that name another number before "n°" (insurance policy, SIRET, RGE…). */
const OTHER_NUMBER =
	/(?:decennale|police|contrat|assurance|siret|siren|tva|intracom\w*|rcs|rm|rge|qualification|qualibat|certificat|acermi|client|dossier|agrement|tel|telephone|fax|rue|lot|batiment|appartement|porte)\W*$/;

const NUMBER_TOKEN = /^[#:\s]*([A-Z0-9][A-Z0-9\-/_.]*[A-Z0-9]|\d)(?=$|[\s,;)–—])/i;
const NOT_A_NUMBER =
	/^(?:tva|siret|siren|rcs|rge|client|police|contrat|de tva|intracom|d'identification|tel|telephone|fax|date|page|du|de|le|la|des|valable|gratuit|en|et)\b/;

/** A quote number: a token holding a digit, not a date nor another identifier. */
function quoteNumber(value: string): string | null {
	const folded = fold(value);
	if (NOT_A_NUMBER.test(folded.replace(/^[:#\s]+/, ''))) return null;
	const m = value.trim().match(NUMBER_TOKEN);
	if (!m) return null;
	const token = m[1]!.replace(/[.]+$/, '');
	if (!/\d/.test(token) || token.length < 2) return null;
	if (findDates(token)[0]?.index === 0 && findDates(token)[0]!.length === token.length) return null;
	if (/^\d{14}$|^\d{9}$/.test(token)) return null;
	return token;
}

/** The document's kind, from its title words on page 1 (or a "Facture n°" anywhere). */
function documentType(doc: QuoteDocument): Found<DocumentType> | null {
	const firstPage = doc.pages[0];
	const top = doc.rows.filter((r) => r.page === firstPage).slice(0, 14);
	for (const row of top) {
		for (const seg of row.segments) {
			if (seg.key.split(' ').length > 6) continue;
			const t = DOCUMENT_TITLES.find((d) => d.re.test(seg.key));
			if (t) return { value: t.type, where: seg.where };
		}
	}
	for (const row of doc.rows) {
		const seg = row.segments.find((s) => /(?:^|[-–|]\s*)facture\s+n/.test(s.key));
		if (seg) return { value: 'facture', where: seg.where };
	}
	return null;
}

/** The VAT codes legend ("A : 5,5 %", "Code T2 = 10 %") used by tables that print codes. */
export function readVatCodes(doc: QuoteDocument): Map<string, number> {
	const codes = new Map<string, number>();
	const re =
		/(?:^|[\s(])(?:[Cc]ode\s*(?:[Tt][Vv][Aa]\s*)?)?\(?([A-D]|T[1-4]|[1-4])\)?\s*[:=-]\s*(?:(?:[Tt][Vv][Aa]|[Tt]aux)\s*(?:[àa]\s*|de\s*)?)?(\d{1,2}(?:[.,]\d{1,2})?)\s*%/g;
	for (const row of doc.rows) {
		if (!/tva|taux|code/i.test(row.text) && !/^\(?[A-D]\)?\s*[:=]/.test(row.text.trim())) continue;
		for (const m of row.text.matchAll(re)) codes.set(m[1]!, Number(m[2]!.replace(',', '.')));
	}
	return codes;
}

/** Every VAT line of the totals block ("TVA 5,5 % 660,00 €", "TVA à 10 % sur 1 800 € : 180 €"). */
function vatLines(doc: QuoteDocument, table: WorksTable): VatLine[] {
	const out: VatLine[] = [];
	for (const row of doc.rows) {
		if (table.rows.has(row.index) || isHeaderRow(row)) continue;
		for (const seg of row.segments) {
			const key = seg.key;
			// "TVA 5,5 %", "Montant TVA (10 %)", "A : TVA 5,5 % sur 10 400,00".
			const vatLabel =
				/^(?:\(?[a-z0-9]{1,2}\)?\s*[:=-]\s*)?(?:(?:montant|total|dont)\s+(?:de la\s+)?)?t\.?v\.?a\.?(?![a-z])/;
			if (!vatLabel.test(key)) continue;
			if (/non applicable|intracom|n\s?[°º]|exoner|franchise/.test(key)) continue;
			const rest = row.segments
				.slice(row.segments.indexOf(seg))
				.map((s) => s.text)
				.join('  ');
			const rate = parsePercent(rest);
			if (rate === null) continue;
			const afterRate = rest.slice(rest.search(/%/) + 1);
			const amounts = [
				...afterRate.matchAll(
					/(?:€\s?)?(?:\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:[.,]\d{1,2})?(?![\d])(?:\s?€)?/g
				)
			]
				.map((m) => parseAmount(m[0]))
				.filter((n): n is number => n !== null);
			if (amounts.length === 0) continue;
			out.push({
				taux_tva: rate,
				montant_tva: amounts[amounts.length - 1]!,
				base_ht: amounts.length > 1 ? amounts[0]! : null,
				where: seg.where
			});
			break;
		}
	}
	return out;
}

/** The amount at the start of a value ("12 000,00 €", ": 1.234,56 EUR"). */
function leadingAmount(value: string): number | null {
	const m = value.match(
		/^\s*(?:[:=]\s*)?((?:€\s?)?-?(?:\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:[.,]\d{1,2})?)(?![\d])(?:\s?(?:€|eur(?:os?)?))?/i
	);
	if (!m) return null;
	return parseAmount(m[1]!);
}

const SIRET_DIGITS = /^[\s:]*((?:\d[\s.\u00a0]?){9,17})/;

/** SIRET (or a SIREN printed in its place) as digits, from a "SIRET" / "SIREN" label or a bare number. */
function readSiret(doc: QuoteDocument, skipRows: ReadonlySet<number>): Found<string> | null {
	const parse = (value: string) => {
		const m = value.match(SIRET_DIGITS);
		if (!m) return null;
		const d = digitsOnly(m[1]!);
		if (d.length >= 14) return d.slice(0, 14);
		return d.length >= 9 ? d : null;
	};
	const siret = pickValue(findLabels(doc, ADMIN_LABELS.siret, { skipRows, below: true }), parse, 'first');
	if (siret) return siret;
	const siren = pickValue(findLabels(doc, ADMIN_LABELS.siren, { skipRows, below: true }), parse, 'first');
	if (siren) return siren;
	for (const row of doc.rows) {
		if (skipRows.has(row.index)) continue;
		for (const seg of row.segments) {
			for (const m of seg.text.matchAll(/\b\d{3}[\s\u00a0]?\d{3}[\s\u00a0]?\d{3}[\s\u00a0]?\d{5}\b/g)) {
				const d = digitsOnly(m[0]);
				if (isValidSiret(d)) return { value: d, where: seg.where };
			}
		}
	}
	return null;
}

/** RCS number and registration city ("RCS Nantes 912 345 600", "912 345 600 R.C.S. Nantes"…). */
function readRcs(
	doc: QuoteDocument,
	skipRows: ReadonlySet<number>
): { rcs: Found<string> | null; ville: Found<string> | null } {
	const RCS = String.raw`r\.?\s?c\.?\s?s\.?`;
	const NUM = String.raw`((?:\d\s?){9})`;
	const CITY = String.raw`([a-z][a-z'-]*(?:[ -](?:sur|sous|en|de|du|la|le|les|l'|d')?\s?[a-z][a-z'-]*){0,3})`;
	const patterns: { re: RegExp; num: number; city: number }[] = [
		{
			re: new RegExp(
				`${RCS}\\s*(?:de\\s+|d')?${CITY}\\s*(?:[ab]\\s+)?(?:n°\\s*|no\\s*|:\\s*|sous le (?:n°|numero)\\s*)?${NUM}`
			),
			num: 2,
			city: 1
		},
		{
			re: new RegExp(`${RCS}\\s*(?:[ab]\\s+)?(?:n°\\s*|:\\s*)?${NUM}\\s*(?:-\\s*|\\(\\s*)?${CITY}?`),
			num: 1,
			city: 2
		},
		{ re: new RegExp(`${NUM}\\s*${RCS}\\s*(?:de\\s+|d')?${CITY}`), num: 1, city: 2 },
		{ re: new RegExp(`(?:immatricule|inscrit)e?s? au ${RCS}\\s*(?:de\\s+|d')?${CITY}`), num: 0, city: 1 }
	];
	const STOP = /^(?:sous|le|la|numero|n|no|b|a|de|du|et|ou|siret|siren|tva|capital|au|rcs)$/;
	for (const row of doc.rows) {
		if (skipRows.has(row.index)) continue;
		for (const seg of row.segments) {
			if (!new RegExp(`(?<![a-z])${RCS}(?![a-z])`).test(seg.key)) continue;
			for (const p of patterns) {
				const m = seg.key.match(p.re);
				if (!m) continue;
				const start = m.index ?? 0;
				const num = p.num > 0 ? m[p.num] : undefined;
				let city = p.city > 0 ? m[p.city] : undefined;
				if (city && STOP.test(city.split(' ')[0]!)) city = undefined;
				// "RCS Lyon B 732 829 320": the B (or A) is the register's section, not the city.
				if (city) city = city.replace(/\s+[ab]$/, '');
				const rcsText = num
					? cleanSpaces(num)
					: cleanSpaces(unfoldSlice(seg.text, seg.folded, start, start + m[0].length));
				let ville: Found<string> | null = null;
				if (city) {
					const cityStart = seg.key.indexOf(city, start);
					ville = {
						value: cleanSpaces(unfoldSlice(seg.text, seg.folded, cityStart, cityStart + city.length)),
						where: seg.where
					};
				}
				return { rcs: { value: rcsText, where: seg.where }, ville };
			}
		}
	}
	return { rcs: null, ville: null };
}

/** RM / RNE / CMA registration as printed ("RM 929 007 706 (CMA Bretagne)"), with its city if given. */
function readRne(
	doc: QuoteDocument,
	skipRows: ReadonlySet<number>
): { rne: Found<string> | null; ville: Found<string> | null } {
	const re =
		/(?<![a-z])(?:r\.?m\.?|r\.?n\.?e\.?|repertoire des metiers|registre national des entreprises|immatricul\w* (?:au|a la) (?:rne|rm|cma|chambre de metiers))(?![a-z])\s*(?:(?:de|d')\s*([a-z][a-z' -]+?)\s+)?(?:n°|no|:)?\s*(?:\d\s?){9}/;
	const NOT_CITY = /^(?:tva|siret|siren|rcs|ape|naf|code|capital|assurance|et|sous|n°|no)\b/;
	for (const row of doc.rows) {
		if (skipRows.has(row.index)) continue;
		for (const seg of row.segments) {
			const m = seg.key.match(re);
			if (!m) continue;
			const start = m.index ?? 0;
			let end = start + m[0].length;
			const paren = seg.key.slice(end).match(/^\s*\([^)]{1,40}\)/);
			if (paren) end += paren[0].length;
			const rne = { value: cleanSpaces(unfoldSlice(seg.text, seg.folded, start, end)), where: seg.where };
			// "RM 404 833 048 Lille", "Répertoire des métiers de Lille n° …" (a chamber in brackets is not a city).
			let city: { start: number; text: string } | null = null;
			if (m[1]) city = { start: seg.key.indexOf(m[1], start), text: m[1] };
			else if (!paren) {
				const after = seg.key.slice(end).match(/^\s*(?:-\s*)?([a-z][a-z'-]+(?:[ -][a-z][a-z'-]+){0,2})/);
				if (after && !NOT_CITY.test(after[1]!))
					city = { start: end + after[0].length - after[1]!.length, text: after[1]! };
			}
			const ville = city
				? {
						value: cleanSpaces(unfoldSlice(seg.text, seg.folded, city.start, city.start + city.text.length)),
						where: seg.where
					}
				: null;
			return { rne, ville };
		}
	}
	return { rne: null, ville: null };
}

/** The intra-EU VAT number (FR + key + SIREN, or another EU number after a VAT label). */
function readVatNumber(doc: QuoteDocument, skipRows: ReadonlySet<number>): Found<string> | null {
	for (const row of doc.rows) {
		if (skipRows.has(row.index)) continue;
		for (const seg of row.segments) {
			const m = seg.text
				.toUpperCase()
				.match(
					/\bFR[\s.\u00a0-]?([0-9A-HJ-NP-Z]{2})[\s.\u00a0]?(\d{3})[\s.\u00a0]?(\d{3})[\s.\u00a0]?(\d{3})\b/
				);
			if (m) return { value: `FR${m[1]}${m[2]}${m[3]}${m[4]}`, where: seg.where };
		}
	}
	const hits = findLabels(
		doc,
		ADMIN_LABELS.numero_tva.filter((l) => l !== 'tva'),
		{ skipRows }
	);
	return pickValue(hits, (v) => {
		const m = v.toUpperCase().match(/^\s*:?\s*([A-Z]{2}[\s.]?[0-9A-Z]{8,12})\b/);
		return m ? m[1]!.replace(/[\s.]/g, '') : null;
	});
}

/** Legal form (first one printed outside the works table) and whether it is a sole trader. */
function readLegalForm(
	doc: QuoteDocument,
	skipRows: ReadonlySet<number>
): { form: Found<string> | null; sole: boolean } {
	for (const row of doc.rows) {
		if (skipRows.has(row.index)) continue;
		for (const seg of row.segments) {
			for (const f of LEGAL_FORMS) {
				if (f.re.test(seg.text)) return { form: { value: f.form, where: seg.where }, sole: f.sole };
			}
		}
	}
	return { form: null, sole: false };
}

/** Share capital as printed ("10 000 €"). */
function readCapital(doc: QuoteDocument, skipRows: ReadonlySet<number>): Found<string> | null {
	for (const row of doc.rows) {
		if (skipRows.has(row.index)) continue;
		for (const seg of row.segments) {
			const m = seg.key.match(
				/\bcapital(?: social)?(?: de| variable de| :)?\s*:?\s*((?:€\s?)?\d[\d\s.,]*(?:\s?(?:€|eur(?:os)?|k€|keur))?)/
			);
			if (!m) continue;
			const start = (m.index ?? 0) + m[0].length - m[1]!.length;
			return {
				value: cleanSpaces(unfoldSlice(seg.text, seg.folded, start, start + m[1]!.trim().length)),
				where: seg.where
			};
		}
	}
	return null;
}

const RGE_CODE = /\b([A-Z][A-Z+']{0,11}(?:\s?[/-]\s?[A-Z]{0,3}-?)?\s?\d{3,}[A-Z0-9/-]*)\b/g;

/** RGE numbers printed next to an RGE / Qualibat / QualiPAC label. */
function readRge(doc: QuoteDocument, skipRows: ReadonlySet<number>): Found<string>[] {
	const out: Found<string>[] = [];
	const hits = findLabels(doc, ADMIN_LABELS.rge, { skipRows, below: false });
	const seen = new Set<string>();
	for (const hit of hits) {
		const text = `${hit.value}`;
		for (const m of text.matchAll(RGE_CODE)) {
			const code = m[1]!.replace(/\s+/g, '');
			if (/^(?:FR\d|SIRET|SIREN|RCS|TVA|DEC-?\d{4}|NF)/i.test(code) || seen.has(code)) continue;
			seen.add(code);
			out.push({ value: code, where: hit.valueSeg.where });
		}
		if (out.length === 0) {
			const n = text.match(/n\s?[°º]\s*:?\s*([A-Z0-9][A-Z0-9/-]*\d{3,})/i);
			if (n && !seen.has(n[1]!)) {
				seen.add(n[1]!);
				out.push({ value: n[1]!, where: hit.valueSeg.where });
			}
		}
	}
	return out;
}

/** Insurance mention (presence matters; the text is kept for the agent). */
function readInsurance(doc: QuoteDocument, skipRows: ReadonlySet<number>): Found<string> | null {
	const hits = findLabels(doc, ADMIN_LABELS.assurance, { anchored: ADMIN_LABELS.assurance, skipRows });
	return pickValue(
		hits,
		(v, hit) => {
			const start = hit.seg.key.indexOf(hit.label);
			const label = unfoldSlice(hit.seg.text, hit.seg.folded, start, start + hit.label.length);
			const text = cleanSpaces(hit.valueSeg === hit.seg ? `${label} ${v}` : `${label} : ${v}`);
			const folded = fold(v);
			if (/^(?:non|aucune|neant|-)$/.test(folded)) return null;
			// A sentence from general terms ("garantie décennale : dix ans pour…") is not an insurance.
			if (/^(?:dix ans|un an|deux ans|pendant|pour les|couvre les)/.test(folded)) return null;
			return v.trim() === '' && !/decennale|rc pro/.test(hit.label) ? null : text;
		},
		'first'
	);
}

/** Worksite address, or the statement that it is the client's address. */
function readWorksite(
	doc: QuoteDocument,
	skipRows: ReadonlySet<number>
): { adresse: Found<string> | null; idem: Found<boolean> | null } {
	const hits = findLabels(doc, ADMIN_LABELS.chantier_adresse, {
		anchored: ['chantier', 'réalisation à'],
		skipRows,
		below: true
	});
	for (const hit of hits) {
		const folded = fold(hit.value);
		if (
			/identique|meme (?:adresse|que)|idem|adresse du client|adresse de facturation|ci-dessus|domicile du client/.test(
				folded
			)
		) {
			return { adresse: null, idem: { value: true, where: hit.valueSeg.where } };
		}
		const lines: Segment[] = [{ ...hit.valueSeg, text: hit.value, key: fold(hit.value) }];
		if (!POSTCODE_CITY.test(hit.value)) {
			const next = doc.rows[hit.valueSeg.row + 1]?.segments.find((s) => s.side === hit.valueSeg.side);
			if (next) lines.push(next);
		}
		const addr = readAddress(lines.map((l) => ({ ...l, text: l.text.replace(/,\s*(?=\d{5})/, ', ') })));
		if (addr) return { adresse: addr, idem: null };
	}
	return { adresse: null, idem: null };
}

/** Declared aid programmes, as MDSO names them. */
function readAides(doc: QuoteDocument): string[] {
	const text = doc.rows.map((r) => r.key).join('\n');
	const aides: string[] = [];
	if (/ma ?prime ?renov|\bmpr\b/.test(text)) aides.push('MaPrimeRénov’');
	if (/\bcee\b|certificats? d'economies d'energie|prime energie|coup de pouce/.test(text)) aides.push('CEE');
	if (/eco[- ]?ptz|eco[- ]?pret a taux (?:zero|0)/.test(text)) aides.push('Eco prêt à taux 0');
	if (/aide locale|aide (?:de la |du )?(?:region|departement|commune|metropole|collectivite)/.test(text))
		aides.push('Aide locale');
	return aides;
}

/** Reads the whole administrative block. */
export function extractAdmin(doc: QuoteDocument, table: WorksTable): AdminFields {
	const skip = table.rows;
	const document_type = documentType(doc);
	const devisWord = doc.rows.find((r) => /\bdevis\b/.test(r.key));
	const mention_devis = devisWord
		? { value: true, where: devisWord.segments.find((s) => /\bdevis\b/.test(s.key))!.where }
		: null;
	const isInvoice = document_type?.value === 'facture';

	// Quote number: explicit "devis" labels win over a bare "N°"; an invoice's number is not one.
	const allNumberHits = findLabels(doc, ADMIN_LABELS.numero_devis, {
		anchored: ['devis', 'réf.', 'référence', 'n°'],
		relaxed: ['n°'],
		skipRows: skip,
		below: true
	});
	// A bare "N°" in the middle of a line (two columns joined) counts only as a last resort, and
	// never after another identifier's name ("décennale n°", "SIRET n°").
	const numberHits = allNumberHits.filter((h) => h.anchored);
	const looseNumbers = allNumberHits.filter((h) => !h.anchored && !OTHER_NUMBER.test(h.before));
	const explicit = (h: LabelHit) => /devis|offre|proposition/.test(h.label);
	// The header comes first in reading order; footers repeat the number (OCR may garble them).
	const numero = isInvoice
		? pickValue(numberHits.filter(explicit), quoteNumber, 'first')
		: (pickValue(numberHits, quoteNumber, 'first') ?? pickValue(looseNumbers, quoteNumber, 'first'));
	const numero_document = isInvoice
		? pickValue([...numberHits, ...looseNumbers], quoteNumber, 'first')
		: null;

	const allDateHits = findLabels(doc, ADMIN_LABELS.date_devis, {
		anchored: ['date', 'le', 'fait le', 'émis le', 'établi le', 'devis du'],
		relaxed: ['date'],
		skipRows: skip,
		below: true
	});
	const dateHits = allDateHits.filter((h) => h.anchored);
	// "… contact@x.fr Date : 14/03/2025": a mid-line "Date" with a colon, as a last resort.
	const looseDates = allDateHits.filter(
		(h) => !h.anchored && /^\s*:/.test(h.seg.key.slice(h.before.length + h.label.length))
	);
	let date_devis =
		pickValue(dateHits, leadingDate, 'best-first') ?? pickValue(looseDates, leadingDate, 'first');
	if (!date_devis) {
		// "Devis n° 2025-118 du 14.03.2025": the date follows the title and number.
		for (const row of doc.rows.slice(0, 60)) {
			const m = row.key.match(
				/\b(?:devis|facture|proposition|offre)\b[^.:]{0,40}?\b(?:du|en date du|etabli le|le)\s+(.{6,20})/
			);
			const iso = m ? leadingDate(m[1]!) : null;
			if (iso) {
				date_devis = { value: iso, where: row.segments[0]!.where };
				break;
			}
		}
	}
	const validite = pickValue(
		findLabels(doc, ADMIN_LABELS.validite, { skipRows: skip }),
		validity,
		'best-first'
	);
	let date_pre_visite = pickValue(
		findLabels(doc, ADMIN_LABELS.date_pre_visite, { skipRows: skip, below: true }),
		leadingDate,
		'best-first'
	);
	if (!date_pre_visite) {
		// "Visite technique réalisée le 07/03/2025" in a sentence.
		for (const row of doc.rows) {
			const m = row.key.match(
				/\b(?:pre-?visite|visite (?:technique|prealable|sur site|du chantier|a domicile))[^.]{0,40}?(?:le|du|:)\s*(.{6,20})/
			);
			const iso = m ? leadingDate(m[1]!) : null;
			if (iso) {
				date_pre_visite = { value: iso, where: row.segments[0]!.where };
				break;
			}
		}
	}
	const startHits = findLabels(doc, ADMIN_LABELS.date_debut_chantier, { skipRows: skip, below: true });
	const date_debut_chantier = pickValue(startHits, leadingDate, 'best-first');
	const delai_debut_chantier = date_debut_chantier ? null : pickValue(startHits, leadingDelay, 'best-first');

	const { form, sole } = readLegalForm(doc, skip);
	const siret = readSiret(doc, skip);
	const { rcs, ville } = readRcs(doc, skip);
	const { rne, ville: rneVille } = readRne(doc, skip);
	const block = clientBlock(doc, skip);
	const client = block ? readClient(block) : { civilite: null, prenom: null, nom: null, adresse: null };
	const company = readCompany(doc, skip, block);
	const worksite = readWorksite(doc, skip);

	const totalsSkip = new Set([...skip, ...doc.rows.filter(isHeaderRow).map((r) => r.index)]);
	const prix_total_ht = pickValue(
		findLabels(doc, ADMIN_LABELS.prix_total_ht, { skipRows: totalsSkip, below: true }).filter(
			(h) => !/sous/.test(h.label)
		),
		leadingAmount,
		'best-last'
	);
	const prix_total_ttc = pickValue(
		findLabels(doc, ADMIN_LABELS.prix_total_ttc, { skipRows: totalsSkip, below: true }),
		leadingAmount,
		'best-last'
	);
	const tva = vatLines(doc, table);
	const montant_tva_total =
		pickValue(
			findLabels(doc, ['total tva', 'montant tva', 'montant de la tva', 'tva totale', 'total de la tva'], {
				skipRows: totalsSkip
			}),
			leadingAmount,
			'best-last'
		) ?? null;
	const exemption = doc.rows.find((r) =>
		/tva non applicable|293 ?b|franchise (?:en base )?de tva|exonere de tva|exoneration de tva|autoliquidation/.test(
			r.key
		)
	);
	const tva_non_applicable = exemption
		? {
				value: exemption.segments.find((s) => /tva|293/.test(s.key))?.text ?? exemption.text,
				where: exemption.segments.find((s) => /tva|293/.test(s.key))?.where ?? exemption.segments[0]!.where
			}
		: null;
	const soleTrader = sole || (tva_non_applicable !== null && /293/.test(fold(tva_non_applicable.value)));
	const entrepreneur_individuel = soleTrader
		? { value: true, where: form?.where ?? tva_non_applicable!.where }
		: null;

	return {
		document_type,
		mention_devis,
		numero_devis: numero,
		numero_document,
		date_devis,
		validite,
		date_fin_validite: null,
		date_pre_visite,
		date_debut_chantier,
		delai_debut_chantier,
		raison_sociale: company.raison_sociale,
		forme_juridique: form,
		capital: readCapital(doc, skip),
		siret,
		rcs,
		rcs_ville: ville ?? rneVille,
		rne,
		numero_tva: readVatNumber(doc, skip),
		pro_adresse: company.pro_adresse,
		assurance: readInsurance(doc, skip),
		rge_labels: readRge(doc, skip),
		client_civilite: client.civilite,
		client_prenom: client.prenom,
		client_nom: client.nom,
		client_adresse: client.adresse,
		chantier_adresse: worksite.adresse,
		chantier_idem_client: worksite.idem,
		prix_total_ht,
		prix_total_ttc,
		montant_tva_total,
		tva,
		tva_non_applicable,
		entrepreneur_individuel,
		separation_fourniture_pose: null,
		aides: readAides(doc)
	};
}
