import { describe, expect, it } from 'vitest';
import { formatEuros, formatIsoDate, formatPlace, formatProgress, formatSize } from './quote-format.ts';

describe('quote display', () => {
	it('writes sizes, amounts and dates the French way', () => {
		expect([formatSize(0), formatSize(48_241), formatSize(1_310_733), formatSize(57_671_680)]).toStrictEqual([
			'0 o',
			'47 Ko',
			'1,3 Mo',
			'55 Mo'
		]);
		expect(formatEuros(12_660).replace(/\s/g, ' ')).toBe('12 660,00 €');
		expect([formatIsoDate('2025-03-14'), formatIsoDate('14/03/2025')]).toStrictEqual([
			'14/03/2025',
			'14/03/2025'
		]);
	});

	it('shows where a value was read with the reader’s 1-based lines', async () => {
		// The line the reader gives is the one shown: "Client :" is the 3rd line of this page.
		const { readFromText } = await import('#worker/quotes/extract/read-fixtures.ts');
		const { checkQuote } = await import('#worker/quotes/check/index.ts');
		const result = await checkQuote(
			readFromText(
				[
					"RENOV'ISOL - SARL au capital de 20 000 € - 3 rue du Port - 13002 Marseille",
					'SIRET : 732 829 320 00074 - RCS Marseille 732 829 320 - N° TVA : FR44732829320',
					'Client : Louis Martin',
					'8 rue Paradis 13006 Marseille',
					'DEVIS N° 2026-77 - Date : 10/03/2026 - Devis valable 3 mois',
					'N° | Désignation | Qté | Unité | PU HT | TVA | Total HT',
					'1 | Isolation des combles perdus laine soufflée | 100 | m² | 20,00 € | 5,5 % | 2 000,00 €',
					'Total HT : 2 000,00 € - TVA 5,5 % : 110,00 € - Total TTC : 2 110,00 €'
				].join('\n')
			),
			{ file: 'a.txt' }
		);
		const civilite = result.errors.find((e) => e.code === 'client_civilite_manquant');
		expect(civilite?.where?.text).toBe('Client : Louis Martin');
		expect(formatPlace(civilite?.where)).toBe('page 1, ligne 3');
		expect(formatPlace({ page: 2, line: 1 })).toBe('page 2, ligne 1');
		expect(formatPlace(null)).toBe('');
	});

	it('says what a reading is doing', () => {
		expect([
			formatProgress(undefined),
			formatProgress({ stage: 'open', page: 0, pageCount: 0 }),
			formatProgress({ stage: 'text', page: 11, pageCount: 300 }),
			formatProgress({ stage: 'ocr', page: 1, pageCount: 2 }),
			formatProgress({ stage: 'done', page: 2, pageCount: 2 })
		]).toStrictEqual([
			'En attente d’un lecteur…',
			'Ouverture du fichier…',
			'Lecture du texte, page 11/300',
			'Reconnaissance de caractères (OCR), page 1/2…',
			'Vérification…'
		]);
	});
});
