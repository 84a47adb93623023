import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatShort } from './schedule-format.ts';

describe('schedule formatting (fr-FR, Europe/Paris)', () => {
	it('formats instants in Paris time on both sides of a DST change', () => {
		expect(formatDateTime('2026-03-29T01:30:00.000Z')).toBe('dimanche 29 mars 2026 à 03:30');
		expect(formatDateTime('2026-10-26T01:30:00.000Z')).toBe('lundi 26 octobre 2026 à 02:30');
		expect(formatShort('2026-06-15T04:15:00.000Z')).toBe('15/06/2026 06:15');
		expect(formatDateTime(null)).toBe('—');
	});

	it('formats durations', () => {
		expect(formatDuration(42_400)).toBe('42 s');
		expect(formatDuration(125_000)).toBe('2 min 05 s');
		expect(formatDuration(3_780_000)).toBe('1 h 03 min');
		expect(formatDuration(null)).toBe('—');
	});
});
