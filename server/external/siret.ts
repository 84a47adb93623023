/** The digits of a printed SIRET ("912 345 600 00015" → "91234560000015"). */
export function normaliseSiret(value: string): string {
	return value.replace(/[\s.\u00a0\u202f-]/g, '');
}

function luhn(digits: string): boolean {
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let n = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
		sum += n;
	}
	return sum % 10 === 0;
}

/** 14 digits with a valid key (Luhn; La Poste's establishments use "digit sum multiple of 5"). */
export function isValidSiret(digits: string): boolean {
	if (!/^\d{14}$/.test(digits)) return false;
	if (digits.startsWith('356000000'))
		return luhn(digits) || [...digits].reduce((s, c) => s + Number(c), 0) % 5 === 0;
	return luhn(digits);
}

/** French reason a value is not a SIRET, or null when it is one. */
export function siretProblem(digits: string): string | null {
	if (!/^\d+$/.test(digits)) return 'Le SIRET ne doit contenir que des chiffres.';
	if (digits.length === 9) return 'Ce numéro a 9 chiffres : c’est un SIREN, pas un SIRET (14 chiffres).';
	if (digits.length !== 14) return `Un SIRET a 14 chiffres (reçu ${digits.length}).`;
	if (!isValidSiret(digits)) return 'Ce SIRET n’est pas valide : sa clé de contrôle est fausse.';
	return null;
}
