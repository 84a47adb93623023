import { fold } from '../extract/value-normalise.ts';
import type { AdminFields, Found } from '../extract/types.ts';
import { makeError } from './rule-engine.ts';
import type { QuoteError } from './rule-types.ts';

/**
 * Consistency of the quotes of one dossier (quotes.md §4, §11.10): the client's first name,
 * surname and address, then company and worksite. Values are normalised first (case, accents,
 * punctuation, "M. et Mme", couples split), then compared: first names exactly (Jean ≠ Jeanne),
 * surnames and addresses with a small typo tolerance.
 */

/** Most quotes in a dossier (MDSO's limit). */
export const MAX_DOSSIER_QUOTES = 20;

/** The fields of one quote the dossier checks compare. */
export type DossierMember = { key: string } & Pick<
	AdminFields,
	'client_prenom' | 'client_nom' | 'client_adresse' | 'raison_sociale' | 'siret' | 'chantier_adresse'
>;

const STREET_ABBREVIATIONS: [RegExp, string][] = [
	[/\bbd\b|\bboul\b/g, 'boulevard'],
	[/\bav\b|\bave\b/g, 'avenue'],
	[/\bch\b|\bche\b/g, 'chemin'],
	[/\bimp\b/g, 'impasse'],
	[/\ball\b/g, 'allee'],
	[/\bpl\b/g, 'place'],
	[/\brte\b/g, 'route'],
	[/\bfg\b|\bfbg\b/g, 'faubourg'],
	[/\bsq\b/g, 'square'],
	[/\bres\b/g, 'residence'],
	[/\bst\b/g, 'saint'],
	[/\bste\b/g, 'sainte'],
	[/\br\b/g, 'rue'],
	[/\bbis\b/g, 'b'],
	[/\bter\b/g, 't']
];

/** Lower case, no accents, punctuation as spaces, spaces collapsed. */
export function normaliseText(text: string): string {
	return fold(text)
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();
}

/** An address made comparable: abbreviations expanded, "cedex" and commas dropped. */
export function normaliseAddress(text: string): string {
	let t = normaliseText(text).replace(/\bcedex\b(?: \d+)?/g, '');
	for (const [re, full] of STREET_ABBREVIATIONS) t = t.replace(re, full);
	return t.replace(/\s+/g, ' ').trim();
}

