import { CronExpressionParser } from 'cron-parser';
import { SCHEDULE_TIME_ZONE } from './schedule-spec.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit'
		});
		formatters.set(timeZone, f);
	}
	return f;
}

/** Local wall-clock time of an instant, as milliseconds of a "floating" UTC timeline. */
export function wallClock(instantMs: number, timeZone: string): number {
	const parts: Record<string, number> = {};
	for (const part of formatter(timeZone).formatToParts(new Date(instantMs))) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	const whole = Date.UTC(
		parts.year!,
		parts.month! - 1,
		parts.day!,
		parts.hour!,
		parts.minute!,
		parts.second!
	);
	return whole + (((instantMs % 1000) + 1000) % 1000);
}

/**
 * The instant showing wall-clock time `wallMs` in `timeZone`, disambiguated like Temporal's
 * "compatible" mode: a time skipped by the spring-forward jump is moved later by the jump (02:30
 * → 03:30 CEST); a time repeated by the fall-back gets its first occurrence (CEST).
 */
export function instantOfWallClock(wallMs: number, timeZone: string): number {
	const HALF_DAY = 12 * 3_600_000;
	const offsetBefore = wallClock(wallMs - HALF_DAY, timeZone) - (wallMs - HALF_DAY);
	const offsetAfter = wallClock(wallMs + HALF_DAY, timeZone) - (wallMs + HALF_DAY);
	const candidates = [wallMs - offsetBefore, wallMs - offsetAfter].filter(
		(t) => wallClock(t, timeZone) === wallMs
	);
	if (candidates.length > 0) return Math.min(...candidates);
	// In the gap: keep the offset in force before the jump, which lands after it.
	return wallMs - offsetBefore;
}

function nextWallClock(cron: string, wallMs: number): number {
	return CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: new Date(wallMs) })
		.next()
		.getTime();
}

/**
 * The first fire strictly after `after`, read in `timeZone` (Paris by default), or null when
 * the expression never fires. The expression is matched against local wall-clock time, and
 * each local time fires at most once: on the spring-forward night a time in the skipped hour
 * (02:00–02:59) fires one hour later (02:30 → 03:30 CEST), and a fire that would land on an
 * instant already passed is dropped; on the fall-back night a repeated time fires at its first
 * occurrence only (02:30 CEST, not 02:30 CET), so hourly schedules skip the repeated hour.
 */
export function nextFireAfter(cron: string, after: Date, timeZone: string = SCHEDULE_TIME_ZONE): Date | null {
	const afterMs = after.getTime();
	let wall = wallClock(afterMs, timeZone);
	try {
		// A handful of iterations at most: only DST nights make a wall time map before `after`.
		for (let i = 0; i < 100; i++) {
			wall = nextWallClock(cron, wall);
			const instant = instantOfWallClock(wall, timeZone);
			if (instant > afterMs) return new Date(instant);
		}
	} catch {
		// cron-parser throws when the expression can never fire (30 February).
	}
	return null;
}

/** The next `count` fires after `after` (fewer if the expression stops). */
export function upcomingFires(
	cron: string,
	after: Date,
	count: number,
	timeZone: string = SCHEDULE_TIME_ZONE
): Date[] {
	const out: Date[] = [];
	let from = after;
	for (let i = 0; i < count; i++) {
		const next = nextFireAfter(cron, from, timeZone);
		if (!next) break;
		out.push(next);
		from = next;
	}
	return out;
}
