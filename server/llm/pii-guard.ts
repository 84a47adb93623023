import { PasserelleError } from '#widget/errors.ts';

/**
 * The server's own check that a text sent for an LLM is anonymised. It is written separately from
 * the browser's anonymiser (worker/anonymise) on purpose: a bug in one is caught by the other.
 * It looks for patterns that must never reach a provider: e-mails, French phones, IBANs,
 * social security numbers, a civility followed by a name, a numbered street address.
 */

/** A kind of personal data the guard looks for. */
export type GuardKind = 'email' | 'telephone' | 'iban' | 'nir' | 'nom' | 'adresse';

/** French label of each kind, for the refusal message. */
export const GUARD_KIND_LABELS: Record<GuardKind, string> = {
	email: 'adresse e-mail',
	telephone: 'numéro de téléphone',
	iban: 'IBAN',
	nir: 'numéro de sécurité sociale',
	nom: 'nom après une civilité',
	adresse: 'adresse postale'
};

/** One kind found, and how many times. */
export interface GuardFinding {
	kind: GuardKind;
	count: number;
}

const RULES: { kind: GuardKind; pattern: RegExp; check?: (match: string) => boolean }[] = [
	{ kind: 'email', pattern: /[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/giu },
	{
		kind: 'telephone',
		pattern:
			/(?<![\d\w+])(?:(?:\+|00)[ \t]?33[ \t.-]?(?:\(0\)[ \t]?)?|0)[1-9](?:[ \t.-]?\d\d){4}(?![ \t.-]?\d)/gu
	},
	{
		kind: 'iban',
		pattern: /\b[A-Z]{2}\d\d(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b/g,
		check: (m) => ibanChecksumOk(m.replace(/\s/g, ''))
	},
	{
		kind: 'nir',
		pattern: /(?<!\d)[12]\s?\d\d\s?(?:0[1-9]|1[0-2])\s?(?:\d\d|2A|2B)\s?\d{3}\s?\d{3}\s?\d\d(?!\d)/g,
		check: (m) => nirKeyOk(m.replace(/\s/g, ''))
	},
	{
		kind: 'nom',
		pattern:
			/(?<![\p{L}])(?:M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|MME|MR)\s+(?:(?:et|ou|&)\s+(?:M\.|Mme|Monsieur|Madame)\s+)?(?!\[)(?:\p{Lu}\p{Ll}+|\p{Lu}{2,})/gu
	},
	{
		kind: 'adresse',
		pattern:
			/(?<![\d\p{L}])\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|impasse|all[ée]e|chemin|place|route|quai|square|passage|lotissement|r[ée]sidence)\s+\S[^\n]{0,30}/giu,
		// The street name, after its particles, starts with a capital or a digit ("1 passage de
		// gaines" is a works line). Tested without the i flag, under which \p{Lu} matches any letter.
		check: (m) =>
			/^\S+\s+(?:(?:du|de|des|la|le|les|aux|au)\s+)*(?:d'|d’|l'|l’)?[\p{Lu}\d]/u.test(
				m.replace(/^\d{1,4}(?:\s?(?:bis|ter))?,?\s+/iu, '')
			)
	}
];

function ibanChecksumOk(iban: string): boolean {
	const moved = iban.slice(4) + iban.slice(0, 4);
	const digits = moved.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
	let rest = 0;
	for (let i = 0; i < digits.length; i += 7) rest = Number(String(rest) + digits.slice(i, i + 7)) % 97;
	return rest === 1;
}

function nirKeyOk(nir: string): boolean {
	const body = nir.slice(0, 13).replace('2A', '19').replace('2B', '18');
	return 97 - Number(BigInt(body) % 97n) === Number(nir.slice(13));
}

/** The kinds of personal data still visible in `text` (empty when it may be sent). */
export function findPersonalData(text: string): GuardFinding[] {
	const out: GuardFinding[] = [];
	for (const rule of RULES) {
		const matches = [...text.matchAll(rule.pattern)].filter((m) => !rule.check || rule.check(m[0]));
		if (matches.length) out.push({ kind: rule.kind, count: matches.length });
	}
	return out;
}

/**
 * Refuses (HTTP 400, `llm_personal_data`) a text in which personal data is still visible. The
 * message names the kinds, never the values.
 */
export function assertAnonymised(text: string): void {
	const findings = findPersonalData(text);
	if (!findings.length) return;
	const kinds = findings.map((f) => GUARD_KIND_LABELS[f.kind]).join(', ');
	throw new PasserelleError(
		'llm_personal_data',
		`Texte refusé : il contient encore des données personnelles (${kinds}). Rien n’a été transmis au modèle ; ` +
			'l’anonymisation dans le navigateur doit les remplacer avant l’envoi.',
		false,
		{ details: { status: 400, findings } }
	);
}