/** First names of a client line: "Paul et Claire" → {paul, claire}; "Jean-Pierre" stays one name. */
export function firstNames(text: string): Set<string> {
	return new Set(
		fold(text)
			.replace(/\b(?:m|mme|mr|mlle|monsieur|madame|mademoiselle)\b\.?/g, ' ')
			.split(/\s+(?:et|&)\s+|[,/&+]/)
			.map((n) =>
				n
					.replace(/[-']/g, ' ')
					.replace(/[^a-z ]/g, '')
					.replace(/\s+/g, ' ')
					.trim()
			)
			.filter((n) => n.length > 0)
	);
}

/** Surnames of a client line: "Dupont et Martin" → {dupont, martin}. */
export function surnames(text: string): Set<string> {
	return new Set(
		fold(text)
			.split(/\s+(?:et|&)\s+|[,/&+]/)
			.map((n) => normaliseText(n))
			.filter((n) => n.length > 0)
	);
}

/** Jaro-Winkler similarity of two strings (1 = identical). */
export function jaroWinkler(a: string, b: string): number {
	if (a === b) return 1;
	if (a.length === 0 || b.length === 0) return 0;
	const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
	const aMatch = new Array<boolean>(a.length).fill(false);
	const bMatch = new Array<boolean>(b.length).fill(false);
	let matches = 0;
	for (let i = 0; i < a.length; i++) {
		for (let j = Math.max(0, i - range); j < Math.min(b.length, i + range + 1); j++) {
			if (bMatch[j] || a[i] !== b[j]) continue;
			aMatch[i] = bMatch[j] = true;
			matches++;
			break;
		}
	}
	if (matches === 0) return 0;
	let k = 0;
	let transpositions = 0;
	for (let i = 0; i < a.length; i++) {
		if (!aMatch[i]) continue;
		while (!bMatch[k]) k++;
		if (a[i] !== b[k]) transpositions++;
		k++;
	}
	const m = matches;
	const jaro = (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
	let prefix = 0;
	while (prefix < Math.min(4, a.length, b.length) && a[prefix] === b[prefix]) prefix++;
	return jaro + prefix * 0.1 * (1 - jaro);
}

/** Same surname or address allowing one typo: similar (≥ 0.95) and lengths within one character. */
export function closeEnough(a: string, b: string): boolean {
	if (a === b) return true;
	return Math.min(a.length, b.length) >= 5 && Math.abs(a.length - b.length) <= 1 && jaroWinkler(a, b) >= 0.95;
}

/** Same address: same postcode and house number and close street words, else close as a whole. */
export function sameAddress(a: string, b: string): boolean {
	if (a === b) return true;
	const parts = (t: string) => ({
		postcode: t.match(/\b\d{5}\b/)?.[0] ?? null,
		number:
			t
				.match(/^(\d+)\s?([bt])?\b/)
				?.slice(1)
				.join('') ?? null,
		street: new Set(
			t
				.replace(/\b\d{5}\b.*$/, '')
				.replace(/^\d+\s?[bt]?\b/, '')
				.split(' ')
				.filter((w) => w.length > 2)
		)
	});
	const x = parts(a);
	const y = parts(b);
	// Another house number or postcode is another address, however close the rest reads.
	if (x.number !== y.number || (x.postcode && y.postcode && x.postcode !== y.postcode)) return false;
	if (!x.postcode || !y.postcode || x.street.size === 0) return closeEnough(a, b);
	const common = [...x.street].filter((w) => y.street.has(w)).length;
	return common / Math.max(x.street.size, y.street.size) >= 0.6;
}

/**
 * Whether every quote shares at least one value with all the others (MDSO's intersection),
 * quotes without the value left aside.
 */
function shared(sets: Set<string>[], same: (a: string, b: string) => boolean): boolean {
	const present = sets.filter((s) => s.size > 0);
	if (present.length < 2) return true;
	let common = [...present[0]!];
	for (const s of present.slice(1)) {
		common = common.filter((v) => [...s].some((w) => same(v, w)));
		if (common.length === 0) return false;
	}
	return true;
}

const distinct = (values: (Found<string> | null)[]) =>
	[...new Set(values.filter((v): v is Found<string> => v !== null).map((v) => v.value))].join(' / ');

/**
 * Dossier errors of a set of quotes (none below two quotes). `total` counts every quote of the
 * dossier, unreadable ones included: past 20 the dossier is refused as a whole.
 */
export function dossierChecks(
	members: DossierMember[],
	total = members.length
): { errors: QuoteError[]; pointsChecked: number } {
	if (total > MAX_DOSSIER_QUOTES) {
		return {
			errors: [
				makeError('x_dossier_trop_de_devis', {
					value: `${total} devis`,
					detail: `Les devis au-delà du ${MAX_DOSSIER_QUOTES}e ne sont pas pris en compte : déposez-les dans un autre dossier.`
				})
			],
			pointsChecked: 1
		};
	}
	const errors: QuoteError[] = [];
	if (members.length < 2) return { errors, pointsChecked: 0 };
	let points = 0;
	const exact = (a: string, b: string) => a === b;

	points++;
	if (
		!shared(
			members.map((m) => (m.client_prenom ? firstNames(m.client_prenom.value) : new Set<string>())),
			exact
		)
	) {
		errors.push(
			makeError('client_prenom_incoherent', { value: distinct(members.map((m) => m.client_prenom)) })
		);
	}
	points++;
	if (
		!shared(
			members.map((m) => (m.client_nom ? surnames(m.client_nom.value) : new Set<string>())),
			closeEnough
		)
	) {
		errors.push(makeError('client_nom_incoherent', { value: distinct(members.map((m) => m.client_nom)) }));
	}
	points++;
	const addresses = members.map((m) =>
		m.client_adresse ? new Set([normaliseAddress(m.client_adresse.value)]) : new Set<string>()
	);
	if (!shared(addresses, sameAddress)) {
		errors.push(
			makeError('client_adresse_incoherent', { value: distinct(members.map((m) => m.client_adresse)) })
		);
	}
	// The same company (by name) must carry the same SIRET on each of its quotes.
	const byCompany = new Map<string, Set<string>>();
	for (const m of members) {
		if (!m.raison_sociale || !m.siret || m.siret.value.length !== 14) continue;
		const name = normaliseText(m.raison_sociale.value);
		byCompany.set(name, (byCompany.get(name) ?? new Set()).add(m.siret.value));
	}
	points++;
	for (const [, sirets] of byCompany) {
		if (sirets.size > 1) {
			errors.push(makeError('x_entreprise_incoherente', { value: [...sirets].join(' / ') }));
			break;
		}
	}
	// Worksite addresses, when printed (not "identique à l'adresse du client").
	const sites = members.map((m) =>
		m.chantier_adresse ? new Set([normaliseAddress(m.chantier_adresse.value)]) : new Set<string>()
	);
	if (sites.filter((s) => s.size > 0).length >= 2) {
		points++;
		if (!shared(sites, sameAddress)) {
			errors.push(
				makeError('x_adresse_chantier_incoherente', {
					value: distinct(members.map((m) => m.chantier_adresse))
				})
			);
		}
	}
	return { errors, pointsChecked: points };
}
