import type { PiiKind, PiiSpan } from './anonymise-types.ts';

/**
 * Deterministic detectors of personal data in a French devis: e-mails, phones, IBAN/RIB/BIC,
 * social security numbers, dates of birth, names (after a civility, after a label, first line of a
 * client block) and postal addresses (street line, postcode + city). Company identifiers (SIRET,
 * SIREN, VAT, RCS, RGE) are never matched: the checks need them and they are not personal.
 */

/** Lower case, accents removed, typographic apostrophes unified. */
export function fold(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[’‘`´ʼ]/g, "'")
		.toLowerCase();
}

const span = (start: number, end: number, kind: PiiKind, rule: string): PiiSpan => ({
	start,
	end,
	kind,
	rule
});

// ---------------------------------------------------------------------------------------------
// E-mails, phones, bank details, NIR, dates of birth

const EMAIL = /[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** French numbers: 0X XX XX XX XX, 0X.XX…, +33 X XX…, +33 (0)X…, 0033…, and runs of 10 digits. */
const PHONE_FR =
	/(?<![\d+\p{L}])(?:(?:\+|00)[ \t]?33[ \t.-]?(?:\(0\)[ \t.-]?)?[1-9]|0[1-9])(?:[ \t.-]?\d{2}){4}(?![ \t.-]?\d)/gu;
/** Other countries: +CC followed by 8–13 digits in groups. */
const PHONE_INTL = /(?<![\d\p{L}])\+(?!33)\d{1,3}(?:[ \t.-]?\(?\d{1,4}\)?){2,6}(?![ \t.-]?\d)/gu;
/** Any digit run after a phone label, whatever its grouping. */
const PHONE_LABELLED =
	/\b(?:t[ée]l(?:[ée]phone)?|portable|mobile|fax|gsm|port\.)(?:[ \t]*(?:fixe|mobile|portable|pro|perso|\/|:|\.|n°))*[ \t]*:?[ \t]*(\+?[\d(][\d \t.()/-]{7,20}\d)/giu;

const EMAIL_MIN_DIGITS_PHONE = 8;

function detectEmails(text: string): PiiSpan[] {
	return [...text.matchAll(EMAIL)].map((m) => span(m.index, m.index + m[0].length, 'EMAIL', 'email'));
}

function digitCount(s: string): number {
	return s.replace(/\D/g, '').length;
}

function detectPhones(text: string): PiiSpan[] {
	const out: PiiSpan[] = [];
	for (const m of text.matchAll(PHONE_FR))
		out.push(span(m.index, m.index + m[0].length, 'TELEPHONE', 'phone-fr'));
	for (const m of text.matchAll(PHONE_INTL)) {
		const digits = digitCount(m[0]);
		if (digits >= EMAIL_MIN_DIGITS_PHONE && digits <= 15)
			out.push(span(m.index, m.index + m[0].length, 'TELEPHONE', 'phone-intl'));
	}
	for (const m of text.matchAll(PHONE_LABELLED)) {
		const value = m[1]!;
		const digits = digitCount(value);
		if (digits < EMAIL_MIN_DIGITS_PHONE || digits > 15) continue;
		const start = m.index + m[0].length - value.length;
		out.push(span(start, start + value.length, 'TELEPHONE', 'phone-label'));
	}
	return out;
}

/** ISO 13616 check: move the first 4 characters to the end, letters to numbers, mod 97 = 1. */
export function isValidIban(compact: string): boolean {
	if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
	const rearranged = compact.slice(4) + compact.slice(0, 4);
	let remainder = 0;
	for (const ch of rearranged) {
		const code = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
		for (const digit of code) remainder = (remainder * 10 + Number(digit)) % 97;
	}
	return remainder === 1;
}

const IBAN_START = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?=[ \t]?[A-Z0-9])/g;
const IBAN_LABELLED = /\bIBAN\b[ \t]*(?::|n°)?[ \t]*([A-Z]{2}[A-Z0-9 \t]{10,40}[A-Z0-9])/gi;
const RIB_LABELLED =
	/\b(?:RIB|relev[ée] d'identit[ée] bancaire|n°[ \t]*de[ \t]+compte|num[ée]ro[ \t]+de[ \t]+compte|compte[ \t]+n°)[ \t]*:?[ \t]*([0-9A-Z][0-9A-Z \t]{9,40}[0-9A-Z])/giu;
const BIC_LABELLED =
	/\b(?:BIC|SWIFT|code[ \t]+BIC)\b[ \t]*:?[ \t]*([A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b/g;

function detectBank(text: string): PiiSpan[] {
	const out: PiiSpan[] = [];
	// The longest prefix that passes the IBAN checksum (an IBAN is often followed by other words).
	for (const m of text.matchAll(IBAN_START)) {
		const from = m.index;
		let compact = '';
		const ends: number[] = [];
		for (let i = from; i < text.length && compact.length < 34; i++) {
			const ch = text[i]!;
			if (/[A-Z0-9]/.test(ch)) {
				compact += ch;
				ends.push(i + 1);
			} else if ((ch === ' ' || ch === '\t') && /[A-Z0-9]/.test(text[i + 1] ?? '') && text[i - 1] !== ' ') {
				continue;
			} else break;
		}
		for (let n = compact.length; n >= 15; n--) {
			if (isValidIban(compact.slice(0, n))) {
				out.push(span(from, ends[n - 1]!, 'IBAN', 'iban'));
				break;
			}
		}
	}
	// A labelled IBAN or RIB is personal even when it does not pass the checksum (a typo).
	for (const pattern of [IBAN_LABELLED, RIB_LABELLED]) {
		for (const m of text.matchAll(pattern)) {
			const value = m[1]!;
			if (digitCount(value) < 8) continue;
			const start = m.index + m[0].length - value.length;
			out.push(span(start, start + value.length, 'IBAN', 'iban-label'));
		}
	}
	for (const m of text.matchAll(BIC_LABELLED)) {
		const value = m[1]!;
		const start = m.index + m[0].length - value.length;
		out.push(span(start, start + value.length, 'BIC', 'bic'));
	}
	return out;
}

/** French social security number (NIR): sex, year, month, department, commune, order, key. */
const NIR =
	/(?<![\d\p{L}])([12])[ \t]?(\d{2})[ \t]?(0[1-9]|1[0-2]|[2-9]\d)[ \t]?(\d{2}|2[AB])[ \t]?(\d{3})[ \t]?(\d{3})(?:[ \t]?(\d{2}))?(?![ \t]?\d)/gu;

function detectNir(text: string): PiiSpan[] {
	const out: PiiSpan[] = [];
	for (const m of text.matchAll(NIR)) {
		const key = m[7];
		// Without its key, 13 digits are too common (amounts, references) to be called a NIR.
		if (!key) continue;
		const body = `${m[1]}${m[2]}${m[3]}${m[4]!.replace('2A', '19').replace('2B', '18')}${m[5]}${m[6]}`;
		const expected = 97 - Number(BigInt(body) % 97n);
		if (expected === Number(key)) out.push(span(m.index, m.index + m[0].length, 'NIR', 'nir'));
	}
	return out;
}

const MONTHS =
	'janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre';
const DATE = `(?:\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4}|\\d{1,2}(?:er)?[ \\t]+(?:${MONTHS})[ \\t]+\\d{4})`;
const BIRTH = new RegExp(
	`\\b(?:n[ée]e?(?:\\(e\\))?[ \\t]+le|date[ \\t]+de[ \\t]+naissance[ \\t]*:?|n[ée]e?(?:\\(e\\))?[ \\t]*:)[ \\t]*(${DATE})`,
	'giu'
);

function detectBirthDates(text: string): PiiSpan[] {
	return [...text.matchAll(BIRTH)].map((m) => {
		const start = m.index + m[0].length - m[1]!.length;
		return span(start, start + m[1]!.length, 'DATE_NAISSANCE', 'birth-date');
	});
}

// ---------------------------------------------------------------------------------------------
// Names

/** Civilities, alone or as a couple ("M. et Mme"). */
const CIVILITY_WORD = String.raw`(?:M\.|MM\.|Mr\.?|Mrs\.?|Mme\.?|Mmes\.?|Mlle\.?|Mlles\.?|Melle\.?|MME\.?|MLLE\.?|MR\.?|Monsieur|Madame|Mademoiselle|Messieurs|Mesdames|MONSIEUR|MADAME|Docteur|Dr\.)`;
const CIVILITY = new RegExp(
	String.raw`(?<![\p{L}\d])${CIVILITY_WORD}(?:[ \t]*(?:et|ou|&|/)[ \t]*${CIVILITY_WORD})?(?![\p{L}])[ \t]*[,:]?[ \t]*`,
	'gu'
);

const PARTICLES = new Set([
	'de',
	'du',
	'des',
	"d'",
	'le',
	'la',
	'les',
	'van',
	'von',
	'der',
	'den',
	'di',
	'da',
	'del',
	'della',
	'ben',
	'bin',
	'el',
	'al',
	'ter',
	'ten',
	'mac',
	'saint'
]);

/** Capitalised words that end a name: labels and document words that follow a name on a line. */
const NAME_STOP = new Set(
	[
		'tel',
		'tél',
		'telephone',
		'téléphone',
		'portable',
		'mobile',
		'fax',
		'gsm',
		'adresse',
		'email',
		'e-mail',
		'courriel',
		'ne',
		'né',
		'nee',
		'née',
		'demeurant',
		'domicilie',
		'domicilié',
		'siret',
		'siren',
		'client',
		'cliente',
		'date',
		'devis',
		'facture',
		'chantier',
		'objet',
		'ref',
		'réf',
		'reference',
		'référence',
		'monsieur',
		'madame',
		'mademoiselle',
		'messieurs',
		'mesdames',
		'n°',
		'no',
		'code',
		'ville',
		'cp',
		'tva',
		'total',
		'signature',
		'bon',
		'pour',
		'lu',
		'approuve',
		'approuvé',
		'gerant',
		'gérant',
		'president',
		'président',
		'directeur',
		'directrice',
		'm',
		'mm',
		'mme',
		'mmes',
		'mlle',
		'melle',
		'mr',
		'mrs',
		'dr',
		'docteur'
	].map(fold)
);

const NAME_WORD = /^(?:\p{Lu}[\p{L}'’-]*|\p{Lu}\.)$/u;

/**
 * Parses a person's name starting at `from` on the same line: capitalised words, particles
 * (de, Le, van…) and a couple's "et". Returns the span of the name or null.
 */
export function parseNameAt(text: string, from: number): { start: number; end: number } | null {
	const lineEnd = text.indexOf('\n', from);
	const limit = lineEnd === -1 ? text.length : lineEnd;
	const tokenRe = /[ \t]{0,3}([^\s,;:()[\]|–—]+)/gy;
	tokenRe.lastIndex = from;
	let start = -1;
	let lastNameEnd = -1;
	let words = 0;
	for (let m = tokenRe.exec(text); m && tokenRe.lastIndex <= limit; m = tokenRe.exec(text)) {
		const token = m[1]!;
		const tokenStart = m.index + m[0].length - token.length;
		const folded = fold(token);
		if (words >= 6) break;
		// "d'Estaing": the particle glued to the name.
		const glued = /^(d'|l')(\p{Lu}.*)$/u.exec(token.replace('’', "'"));
		if (NAME_STOP.has(folded.replace(/[.:]$/, ''))) break;
		if ((folded === 'et' || folded === '&') && lastNameEnd !== -1) {
			continue;
		}
		if (PARTICLES.has(folded) && !/^\p{Lu}/u.test(token)) {
			if (start === -1) start = tokenStart;
			continue;
		}
		if (NAME_WORD.test(token) || glued) {
			if (start === -1) start = tokenStart;
			lastNameEnd = tokenStart + token.length;
			words++;
			continue;
		}
		break;
	}
	if (lastNameEnd === -1 || start === -1) return null;
	// A trailing full stop belongs to the sentence, unless the last word is an initial ("J.").
	let end = lastNameEnd;
	const value = text.slice(start, end);
	if (value.endsWith('.') && !/(?:^|\s)\p{Lu}\.$/u.test(value)) end--;
	if (end <= start) return null;
	return { start, end };
}

function detectCivilityNames(text: string): PiiSpan[] {
	const out: PiiSpan[] = [];
	for (const m of text.matchAll(CIVILITY)) {
		const name = parseNameAt(text, m.index + m[0].length);
		if (name) out.push(span(name.start, name.end, 'NOM', 'civility'));
	}
	return out;
}

/** Labels whose value is a person: the part before ":" must contain one of these words. */
const PERSON_LABEL =
	/(?:^|[\s/(])(nom|noms|prenom|prenoms|client|cliente|beneficiaire|destinataire|maitre d'ouvrage|proprietaire|occupant|demandeur|contact|interlocuteur|suivi par|suivie par|commercial|technicien|conseiller|conseillere|signataire|gerant|gerante|represente par|representee par|a l'attention de|attn|locataire|titulaire|souscripteur|acquereur|mandataire|intervenant)(?:\s|$)/;
/** Labels that look personal but name a company, a product or a bank. */
const NOT_PERSON_LABEL =
	/(entreprise|societe|raison|commercial(e)? de|nom commercial|marque|produit|fabricant|modele|banque|etablissement|ville|adresse|code|reference|numero|n°)/;

function detectLabelledNames(text: string): PiiSpan[] {
	const out: PiiSpan[] = [];
	for (const m of text.matchAll(/:/g)) {
		const lineStart = text.lastIndexOf('\n', m.index) + 1;
		let label = text.slice(Math.max(lineStart, m.index - 45), m.index);
		// Only the last field of a line like "SIRET : … – Contact : …".
		label = label.split(/[–—|•]|\s-\s|\t/).pop() ?? label;
		const folded = fold(label).trim();
		if (!PERSON_LABEL.test(folded) || NOT_PERSON_LABEL.test(folded)) continue;
		let from = m.index + 1;
		// A civility after the label is handled by the civility detector, which skips it.
		const civility = new RegExp(
			`^[ \\t]*${CIVILITY_WORD}(?:[ \\t]*(?:et|ou|&|/)[ \\t]*${CIVILITY_WORD})?[ \\t]*`,
			'u'
		);
		const c = civility.exec(text.slice(from, from + 40));
		if (c) from += c[0].length;
		const name = parseNameAt(text, from);
		if (name) out.push(span(name.start, name.end, 'NOM', 'label'));
	}
	return out;
}

/** Lines that open a client block; the person's name is the next non-empty line. */
const CLIENT_BLOCK_LABEL =
	/^(?:client|clients|cliente|client\(e\)|le client|la cliente|destinataire|beneficiaire|beneficiaires|maitre d'ouvrage|maitre de l'ouvrage|proprietaire|adresse de facturation|facturation|facture a|facturer a|adresse client|coordonnees client|coordonnees du client|informations client|particulier|devis etabli pour|etabli pour|a l'attention de|adresse du client|vos coordonnees|donneur d'ordre)\s*:?$/;

function lineBounds(text: string): { start: number; end: number }[] {
	const out: { start: number; end: number }[] = [];
	let start = 0;
	for (;;) {
		const nl = text.indexOf('\n', start);
		const end = nl === -1 ? text.length : nl;
		out.push({ start, end });
		if (nl === -1) return out;
		start = nl + 1;
	}
}

/** Column segments of a line: a reader joins two-column headers with a wide gap (2+ spaces or a tab). */
function segments(text: string, line: { start: number; end: number }): { start: number; end: number }[] {
	const out: { start: number; end: number }[] = [];
	const content = text.slice(line.start, line.end);
	for (const m of content.matchAll(/\S+(?:[ ]\S+)*/g))
		out.push({ start: line.start + m.index, end: line.start + m.index + m[0].length });
	return out;
}

const CIVILITY_PREFIX = new RegExp(
	`^${CIVILITY_WORD}(?:[ \\t]*(?:et|ou|&|/)[ \\t]*${CIVILITY_WORD})?[ \\t]*`,
	'u'
);

function detectClientBlockNames(text: string): PiiSpan[] {
	const out: PiiSpan[] = [];
	const lines = lineBounds(text);
	for (let i = 0; i < lines.length; i++) {
		const segs = segments(text, lines[i]!);
		const labelAt = segs.findIndex((s) => CLIENT_BLOCK_LABEL.test(fold(text.slice(s.start, s.end)).trim()));
		if (labelAt === -1) continue;
		// The label's column: the first one, or the last one of a two-column header.
		const lastColumn = labelAt > 0 && labelAt === segs.length - 1;
		for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
			const nextSegs = segments(text, lines[j]!);
			if (!nextSegs.length) continue;
			const seg = lastColumn ? nextSegs[nextSegs.length - 1]! : nextSegs[0]!;
			const content = text.slice(seg.start, seg.end);
			if (/\d|@|:/.test(content) || content.split(/\s+/).length > 8) break;
			let from = seg.start;
			const c = CIVILITY_PREFIX.exec(content);
			if (c) from += c[0].length;
			const name = parseNameAt(text, from);
			if (name && name.end <= seg.end) out.push(span(name.start, name.end, 'NOM', 'client-block'));
			break;
		}
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Addresses

const STREET_TYPES = [
	'rue',
	'r\\.',
	'avenue',
	'av\\.?',
	'ave\\.?',
	'boulevard',
	'bd\\.?',
	'bld\\.?',
	'blvd\\.?',
	'impasse',
	'imp\\.',
	'chemin',
	'ch\\.',
	'all[ée]e',
	'place',
	'pl\\.',
	'route',
	'rte\\.?',
	'quai',
	'cours',
	'square',
	'sq\\.',
	'passage',
	'voie',
	'sentier',
	'chauss[ée]e',
	'faubourg',
	'fbg\\.?',
	'hameau',
	'lieu[- ]dit',
	'lotissement',
	'lot\\.',
	'r[ée]sidence',
	'cit[ée]',
	'villa',
	'domaine',
	'parc',
	'rond[- ]point',
	'esplanade',
	'promenade',
	'mont[ée]e',
	'clos',
	'za',
	'zi',
	'zac',
	'zae',
	'parvis',
	'venelle',
	'traverse',
	'carrefour',
	'cour',
	'ruelle',
	'rampe',
	'lev[ée]e',
	'vc',
	'chem\\.'
].join('|');

const STREET_WITH_NUMBER = new RegExp(
	String.raw`(?<![\p{L}\d.,/-])\d{1,4}(?:[ \t]?(?:bis|ter|quater|[A-Da-d])(?![\p{L}]))?,?[ \t]+(?:${STREET_TYPES})(?![\p{L}])([ \t]*[^\n]{1,70})`,
	'giu'
);
/**
 * A street name starts with a capital or a digit, after its particles ("rue des Tanneurs",
 * "av. de l'Europe", "ZA de la Lande"): "1 passage de gaines" in a works line is not an address.
 * Checked without the case-insensitive flag, under which \p{Lu} would match any letter.
 */
export const STREET_NAME_START =
	/^[ \t.]*(?:(?:du|de|des|la|le|les|aux|au)[ \t]+)*(?:d['’]|l['’])?[\p{Lu}\d]/u;

const STREET_AT_LINE_START = new RegExp(
	String.raw`^[ \t]*(?:${STREET_TYPES})(?![\p{L}])[ \t]+(?:du|de la|de l'|de l’|des|de|d'|d’|l'|l’|les|la|le)?[ \t]*\p{Lu}[^\n]{0,60}$`,
	'gimu'
);

/** Where a street name stops: a separator, a postcode, a wide gap or the end of the line. */
function streetEnd(text: string, start: number, end: number): number {
	const value = text.slice(start, end);
	const cut = value.search(
		/[ \t]*(?:[–—|•;]|[ \t]-[ \t]|,[ \t]*(?=\d{5}\b)|[ \t]+\d{5}(?!\d)|[ \t]{2,}|\bT[ée]l\b|\bt[ée]l\.|@)/u
	);
	const stop = cut === -1 ? end : start + cut;
	let e = stop;
	while (e > start && /[\s,.]/.test(text[e - 1]!)) e--;
	return e;
}

const POSTCODE_CITY = new RegExp(
	String.raw`(?<![\p{L}\d.,/-])(?:F-|FR-)?(?:0[1-9]|[1-8]\d|9[0-8])\d{3}[ \t]+(\p{Lu}[\p{L}'’-]*(?:[ \t-](?:(?:sur|sous|en|l[èe]s|les|le|la|de|du|des|d'|d’|aux|au|et)[ \t-])?\p{Lu}[\p{L}'’-]*){0,4})(?:[ \t]+(?:CEDEX|Cedex)(?:[ \t]+\d{1,3})?)?`,
	'gu'
);
/** Words after a 5-digit number that show it is an amount, a norm or a reference, not a postcode. */
const NOT_A_CITY = new Set(
	[
		'euros',
		'euro',
		'eur',
		'ht',
		'ttc',
		'tva',
		'total',
		'francs',
		'kwh',
		'w',
		'wh',
		'kw',
		'pa',
		'mm',
		'cm',
		'm',
		'l',
		'kg',
		'pieces',
		'pièces',
		'unites',
		'unités',
		'heures',
		'points',
		'ex',
		'exemplaires',
		'annee',
		'année',
		'et'
	].map(fold)
);

function detectAddresses(text: string): PiiSpan[] {
	const out: PiiSpan[] = [];
	// Resume after each street's real end: a two-column header may hold two addresses on one line.
	STREET_WITH_NUMBER.lastIndex = 0;
	for (let m = STREET_WITH_NUMBER.exec(text); m; m = STREET_WITH_NUMBER.exec(text)) {
		if (!STREET_NAME_START.test(m[1]!)) continue;
		const end = streetEnd(text, m.index, m.index + m[0].length);
		if (end > m.index) out.push(span(m.index, end, 'ADRESSE', 'street'));
		STREET_WITH_NUMBER.lastIndex = Math.max(end, m.index + 1);
	}
	for (const m of text.matchAll(POSTCODE_CITY)) {
		const before = fold(text.slice(Math.max(0, m.index - 12), m.index));
		if (
			/(?:n°|no|nº|ref|reference|en|iso|nf|dtu|art\.?|article|capital|rcs|siret|siren|tva)\s*$/.test(before)
		)
			continue;
		const firstWord = fold(m[1]!.split(/[ \t-]/)[0]!);
		if (NOT_A_CITY.has(firstWord)) continue;
		const value = m[0];
		const cityStart = value.search(/[ \t]/);
		const stop = value.slice(cityStart).search(/[ \t]*(?:[–—|•;]|[ \t]-[ \t]|[ \t]{2,}|\bT[ée]l\b)/u);
		const end = m.index + (stop === -1 ? value.length : cityStart + stop);
		out.push(span(m.index, end, 'ADRESSE', 'postcode-city'));
	}
	// A street without number at the start of a line counts when a postcode line follows it.
	for (const m of text.matchAll(STREET_AT_LINE_START)) {
		const after = text.slice(m.index + m[0].length, m.index + m[0].length + 200);
		const nextLines = after
			.split('\n')
			.slice(1, 4)
			.filter((l) => l.trim());
		const sameLinePostcode = /\b\d{5}\b/.test(m[0]);
		const nextIsPostcode =
			nextLines[0] !== undefined && /^[ \t]*(?:F-)?\d{5}[ \t]+\p{Lu}/u.test(nextLines[0]);
		if (!sameLinePostcode && !nextIsPostcode) continue;
		const indent = m[0].length - m[0].trimStart().length;
		const start = m.index + indent;
		const end = streetEnd(text, start, m.index + m[0].length);
		if (end > start) out.push(span(start, end, 'ADRESSE', 'street-line'));
	}
	// Labelled values: "Adresse : …", "Code postal : 29200", "Ville : Brest".
	for (const m of text.matchAll(
		/\b(adresse|domicile|demeurant|domicili[ée]e?)(?:[^:\n]{0,30})?[ \t]*:[ \t]*([^\n]{3,90})/giu
	)) {
		const value = m[2]!;
		const start = m.index + m[0].length - value.length;
		const end = streetEnd(text, start, start + value.length);
		if (end > start && /\d/.test(text.slice(start, end)))
			out.push(span(start, end, 'ADRESSE', 'address-label'));
	}
	for (const m of text.matchAll(/\b(?:code[ \t]+postal|CP)[ \t]*:?[ \t]*(\d{5})\b/giu)) {
		const start = m.index + m[0].length - m[1]!.length;
		out.push(span(start, start + 5, 'ADRESSE', 'postcode-label'));
	}
	for (const m of text.matchAll(/\b(?:ville|commune)[ \t]*:[ \t]*(\p{Lu}[\p{L}'’ -]{1,40})/gu)) {
		const value = m[1]!.trimEnd();
		const start = m.index + m[0].length - m[1]!.length;
		out.push(span(start, start + value.length, 'ADRESSE', 'city-label'));
	}
	return out;
}

// ---------------------------------------------------------------------------------------------

/** Which detector wins when two spans overlap (earlier in the list wins). */
const PRIORITY: Record<PiiKind, number> = {
	EMAIL: 0,
	IBAN: 1,
	BIC: 2,
	NIR: 3,
	TELEPHONE: 4,
	DATE_NAISSANCE: 5,
	NOM: 6,
	ADRESSE: 7
};

/** Every personal-data span in `text`, without overlaps, in text order. */
export function detectPii(text: string): PiiSpan[] {
	const candidates = [
		...detectEmails(text),
		...detectBank(text),
		...detectNir(text),
		...detectPhones(text),
		...detectBirthDates(text),
		...detectCivilityNames(text),
		...detectLabelledNames(text),
		...detectClientBlockNames(text),
		...detectAddresses(text)
	].filter((s) => s.end > s.start);
	candidates.sort(
		(a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || b.end - b.start - (a.end - a.start) || a.start - b.start
	);
	const accepted: PiiSpan[] = [];
	for (const candidate of candidates) {
		const overlapping = accepted.filter((s) => s.start < candidate.end && candidate.start < s.end);
		if (overlapping.length === 0) {
			accepted.push(candidate);
			continue;
		}
		// Same kind: keep the union (a street found twice, a name by two detectors).
		if (overlapping.every((s) => s.kind === candidate.kind)) {
			for (const s of overlapping) {
				s.start = Math.min(s.start, candidate.start);
				s.end = Math.max(s.end, candidate.end);
			}
		}
	}
	accepted.sort((a, b) => a.start - b.start);
	return mergeAdjacentAddresses(text, dedupe(accepted));
}

function dedupe(spans: PiiSpan[]): PiiSpan[] {
	const out: PiiSpan[] = [];
	for (const s of spans) {
		const last = out[out.length - 1];
		if (last && s.start < last.end) {
			last.end = Math.max(last.end, s.end);
			continue;
		}
		out.push({ ...s });
	}
	return out;
}

/** A street and its postcode line (same line or the very next one) form one address. */
function mergeAdjacentAddresses(text: string, spans: PiiSpan[]): PiiSpan[] {
	const out: PiiSpan[] = [];
	for (const s of spans) {
		const last = out[out.length - 1];
		if (
			last &&
			last.kind === 'ADRESSE' &&
			s.kind === 'ADRESSE' &&
			/^(?:[ \t]?[,–—-]?[ \t]?|[ \t]*\n[ \t]*)$/.test(text.slice(last.end, s.start))
		) {
			last.end = s.end;
			last.rule = `${last.rule}+${s.rule}`;
			continue;
		}
		out.push(s);
	}
	return out;
}

/**
 * The words of a detected name worth looking for elsewhere in the text ("Le Goff" alone in a
 * signature, "DUBREUIL" in capitals): the whole value and each word with its particles.
 */
export function nameVariants(value: string): string[] {
	const out = new Set<string>([value.trim()]);
	for (const person of value.split(/[ \t]+(?:et|&)[ \t]+/)) {
		out.add(person.trim());
		const words = person.trim().split(/[ \t]+/);
		let group: string[] = [];
		for (const word of words) {
			group.push(word);
			if (PARTICLES.has(fold(word)) && group.length < 3) continue;
			out.add(group.join(' '));
			group = [];
		}
	}
	return [...out].filter(
		(v) => v.replace(/[^\p{L}]/gu, '').length >= 3 && !PARTICLES.has(fold(v)) && !NAME_STOP.has(fold(v))
	);
}
