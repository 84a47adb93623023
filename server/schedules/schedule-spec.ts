import { CronExpressionParser } from 'cron-parser';

/** Every schedule is read in this time zone: users think in Paris time, DST included. */
export const SCHEDULE_TIME_ZONE = 'Europe/Paris';

/** Shortest allowed gap between two fires: a sync is heavy for DS and Grist. */
export const MIN_INTERVAL_MINUTES = 15;

/** What a user chooses: a preset, or a cron expression (5 fields, Paris time). */
export type ScheduleSpec =
	| { kind: 'quotidien'; time: string }
	| { kind: 'horaire'; minute: number }
	/** `weekday`: 1 = lundi … 7 = dimanche. */
	| { kind: 'hebdomadaire'; weekday: number; time: string }
	| { kind: 'cron'; expression: string };

/** The kinds of schedule, in the order the UI offers them. */
export const SPEC_KINDS = ['quotidien', 'horaire', 'hebdomadaire', 'cron'] as const;

/** One problem with a schedule typed by a user, in French, tied to the field to fix. */
export interface SpecIssue {
	field: 'kind' | 'time' | 'minute' | 'weekday' | 'expression';
	message: string;
}

/** Outcome of checking a schedule: the clean spec and its cron, or the issues. */
export type SpecCheck = { ok: true; spec: ScheduleSpec; cron: string } | { ok: false; issues: SpecIssue[] };

const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

/** French name of an ISO weekday (1 = lundi). */
export function weekdayName(weekday: number): string {
	return WEEKDAYS[weekday - 1] ?? '?';
}

function parseTime(raw: unknown): { hour: number; minute: number } | null {
	const match = /^([01]?\d|2[0-3])[:hH]([0-5]\d)$/.exec(String(raw ?? '').trim());
	return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null;
}

function pad(n: number): string {
	return String(n).padStart(2, '0');
}

/** The cron expression (minute hour day month weekday) of a valid spec. */
export function specToCron(spec: ScheduleSpec): string {
	switch (spec.kind) {
		case 'quotidien': {
			const t = parseTime(spec.time)!;
			return `${t.minute} ${t.hour} * * *`;
		}
		case 'horaire':
			return `${spec.minute} * * * *`;
		case 'hebdomadaire': {
			const t = parseTime(spec.time)!;
			return `${t.minute} ${t.hour} * * ${spec.weekday % 7}`;
		}
		case 'cron':
			return spec.expression.trim().split(/\s+/).join(' ');
	}
}

/** A French sentence describing a valid spec, e.g. « Chaque nuit à 02:30 ». */
export function describeSpec(spec: ScheduleSpec): string {
	switch (spec.kind) {
		case 'quotidien':
			return `Chaque jour à ${spec.time} (heure de Paris)`;
		case 'horaire':
			return `Toutes les heures à ${spec.minute === 0 ? "l'heure pile" : `hh:${pad(spec.minute)}`}`;
		case 'hebdomadaire':
			return `Chaque ${weekdayName(spec.weekday)} à ${spec.time} (heure de Paris)`;
		case 'cron':
			return `Expression cron « ${specToCron(spec)} » (heure de Paris)`;
	}
}

/** Checks a cron expression as a user typed it; returns French issues (empty when fine). */
export function checkCronExpression(raw: string, now: Date = new Date()): SpecIssue[] {
	const issue = (message: string): SpecIssue[] => [{ field: 'expression', message }];
	const expression = raw.trim();
	if (expression === '')
		return issue('Saisissez une expression cron, par exemple « 30 2 * * * » (chaque nuit à 02:30).');
	if (expression.length > 120) return issue('Expression cron trop longue.');
	const fields = expression.split(/\s+/);
	if (fields.length !== 5) {
		return issue(
			`Une expression cron a 5 champs : minute heure jour mois jour-de-la-semaine (reçu ${fields.length}). Exemple : « 30 2 * * * ».`
		);
	}
	// `H` draws a random minute at each parse: the next run would change on every reading.
	if (/h/i.test(expression.replace(/[a-z]{3}/gi, ''))) {
		return issue('Le symbole « H » (minute au hasard) n’est pas accepté : choisissez une minute précise.');
	}
	let fires: number[];
	try {
		const it = CronExpressionParser.parse(expression, { tz: SCHEDULE_TIME_ZONE, currentDate: now });
		fires = Array.from({ length: 24 }, () => it.next().getTime());
	} catch (error) {
		return issue(`Expression cron invalide : ${frenchCronError((error as Error).message)}`);
	}
	let shortest = Infinity;
	for (let i = 1; i < fires.length; i++) shortest = Math.min(shortest, fires[i]! - fires[i - 1]!);
	if (shortest < MIN_INTERVAL_MINUTES * 60_000) {
		return issue(
			`Cette expression lance une synchronisation toutes les ${Math.round(shortest / 60_000)} minutes : ` +
				`l’intervalle minimal est de ${MIN_INTERVAL_MINUTES} minutes.`
		);
	}
	return [];
}

function frenchCronError(message: string): string {
	const range = /got value (\S+) expected range (\d+)-(\d+)/.exec(message);
	if (range) return `la valeur ${range[1]} sort de l’intervalle ${range[2]}–${range[3]}.`;
	if (/alias/i.test(message)) return 'un champ contient un mot inconnu.';
	if (/day of month/i.test(message)) return 'cette date n’existe jamais (par exemple le 30 février).';
	return 'vérifiez chaque champ (minute heure jour mois jour-de-la-semaine).';
}

/**
 * Checks what a user sent (any JSON) and returns the clean spec with its cron expression, or
 * French issues per field. Never throws: validation returns issues.
 */
export function checkScheduleSpec(input: unknown, now: Date = new Date()): SpecCheck {
	const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
	const issues: SpecIssue[] = [];
	let spec: ScheduleSpec | undefined;
	switch (raw.kind) {
		case 'quotidien': {
			const t = parseTime(raw.time);
			if (!t)
				issues.push({
					field: 'time',
					message: 'Heure invalide : saisissez-la au format HH:MM, par exemple 02:30.'
				});
			else spec = { kind: 'quotidien', time: `${pad(t.hour)}:${pad(t.minute)}` };
			break;
		}
		case 'horaire': {
			const minute = Number(raw.minute ?? 0);
			if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
				issues.push({ field: 'minute', message: 'La minute doit être un nombre entier entre 0 et 59.' });
			} else spec = { kind: 'horaire', minute };
			break;
		}
		case 'hebdomadaire': {
			const weekday = Number(raw.weekday);
			const t = parseTime(raw.time);
			if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
				issues.push({ field: 'weekday', message: 'Choisissez un jour de la semaine.' });
			}
			if (!t)
				issues.push({
					field: 'time',
					message: 'Heure invalide : saisissez-la au format HH:MM, par exemple 02:30.'
				});
			if (issues.length === 0 && t)
				spec = { kind: 'hebdomadaire', weekday, time: `${pad(t.hour)}:${pad(t.minute)}` };
			break;
		}
		case 'cron': {
			const expression = typeof raw.expression === 'string' ? raw.expression : '';
			issues.push(...checkCronExpression(expression, now));
			if (issues.length === 0) spec = { kind: 'cron', expression: expression.trim().split(/\s+/).join(' ') };
			break;
		}
		default:
			issues.push({
				field: 'kind',
				message:
					'Choisissez une fréquence : chaque jour, toutes les heures, chaque semaine ou une expression cron.'
			});
	}
	if (!spec) return { ok: false, issues };
	return { ok: true, spec, cron: specToCron(spec) };
}
