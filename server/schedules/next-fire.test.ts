import { describe, expect, it } from 'vitest';
import { nextFireAfter, upcomingFires } from './next-fire.ts';

/**
 * A fake clock walking minute by minute from `start` to `end`, firing like the scheduler does:
 * when the clock reaches the stored next fire, it fires and computes the next one from "now".
 */
function simulate(cron: string, start: string, end: string, stepMs = 60_000): string[] {
	const fires: string[] = [];
	let now = Date.parse(start);
	let next = nextFireAfter(cron, new Date(now));
	for (; now <= Date.parse(end); now += stepMs) {
		if (next && now >= next.getTime()) {
			fires.push(next.toISOString());
			next = nextFireAfter(cron, new Date(now));
		}
	}
	return fires;
}

describe('nextFireAfter across daylight-saving changes (Europe/Paris)', () => {
	// Spring forward: Sunday 29 March 2026, 02:00 CET (01:00 UTC) becomes 03:00 CEST.
	it('fires "every night at 02:30" once on the spring-forward night, at 03:30 CEST', () => {
		expect(simulate('30 2 * * *', '2026-03-27T12:00:00Z', '2026-03-30T12:00:00Z')).toStrictEqual([
			'2026-03-28T01:30:00.000Z', // 02:30 CET
			'2026-03-29T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST, once
			'2026-03-30T00:30:00.000Z' // 02:30 CEST
		]);
	});

	it('fires hourly schedules every real hour on the spring-forward night, never twice at 03:00', () => {
		expect(simulate('0 * * * *', '2026-03-28T22:30:00Z', '2026-03-29T02:30:00Z')).toStrictEqual([
			'2026-03-28T23:00:00.000Z', // 00:00 CET
			'2026-03-29T00:00:00.000Z', // 01:00 CET
			'2026-03-29T01:00:00.000Z', // 03:00 CEST (02:00 CET never happens)
			'2026-03-29T02:00:00.000Z' // 04:00 CEST
		]);
	});

	// Fall back: Sunday 25 October 2026, 03:00 CEST (01:00 UTC) becomes 02:00 CET.
	it('fires "every night at 02:30" once on the fall-back night, at the first 02:30 (CEST)', () => {
		expect(simulate('30 2 * * *', '2026-10-23T12:00:00Z', '2026-10-26T12:00:00Z')).toStrictEqual([
			'2026-10-24T00:30:00.000Z', // 02:30 CEST
			'2026-10-25T00:30:00.000Z', // first 02:30 (CEST); the second one (01:30 UTC) does not fire
			'2026-10-26T01:30:00.000Z' // 02:30 CET
		]);
	});

	it('never offers the repeated 02:30 whatever the delay of the tick that fired the first one', () => {
		for (let t = Date.parse('2026-10-25T00:30:00Z'); t <= Date.parse('2026-10-25T01:45:00Z'); t += 60_000) {
			expect(nextFireAfter('30 2 * * *', new Date(t))?.toISOString()).toBe('2026-10-26T01:30:00.000Z');
		}
	});

	it('offers the shifted 03:30 CEST fire to any tick before it on the spring-forward night', () => {
		for (let t = Date.parse('2026-03-28T23:00:00Z'); t < Date.parse('2026-03-29T01:30:00Z'); t += 60_000) {
			const expected =
				t < Date.parse('2026-03-29T01:00:00Z') ? '2026-03-29T01:30:00.000Z' : '2026-03-30T00:30:00.000Z';
			expect(nextFireAfter('30 2 * * *', new Date(t))?.toISOString()).toBe(expected);
		}
	});

	it('fires "every night at 01:30" once on the fall-back night (01:30 is not repeated)', () => {
		expect(simulate('30 1 * * *', '2026-10-23T12:00:00Z', '2026-10-26T12:00:00Z')).toStrictEqual([
			'2026-10-23T23:30:00.000Z',
			'2026-10-24T23:30:00.000Z', // 01:30 CEST on the 25th
			'2026-10-26T00:30:00.000Z' // 01:30 CET
		]);
	});

	it('fires hourly schedules once per local hour on the fall-back night (the repeated 02:00 is skipped)', () => {
		expect(simulate('0 * * * *', '2026-10-24T22:30:00Z', '2026-10-25T02:30:00Z')).toStrictEqual([
			'2026-10-24T23:00:00.000Z', // 01:00 CEST
			'2026-10-25T00:00:00.000Z', // 02:00 CEST
			'2026-10-25T02:00:00.000Z' // 03:00 CET (02:00 CET already fired as 02:00 CEST)
		]);
	});

	it('fires every-30-minute schedules every real half hour through the spring-forward jump', () => {
		expect(simulate('*/30 * * * *', '2026-03-29T00:10:00Z', '2026-03-29T02:10:00Z')).toStrictEqual([
			'2026-03-29T00:30:00.000Z', // 01:30 CET
			'2026-03-29T01:00:00.000Z', // 02:00 → 03:00 CEST
			'2026-03-29T01:30:00.000Z', // 02:30 → 03:30 CEST (03:00 and 03:30 themselves are not repeated)
			'2026-03-29T02:00:00.000Z' // 04:00 CEST
		]);
	});

	it('fires a weekly Sunday 02:30 schedule once on each DST Sunday', () => {
		expect(simulate('30 2 * * 0', '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toStrictEqual([
			'2026-03-29T01:30:00.000Z'
		]);
		expect(simulate('30 2 * * 0', '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')).toStrictEqual([
			'2026-10-25T00:30:00.000Z'
		]);
	});

	it('catches up a missed fire once, then resumes on the schedule', () => {
		// The clock jumps 3 days (server down): one fire for the backlog, then the normal rhythm.
		expect(
			simulate('30 2 * * *', '2026-01-10T00:00:00Z', '2026-01-14T12:00:00Z', 3 * 86_400_000)
		).toStrictEqual(['2026-01-10T01:30:00.000Z']);
	});

	it('returns strictly later fires and null for an expression that never fires', () => {
		const at = new Date('2026-06-01T00:30:00Z'); // 02:30 CEST: a fire instant
		expect(nextFireAfter('30 2 * * *', at)?.toISOString()).toBe('2026-06-02T00:30:00.000Z');
		expect(nextFireAfter('0 0 30 2 *', at)).toBeNull();
		expect(upcomingFires('0 3 * * 1', at, 3).map((d) => d.toISOString())).toStrictEqual([
			'2026-06-01T01:00:00.000Z',
			'2026-06-08T01:00:00.000Z',
			'2026-06-15T01:00:00.000Z'
		]);
	});
});
