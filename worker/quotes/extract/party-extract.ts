import type { QuoteDocument, Segment } from './quote-document.ts';
import { findLabels, untilSeparator } from './label-finder.ts';
import {
	ADMIN_LABELS,
	CIVILITIES,
	DOCUMENT_TITLES,
	POSTCODE_CITY,
	STREET_WORDS,
	labelPattern
} from './label-synonyms.ts';
import { cleanSpaces, fold, foldWithMap, unfoldSlice } from './value-normalise.ts';
import type { Found, Provenance } from './types.ts';

/**
 * The two parties of a devis: the company (name, head-office address) and the client
 * (civility, first name, surname, address), read from their header blocks.
 */

/** Lines that end a party block: another labelled field of the header. */
const BLOCK_END =
	/^(?:adresse (?:des travaux|du chantier|de chantier|d'intervention)|lieu (?:des travaux|d'intervention)|chantier\b|objet\b|date\b|devis\b|n\s?[°º]|numero|reference|ref\.?\b|visite|debut|validite|qualification|rge\b|siret|siren|rcs|tva|assurance|capital|conditions|designation|total|montant|page \d)/;
/** Contact lines inside a block: skipped, not an address. */
const CONTACT =
	/^(?:tel\b|tel\.|telephone|portable|mobile|port\.|fax|e-?mail|courriel|mail\b|site|www\.|http)|@|(?:\+33|\b0[1-9])(?:[\s.-]?\d{2}){4}\b/;
/** A line that only holds a phone number or an e-mail. */
const PHONE_ONLY = /^(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}$/;

/** A party block: its lines as segments, in order. */
export interface PartyBlock {
	anchor: Segment;
	lines: Segment[];
}

