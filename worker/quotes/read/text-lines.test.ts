import { describe, expect, it } from 'vitest';
import { buildLines, plainTextLines, type Fragment } from './text-lines.ts';

const f = (text: string, x: number, y: number, width: number, height = 10): Fragment => ({
	text,
	x,
	y,
	width,
	height
});

describe('buildLines', () => {
	it('orders fragments top to bottom then left to right, with 1-based line numbers', () => {
		const lines = buildLines(
			[[f('DEVIS', 400, 50, 40)], [f('Thermi-Rénov', 50, 51, 80)], [f('12 rue des Tanneurs', 50, 70, 110)]],
			1
		);
		expect(lines).toStrictEqual([
			{ text: 'Thermi-Rénov  DEVIS', page: 1, line: 1, x: 50, y: 50, width: 390, height: 11 },
			{ text: '12 rue des Tanneurs', page: 1, line: 2, x: 50, y: 70, width: 110, height: 10 }
		]);
	});

	it('joins kerning splits without a space, words with one, columns with two', () => {
		const lines = buildLines(
			[
				[f('Ré', 10, 0, 12)],
				[f('novation', 22.5, 0, 45)],
				[f('globale', 70, 0, 40)],
				[f('1 200,00 €', 300, 0, 50)]
			],
			3
		);
		expect(lines.map((l) => l.text)).toStrictEqual(['Rénovation globale  1 200,00 €']);
		expect(lines[0]?.page).toBe(3);
	});

	it('keeps a superscript on its line and does not chain close lines together', () => {
		const lines = buildLines(
			[[f('Surface : 80 m', 10, 100, 70)], [f('2', 80, 97, 4, 6)], [f('Épaisseur : 22 cm', 10, 112, 90)]],
			1
		);
		expect(lines.map((l) => l.text)).toStrictEqual(['Surface : 80 m2', 'Épaisseur : 22 cm']);
	});

	it('keeps OCR line groups together and merges groups on the same row', () => {
		const left = [f('44000', 10, 200, 30), f('Nantes', 45, 201, 40)];
		const right = [f('N°', 400, 199, 12), f('DV-2025-0601', 416, 200, 70)];
		expect(buildLines([right, left], 1).map((l) => l.text)).toStrictEqual(['44000 Nantes  N° DV-2025-0601']);
	});

	it('separates overlapping boxes into two lines', () => {
		const lines = buildLines([[f('première', 10, 0, 60)], [f('seconde', 12, 4, 60)]], 1);
		expect(lines.map((l) => l.text)).toStrictEqual(['première', 'seconde']);
	});

	it('ignores blank fragments', () => {
		expect(buildLines([[f('  ', 0, 0, 5)], []], 1)).toStrictEqual([]);
	});
});

describe('plainTextLines', () => {
	it('numbers non-empty lines on a character grid', () => {
		expect(plainTextLines("Ventil'Air Pro\r\n\n\tSIRET : 93304180800017  \n", 1)).toStrictEqual([
			{ text: "Ventil'Air Pro", page: 1, line: 1, x: 0, y: 0, width: 14, height: 1 },
			{ text: 'SIRET : 93304180800017', page: 1, line: 2, x: 4, y: 2, width: 22, height: 1 }
		]);
	});
});
