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

	it('shows where a value was read with 1-based lines', () => {
		expect(formatPlace({ page: 2, line: 0 })).toBe('page 2, ligne 1');
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
