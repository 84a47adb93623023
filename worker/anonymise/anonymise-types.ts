/**
 * Types of the browser-side anonymiser: what kinds of personal data it replaces, the placeholder
 * mapping that never leaves the browser, and the result of one anonymisation.
 */

/** Kinds of personal data replaced by a numbered placeholder such as `[NOM_1]`. */
export const PII_KINDS = [
	'NOM',
	'ADRESSE',
	'TELEPHONE',
	'EMAIL',
	'IBAN',
	'BIC',
	'NIR',
	'DATE_NAISSANCE'
] as const;

/** One kind of personal data. */
export type PiiKind = (typeof PII_KINDS)[number];

/** French label of each kind, for the "what is sent" notice. */
export const PII_KIND_LABELS: Record<PiiKind, string> = {
	NOM: 'noms de personnes',
	ADRESSE: 'adresses postales',
	TELEPHONE: 'numéros de téléphone',
	EMAIL: 'adresses e-mail',
	IBAN: 'IBAN et numéros de compte',
	BIC: 'codes BIC',
	NIR: 'numéros de sécurité sociale',
	DATE_NAISSANCE: 'dates de naissance'
};

/** One placeholder and the value it hides. */
export interface PlaceholderEntry {
	/** As written in the anonymised text, e.g. `[NOM_1]`. */
	placeholder: string;
	kind: PiiKind;
	/** The original text, as first printed. */
	value: string;
}

/** Placeholder → original value. JSON-serialisable; it stays in the browser. */
export interface AnonymiseMapping {
	entries: PlaceholderEntry[];
}

/** A span of the input recognised as personal data. */
export interface PiiSpan {
	start: number;
	end: number;
	kind: PiiKind;
	/** Which detector found it (for tests and diagnostics). */
	rule: string;
}

/** The text with every detected value replaced, and how to restore them. */
export interface AnonymiseResult {
	text: string;
	mapping: AnonymiseMapping;
	/** Number of distinct values replaced, per kind. */
	counts: Partial<Record<PiiKind, number>>;
}

/** A read document, as far as the anonymiser cares: pages with their text and CGV flag. */
export interface AnonymisablePage {
	number: number;
	text: string;
	/** General terms of sale: never sent. */
	cgv?: boolean;
}
