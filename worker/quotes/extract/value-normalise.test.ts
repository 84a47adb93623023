import { describe, expect, it } from 'vitest';
import {
	addMonths,
	daysBetween,
	findDates,
	fold,
	foldWithMap,
	parseAmount,
	parseDate,
	parseNumber,
	parsePercent,
	unfoldSlice
} from './value-normalise.ts';

describe('parseAmount', () => {
	it('reads French, English and plain writings of the same amount', () => {
		const samples = [
			'1 234,56 €',
			'1\u202f234,56\u00a0€',
			'1.234,56',
			'1,234.56',
			'1234,56',
			'1234.56 EUR',
			'€ 1 234,56',
			"1'234.56"
		];
		expect(samples.map(parseAmount)).toStrictEqual(samples.map(() => 1234.56));
	});
	it('reads whole amounts and thousands without decimals', () => {
		expect(['12 000', '12.000', '980 €', '12 660,00 €', '-1 500,00 €', '0,5'].map(parseAmount)).toStrictEqual(
			[12000, 12000, 980, 12660, -1500, 0.5]
		);
	});
	it('refuses what is not an amount', () => {
		expect(['', 'abc', '12 34,00', '1 2345', '5,5 %'].map(parseAmount)).toStrictEqual([
			null,
			null,
			null,
			null,
			null
		]);
	});
});

describe('parseNumber and parsePercent', () => {
	it('reads technical values with a comma or a dot', () => {
		expect(['4,6', '4.6', 'R = 6,5 m².K/W', '1 450 W', 'aucun'].map(parseNumber)).toStrictEqual([
			4.6,
			4.6,
			6.5,
			1450,
			null
		]);
	});
	it('reads rates', () => {
		expect(['5,5 %', '5.5%', 'TVA 20 %', '10%', '20'].map(parsePercent)).toStrictEqual([
			5.5,
			5.5,
			20,
			10,
			null
		]);
	});
});

describe('dates', () => {
	it('reads the usual French formats as ISO', () => {
		const samples = [
			'12/03/2026',
			'12-03-2026',
			'12.03.2026',
			'12/03/26',
			'12 mars 2026',
			'1er mars 2026',
			'2026-03-12',
			'le 12 Mars 2026',
			'12 févr. 2026',
			'12 fevrier 2026',
			'3 août 2025',
			'15 sept. 2025'
		];
		expect(samples.map(parseDate)).toStrictEqual([
			'2026-03-12',
			'2026-03-12',
			'2026-03-12',
			'2026-03-12',
			'2026-03-12',
			'2026-03-01',
			'2026-03-12',
			'2026-03-12',
			'2026-02-12',
			'2026-02-12',
			'2025-08-03',
			'2025-09-15'
		]);
	});
	it('skips impossible dates and finds several in order', () => {
		expect(parseDate('31/02/2026')).toBe(null);
		expect(findDates('du 07/03/2025 au 14 mars 2025').map((d) => d.iso)).toStrictEqual([
			'2025-03-07',
			'2025-03-14'
		]);
	});
	it('adds months and counts days', () => {
		expect([
			addMonths('2025-03-14', 3),
			addMonths('2025-01-31', 1),
			addMonths('2025-11-30', 3)
		]).toStrictEqual(['2025-06-14', '2025-02-28', '2026-02-28']);
		expect(daysBetween('2025-03-07', '2025-03-14')).toBe(7);
	});
});

describe('fold', () => {
	it('lowers case, drops accents, unifies apostrophes and dashes', () => {
		expect(fold('  Main d’Œuvre – Résistance  thermique ')).toBe("main d'oeuvre - resistance thermique");
	});
	it('maps a folded match back to the printed text', () => {
		const text = 'Référence : Œuvre n° 12';
		const folded = foldWithMap(text);
		const start = folded.key.indexOf('oeuvre');
		expect(unfoldSlice(text, folded, start, start + 'oeuvre n° 12'.length)).toBe('Œuvre n° 12');
	});
});