/** The client block: after a "Client" label, the lines on the same side of the page below it. */
export function clientBlock(doc: QuoteDocument, skipRows: ReadonlySet<number>): PartyBlock | null {
	const hits = findLabels(doc, ADMIN_LABELS.client, {
		anchored: ADMIN_LABELS.client,
		skipRows,
		right: false
	}).filter((h) => {
		// A bare label ("Client", "Client :") or a label followed by the client's name.
		const rest = fold(h.value);
		return !/^(?:s?\s*(?:precedee|signature|s'engage|dispose|reste|est|peut|doit|particulier)|,)/.test(rest);
	});
	for (const hit of hits) {
		const lines: Segment[] = [];
		if (hit.value !== '')
			lines.push({ ...hit.seg, text: hit.value, key: fold(hit.value), folded: foldWithMap(hit.value) });
		let lastY = hit.seg.y;
		const pitch = linePitch(doc, hit.seg.page);
		for (let i = hit.seg.row + 1; i < doc.rows.length && lines.length < 7; i++) {
			const row = doc.rows[i]!;
			if (row.page !== hit.seg.page) break;
			// OCR leaves stray marks (";", "Ë") in empty areas: a cell needs three letters or digits.
			const cells = row.segments.filter(
				(s) => s.side === hit.seg.side && (s.text.match(/[\p{L}\d]/gu)?.length ?? 0) >= 3
			);
			if (cells.length === 0) continue;
			if (row.y - lastY > pitch * 2.6) break;
			// OCR may cut one line of the block in several cells ("M. Thie  Vasseur").
			const seg = cells.length === 1 || hit.seg.side === 'left' ? cells[0]! : joinCells(cells);
			if (BLOCK_END.test(seg.key) && lines.length > 0) break;
			lines.push(seg);
			lastY = row.y;
		}
		// "Client  M. Dupont" on one line: the next cell holds the name when nothing is below.
		if (hit.value === '' && lines.length === 0) {
			const right = doc.rows[hit.seg.row]!.segments.find((s) => s.part > hit.seg.part);
			if (right && (right.text.match(/[\p{L}\d]/gu)?.length ?? 0) >= 3) lines.push(right);
		}
		if (lines.length > 0) return { anchor: hit.seg, lines };
	}
	// No "Client" label: a block that starts with a civility ("Madame Marie Durand") is the client.
	const firstPage = doc.pages[0];
	for (const row of doc.rows) {
		if (row.page !== firstPage || row.index > 40) break;
		if (skipRows.has(row.index)) continue;
		const seg = row.segments.find((s) => startsWithCivility(s.text));
		if (!seg) continue;
		const lines: Segment[] = [seg];
		for (let i = row.index + 1; i < doc.rows.length && lines.length < 6; i++) {
			const next = doc.rows[i]!;
			const s = next.segments.find((c) => c.side === seg.side && c.part === seg.part);
			if (!s || next.page !== seg.page || BLOCK_END.test(s.key)) break;
			lines.push(s);
		}
		return { anchor: seg, lines };
	}
	return null;
}

/** Whether a cell starts with a civility and a capitalised name ("M. Paul Dubreuil", "Madame DURAND"). */
export function startsWithCivility(text: string): boolean {
	return /^(?:M\.|Mme\.?|Mlle\.?|Mr\.?|Monsieur|Madame|Mademoiselle|Mrs?\.?)(?:\s+et\s+(?:M\.|Mme\.?|Madame|Monsieur))?\s+\p{Lu}/u.test(
		text.trim()
	);
}

/** The usual distance between two lines of a page (median, at least one line height). */
export function linePitch(doc: QuoteDocument, page: number): number {
	const rows = doc.rows.filter((r) => r.page === page);
	const gaps = rows
		.slice(1)
		.map((r, i) => r.y - rows[i]!.y)
		.filter((g) => g > 0)
		.sort((a, b) => a - b);
	const median = gaps[Math.floor(gaps.length / 2)] ?? 0;
	const height = rows.map((r) => r.height).sort((a, b) => a - b)[Math.floor(rows.length / 2)] ?? 1;
	return Math.max(median, height);
}

/** Cells of one line read as one cell. */
function joinCells(cells: Segment[]): Segment {
	const text = cells.map((c) => c.text).join(' ');
	return { ...cells[0]!, text, key: fold(text), folded: foldWithMap(text) };
}

/** Civility, first name and surname read from a client name line. */
export interface ClientName {
	civilite: string | null;
	prenom: string | null;
	nom: string | null;
}

const PARTICLES = new Set([
	'le',
	'la',
	'de',
	'du',
	'des',
	"d'",
	'van',
	'von',
	'der',
	'den',
	'di',
	'da',
	'del',
	'della',
	'ben',
	'el',
	'al',
	'mac',
	'saint',
	'st'
]);
const CIVILITY_RE = new RegExp(
	`^(${CIVILITIES.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\.$/, '\\.?')).join('|')})(?:\\.|\\s|$)`
);

/**
 * Splits "M. et Mme Paul et Claire Dubreuil" into civility, first names and surname. A word in
 * capitals is the surname; otherwise the last word with its particles ("Le Goff", "de La Tour").
 */
export function parseClientName(text: string): ClientName {
	let rest = cleanSpaces(text.replace(/^[,:;\s-]+|[,;:\s]+$/g, ''));
	const folded = foldWithMap(rest);
	let civilite: string | null = null;
	const civ = folded.key.match(CIVILITY_RE);
	if (civ && (civ[1]!.length > 1 || /^M\.?\s+\p{Lu}/u.test(rest))) {
		civilite = unfoldSlice(rest, folded, 0, civ[1]!.length).trim();
		if (rest[civilite.length] === '.') civilite += '.';
		rest = rest.slice(civilite.length).trim();
	}
	const words = rest.split(/\s+/).filter((w) => w !== '');
	if (words.length === 0) return { civilite, prenom: null, nom: null };
	const isCaps = (w: string) => /^\p{Lu}[\p{Lu}'’-]+$/u.test(w) && !PARTICLES.has(w.toLowerCase());
	let nomWords: string[];
	let prenomWords: string[];
	const capsIdx = words.map((w, i) => (isCaps(w) ? i : -1)).filter((i) => i >= 0);
	if (capsIdx.length > 0 && capsIdx.length < words.length) {
		const first = capsIdx[0]!;
		let last = first;
		while (
			last + 1 < words.length &&
			(isCaps(words[last + 1]!) || PARTICLES.has(words[last + 1]!.toLowerCase()))
		)
			last++;
		let from = first;
		while (from > 0 && PARTICLES.has(words[from - 1]!.toLowerCase())) from--;
		nomWords = words.slice(from, last + 1);
		prenomWords = [...words.slice(0, from), ...words.slice(last + 1)];
	} else if (words.length === 1) {
		nomWords = words;
		prenomWords = [];
	} else {
		let from = words.length - 1;
		while (from > 1 && PARTICLES.has(words[from - 1]!.toLowerCase())) from--;
		if (from === 1 && PARTICLES.has(words[0]!.toLowerCase())) from = 0;
		nomWords = words.slice(from);
		prenomWords = words.slice(0, from);
	}
	const prenom = prenomWords
		.join(' ')
		.replace(/\s+et$/, '')
		.trim();
	return { civilite, prenom: prenom === '' ? null : prenom, nom: nomWords.join(' ') || null };
}

/** An address read from block lines: street lines then "postcode city", joined by ", ". */
export function readAddress(lines: Segment[]): Found<string> | null {
	const pcIndex = lines.findIndex((l) => POSTCODE_CITY.test(l.text) && !CONTACT.test(l.key));
	if (pcIndex < 0) {
		const street = lines.find((l) => STREET_WORDS.test(l.key) && /\d/.test(l.text) && !CONTACT.test(l.key));
		return street ? { value: cleanSpaces(untilSeparator(street.text)), where: street.where } : null;
	}
	const streets: Segment[] = [];
	for (let i = pcIndex - 1; i >= 0 && streets.length < 2; i--) {
		const l = lines[i]!;
		if (CONTACT.test(l.key) || PHONE_ONLY.test(l.text.trim())) continue;
		if (!(STREET_WORDS.test(l.key) || /^\d/.test(l.text.trim()))) break;
		streets.unshift(l);
	}
	const pc = lines[pcIndex]!;
	// "Entreprise individuelle - 17 rue Faidherbe - 59800 Lille": keep the street and the city parts.
	const parts = pc.text
		.split(/\s+[-–—|]\s+|,\s+|\s{2,}/)
		.map((p) => p.trim())
		// "8, avenue Jean Jaurès": a house number stays with its street.
		.reduce<string[]>((acc, p) => {
			const last = acc[acc.length - 1];
			if (last !== undefined && /^\d+\s?(?:bis|ter|[a-d])?$/i.test(last))
				acc[acc.length - 1] = `${last}, ${p}`;
			else acc.push(p);
			return acc;
		}, []);
	const pcPart = parts.findIndex((p) => POSTCODE_CITY.test(p));
	if (pcPart > 0 && streets.length === 0) {
		const before = parts[pcPart - 1]!;
		if (/^\d/.test(before) || STREET_WORDS.test(fold(before))) {
			return { value: `${cleanSpaces(before)}, ${cleanSpaces(parts[pcPart]!)}`, where: pc.where };
		}
	}
	const pcText = cleanSpaces(pcPart >= 0 ? parts[pcPart]! : untilSeparator(pc.text));
	const joined = [...streets.map((s) => cleanSpaces(s.text.replace(/[,\s]+$/, ''))), pcText];
	return { value: joined.join(', '), where: (streets[0] ?? pc).where };
}

/** What the client block holds. */
export interface ClientFields {
	civilite: Found<string> | null;
	prenom: Found<string> | null;
	nom: Found<string> | null;
	adresse: Found<string> | null;
}

/** Reads the client block: labelled lines first ("Nom :", "Prénom :"), then the name line. */
export function readClient(block: PartyBlock): ClientFields {
	const out: ClientFields = { civilite: null, prenom: null, nom: null, adresse: null };
	const labelled = (labels: readonly string[], line: Segment) => {
		const m = line.key.match(new RegExp(`^${labelPattern(labels).source}\\s*:\\s*`));
		return m ? cleanSpaces(line.text.slice(unfoldIndex(line, m[0].length))) : null;
	};
	const nameLines: Segment[] = [];
	const addressLines: Segment[] = [];
	for (const line of block.lines) {
		const nom = labelled(ADMIN_LABELS.client_nom, line);
		const prenom = labelled(ADMIN_LABELS.client_prenom, line);
		const civ = labelled(ADMIN_LABELS.client_civilite, line);
		const adr = labelled(ADMIN_LABELS.client_adresse, line);
		if (nom !== null) {
			const parsed = parseClientName(nom);
			if (parsed.civilite && !out.civilite) out.civilite = { value: parsed.civilite, where: line.where };
			const hasPrenomLine = block.lines.some((l) => labelled(ADMIN_LABELS.client_prenom, l) !== null);
			if (!hasPrenomLine && parsed.prenom && !out.prenom)
				out.prenom = { value: parsed.prenom, where: line.where };
			const value = hasPrenomLine ? nom.slice(parsed.civilite?.length ?? 0).trim() : parsed.nom;
			if (value) out.nom = { value, where: line.where };
		} else if (prenom !== null) out.prenom = { value: prenom, where: line.where };
		else if (civ !== null) out.civilite = { value: civ, where: line.where };
		else if (adr !== null) addressLines.push({ ...line, text: adr, key: fold(adr) });
		else if (CONTACT.test(line.key) || PHONE_ONLY.test(line.text.trim())) continue;
		else if (
			nameLines.length === 0 &&
			addressLines.length === 0 &&
			!/^\d/.test(line.text.trim()) &&
			!POSTCODE_CITY.test(line.text)
		)
			nameLines.push(line);
		else addressLines.push(line);
	}
	if (!out.nom && nameLines[0]) {
		const line = nameLines[0];
		const parsed = parseClientName(untilSeparator(line.text));
		if (parsed.civilite && !out.civilite) out.civilite = { value: parsed.civilite, where: line.where };
		if (parsed.prenom && !out.prenom) out.prenom = { value: parsed.prenom, where: line.where };
		if (parsed.nom) out.nom = { value: parsed.nom, where: line.where };
	}
	out.adresse = readAddress(addressLines);
	return out;
}

function unfoldIndex(seg: Segment, foldedIndex: number): number {
	return foldedIndex >= seg.folded.map.length ? seg.text.length : seg.folded.map[foldedIndex]!;
}

/** Company name and head-office address. */
export interface CompanyFields {
	raison_sociale: Found<string> | null;
	pro_adresse: Found<string> | null;
}

const NOT_A_NAME =
	/^(?:page\b|logo|tel\b|tel\.|telephone|fax|e-?mail|site|www|http|le \d|date|client|objet|n\s?[°º]|siret|siren|rcs|tva|capital|assurance|qualification|rge\b|adresse|\d)|@|:/;

/**
 * The company: a labelled name ("Raison sociale :", "Entreprise :"), else the first line of
 * page 1 that is not the document title, a label, an address or a contact; its address is
 * read from the lines right below it (or a "Siège social :" label).
 */
export function readCompany(
	doc: QuoteDocument,
	skipRows: ReadonlySet<number>,
	client: PartyBlock | null
): CompanyFields {
	// The client's cells are skipped, not their whole rows: a two-column header shares them.
	const cellKey = (s: Segment) => `${s.row}:${s.part}`;
	const clientCells = new Set(client ? [client.anchor, ...client.lines].map(cellKey) : []);
	let name: Segment | null = null;
	let nameText: string | null = null;
	const labelled = findLabels(doc, ADMIN_LABELS.raison_sociale, {
		anchored: ADMIN_LABELS.raison_sociale,
		skipRows
	}).find(
		(h) =>
			/^\s*$/.test(h.seg.key.slice(0, h.seg.key.indexOf(h.label))) &&
			// "Entreprise : X", not "Entreprise individuelle".
			/^\s*:/.test(h.seg.key.slice(h.seg.key.indexOf(h.label) + h.label.length)) &&
			/\p{L}{2,}/u.test(h.value) &&
			h.value.length < 80 &&
			!/^(?:s'engage|est|se reserve|pourra|dont)/.test(fold(h.value))
	);
	if (labelled) {
		name = labelled.valueSeg;
		nameText = untilSeparator(labelled.value);
	}
	if (!name) {
		const firstPage = doc.pages[0];
		for (const row of doc.rows) {
			if (row.page !== firstPage) break;
			if (skipRows.has(row.index)) continue;
			const seg = row.segments.find(
				(s) =>
					!clientCells.has(cellKey(s)) &&
					!DOCUMENT_TITLES.some((t) => t.re.test(s.key)) &&
					!startsWithCivility(s.text) &&
					!NOT_A_NAME.test(s.key) &&
					!POSTCODE_CITY.test(s.text) &&
					!(STREET_WORDS.test(s.key) && /\d/.test(s.text)) &&
					/\p{L}{2,}/u.test(s.text) &&
					s.text.length <= 70
			);
			if (seg) {
				name = seg;
				nameText = untilSeparator(seg.text);
				break;
			}
		}
	}
	// "Thermi-Rénov Atlantique DEVIS": a title joined to the name by a narrow gap.
	if (nameText)
		nameText = nameText.replace(
			/\s+(?:DEVIS|FACTURE|PROPOSITION(?: COMMERCIALE)?|OFFRE(?: DE PRIX)?)(?:\s+N.*)?$/,
			''
		);
	const raison_sociale = name && nameText ? { value: cleanSpaces(nameText), where: name.where } : null;

	// Head office: a "Siège social :" label wins, else the lines below the name on its side.
	const siege = findLabels(doc, ADMIN_LABELS.pro_adresse, { skipRows, below: true }).find((h) =>
		/\d/.test(h.value)
	);
	if (siege) {
		const lines: Segment[] = [{ ...siege.valueSeg, text: siege.value, key: fold(siege.value) }];
		const next = doc.rows[siege.valueSeg.row + 1]?.segments.find((s) => s.side === siege.valueSeg.side);
		if (next && POSTCODE_CITY.test(next.text) && !POSTCODE_CITY.test(siege.value)) lines.push(next);
		const addr = readAddress(
			lines.map((l) => ({ ...l, text: l.text.split(/\s+[-–]\s+(?=\d{5})/).join(', ') }))
		);
		if (addr) return { raison_sociale, pro_adresse: addr };
	}
	let pro_adresse: Found<string> | null = null;
	if (name) {
		const lines: Segment[] = [];
		// The name's own cell may carry the address after a separator ("Nom – 12 rue X, 44000 Nantes").
		const inline = name.text
			.split(/\s+[–—|]\s+/)
			.slice(1)
			.join(', ');
		if (inline && POSTCODE_CITY.test(inline)) lines.push({ ...name, text: inline, key: fold(inline) });
		for (let i = name.row + 1; i < doc.rows.length && lines.length < 4; i++) {
			const row = doc.rows[i]!;
			if (row.page !== name.page) break;
			const seg = row.segments.find((s) => s.side === name!.side && !clientCells.has(cellKey(s)));
			if (!seg) continue;
			if (BLOCK_END.test(seg.key)) break;
			// "SARL au capital de 20 000 € - 3 rue du Port - 13002 Marseille": the address is a part of it.
			if (/\b(?:sarl|sas|sasu|eurl|ei|siret|capital)\b/.test(seg.key)) {
				const parts = seg.text.split(/\s+[-–—|]\s+/);
				const pc = parts.findIndex((p) => POSTCODE_CITY.test(p.trim()));
				if (pc > 0)
					lines.push({
						...seg,
						text: parts.slice(pc - 1, pc + 1).join(' - '),
						key: fold(parts.slice(pc - 1, pc + 1).join(' - '))
					});
				break;
			}
			if (CONTACT.test(seg.key)) {
				// "12 rue X – Tél. 02…": keep what comes before the contact.
				const before = seg.text.split(/\s+[–—|-]\s+(?=t[ée]l|fax|e-?mail|courriel)/i)[0]!;
				if (before !== seg.text && /\d/.test(before)) lines.push({ ...seg, text: before, key: fold(before) });
				break;
			}
			lines.push(seg);
			if (POSTCODE_CITY.test(seg.text)) break;
		}
		if (lines.some((l) => POSTCODE_CITY.test(l.text))) pro_adresse = readAddress(lines);
	}
	return { raison_sociale, pro_adresse };
}

/** Where a value was found, for values built from several lines. */
export function firstWhere(...founds: (Found<unknown> | null)[]): Provenance | null {
	return founds.find((f) => f !== null)?.where ?? null;
}
