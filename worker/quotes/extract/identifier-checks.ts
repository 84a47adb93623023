import { digitsOnly } from './value-normalise.ts';

/**
 * Validators for French company identifiers: SIREN/SIRET (Luhn, with La Poste's exception),
 * intra-EU VAT numbers (key computed from the SIREN) and RGE labels.
 */

/** Luhn checksum over a string of digits (true when the sum is a multiple of 10). */
export function luhn(digits: string): boolean {
	if (!/^\d+$/.test(digits)) return false;
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let n = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 1) {
			n *= 2;
			if (n > 9) n -= 9;
		}
		sum += n;
	}
	return sum % 10 === 0;
}

/** La Poste's SIREN: its establishments' SIRETs follow "sum of digits is a multiple of 5", not Luhn. */
const LA_POSTE_SIREN = '356000000';

/** Whether a 9-digit SIREN passes its Luhn key. */
export function isValidSiren(value: string): boolean {
	const d = digitsOnly(value);
	return d.length === 9 && luhn(d);
}

/** Whether a 14-digit SIRET passes its key (Luhn; digit sum multiple of 5 for La Poste). */
export function isValidSiret(value: string): boolean {
	const d = digitsOnly(value);
	if (d.length !== 14) return false;
	if (d.startsWith(LA_POSTE_SIREN)) {
		const sum = [...d].reduce((s, c) => s + Number(c), 0);
		return sum % 5 === 0 || luhn(d);
	}
	return luhn(d);
}

/** The 2-digit key of a French VAT number: (12 + 3 × (SIREN mod 97)) mod 97. */
export function frenchVatKey(siren: string): string {
	const n = Number(digitsOnly(siren)) % 97;
	return String((12 + 3 * n) % 97).padStart(2, '0');
}

/** A French intra-EU VAT number split into key and SIREN, or `null` if it is not one. */
export function parseFrenchVat(value: string): { key: string; siren: string; normalised: string } | null {
	const m = value
		.toUpperCase()
		.replace(/[\s.\u00a0\u202f-]/g, '')
		.match(/^FR([0-9A-HJ-NP-Z]{2})(\d{9})$/);
	if (!m) return null;
	return { key: m[1]!, siren: m[2]!, normalised: `FR${m[1]}${m[2]}` };
}

/** Whether a French VAT number's key matches its SIREN (alphabetic keys cannot be checked offline: true). */
export function isValidFrenchVat(value: string): boolean {
	const vat = parseFrenchVat(value);
	if (!vat) return false;
	if (!/^\d{2}$/.test(vat.key)) return true;
	return vat.key === frenchVatKey(vat.siren);
}

/**
 * Trailing digits of a printed RGE label (at least 3), which ADEME uses as the start of a
 * qualification record id: `QPAC/41234` → `41234`, `E-E190233` → `190233`.
 */
export function rgeDigits(label: string): string | null {
	const m = label.match(/(\d{3,})\D*$/);
	return m ? m[1]! : null;
}
