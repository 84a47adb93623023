import { describe, expect, it } from 'vitest';
import { checkScheduleSpec, describeSpec, specToCron } from './schedule-spec.ts';

const NOW = new Date('2026-06-01T10:00:00Z');

describe('checkScheduleSpec', () => {
	it('accepts the presets and builds their cron expressions', () => {
		expect(checkScheduleSpec({ kind: 'quotidien', time: '2:05' }, NOW)).toStrictEqual({
			ok: true,
			spec: { kind: 'quotidien', time: '02:05' },
			cron: '5 2 * * *'
		});
		expect(checkScheduleSpec({ kind: 'horaire', minute: 15 }, NOW)).toStrictEqual({
			ok: true,
			spec: { kind: 'horaire', minute: 15 },
			cron: '15 * * * *'
		});
		expect(checkScheduleSpec({ kind: 'hebdomadaire', weekday: 7, time: '23h45' }, NOW)).toStrictEqual({
			ok: true,
			spec: { kind: 'hebdomadaire', weekday: 7, time: '23:45' },
			cron: '45 23 * * 0'
		});
		expect(checkScheduleSpec({ kind: 'cron', expression: '  0  4 * * 1-5 ' }, NOW)).toStrictEqual({
			ok: true,
			spec: { kind: 'cron', expression: '0 4 * * 1-5' },
			cron: '0 4 * * 1-5'
		});
	});

	it('returns French issues per field for bad input, never throws', () => {
		expect(checkScheduleSpec({ kind: 'quotidien', time: '25:00' }, NOW)).toStrictEqual({
			ok: false,
			issues: [
				{ field: 'time', message: 'Heure invalide : saisissez-la au format HH:MM, par exemple 02:30.' }
			]
		});
		expect(checkScheduleSpec({ kind: 'hebdomadaire', weekday: 9, time: 'midi' }, NOW)).toMatchObject({
			ok: false,
			issues: [{ field: 'weekday' }, { field: 'time' }]
		});
		expect(checkScheduleSpec(null, NOW)).toMatchObject({ ok: false, issues: [{ field: 'kind' }] });
		expect(checkScheduleSpec({ kind: 'horaire', minute: 60 }, NOW)).toMatchObject({
			ok: false,
			issues: [{ field: 'minute' }]
		});
	});

	it.each([
		['', 'Saisissez une expression cron'],
		['0 3 * *', '5 champs'],
		['0 0 3 * * *', '5 champs'],
		['61 3 * * *', 'la valeur 61 sort de l’intervalle 0–59'],
		['0 3 30 2 *', 'n’existe jamais'],
		['0 3 * * lundi', 'mot inconnu'],
		['H 3 * * *', '« H »'],
		['*/5 * * * *', 'toutes les 5 minutes'],
		['0,10 3 * * *', 'toutes les 10 minutes']
	])('refuses the cron expression %j with a clear French message', (expression, fragment) => {
		const check = checkScheduleSpec({ kind: 'cron', expression }, NOW);
		expect(check.ok).toBe(false);
		if (check.ok) return;
		expect(check.issues).toHaveLength(1);
		expect(check.issues[0]!.field).toBe('expression');
		expect(check.issues[0]!.message).toContain(fragment);
	});

	it('describes specs in French', () => {
		expect(describeSpec({ kind: 'quotidien', time: '02:30' })).toBe('Chaque jour à 02:30 (heure de Paris)');
		expect(describeSpec({ kind: 'hebdomadaire', weekday: 1, time: '06:00' })).toBe(
			'Chaque lundi à 06:00 (heure de Paris)'
		);
		expect(specToCron({ kind: 'horaire', minute: 0 })).toBe('0 * * * *');
	});
});
