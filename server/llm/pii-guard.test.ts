import { describe, expect, it } from 'vitest';
import { anonymise } from '#worker/anonymise/index.ts';
import { assertAnonymised, findPersonalData } from './pii-guard.ts';

const PERSONAL = [
	['e-mail', 'Contact : j.durand@exemple.fr', 'email'],
	['phone', 'Tél. 06 12 34 56 78', 'telephone'],
	['phone +33', 'Portable +33 6 12 34 56 78', 'telephone'],
	['IBAN', 'IBAN FR76 3000 6000 0112 3456 7890 189', 'iban'],
	['NIR', 'N° SS 2 55 08 14 168 025 38', 'nir'],
	['civility', 'Client : Mme Sophie Marchal', 'nom'],
	['civility in capitals', 'M. DUBREUIL', 'nom'],
	['street', '18 chemin des Vignes', 'adresse']
] as const;

const NOT_PERSONAL = [
	'SIRET : 912 345 600 00015 – TVA FR34912345600 – RCS Nantes 912 345 600',
	'Qualification RGE : QPAC/41234 – Total TTC 12 660,00 €',
	'Client : M. [NOM_1], [ADRESSE_1], tél. [TELEPHONE_1]',
	'M. et Mme [NOM_1]',
	'1 passage de gaines en combles – 2 place de parking',
	'Madame, Monsieur, veuillez trouver notre devis.',
	'IBAN FR76 3000 6000 0112 3456 7890 188'
];

describe('PII guard', () => {
	it.each(PERSONAL)('finds %s', (_name, text, kind) => {
		expect(findPersonalData(text).map((f) => f.kind)).toContain(kind);
	});

	it('lets company identifiers, placeholders and works lines through', () => {
		for (const text of NOT_PERSONAL) expect(findPersonalData(text), text).toStrictEqual([]);
	});

	it('accepts what the browser anonymiser produced from each personal sample', () => {
		for (const [, text] of PERSONAL) expect(() => assertAnonymised(anonymise(text).text), text).not.toThrow();
	});

	it('refuses with 400 and a French message naming kinds, never values', () => {
		const error = (() => {
			try {
				assertAnonymised('M. Yannick Le Goff, 5 impasse des Mouettes, yannick@exemple.fr');
			} catch (e) {
				return e as { code: string; userMessage: string; details: Record<string, unknown> };
			}
		})();
		expect(error).toMatchObject({
			code: 'llm_personal_data',
			details: {
				status: 400,
				findings: [
					{ kind: 'email', count: 1 },
					{ kind: 'nom', count: 1 },
					{ kind: 'adresse', count: 1 }
				]
			}
		});
		expect(error?.userMessage).toContain('adresse e-mail, nom après une civilité, adresse postale');
		expect(error?.userMessage).not.toMatch(/Goff|Mouettes|exemple/);
	});
});
