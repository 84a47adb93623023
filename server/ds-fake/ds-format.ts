/**
 * How DS spells identifiers, dates and cursors on the wire. Rails renders times in
 * Europe/Paris with second precision, while cursors keep the database's sub-second value:
 * clients that reuse `dateDerniereModification` as an anchor lose precision exactly as with DS.
 */

/** GraphQL global id as graphql-ruby's `UniqueWithinType.encode` builds it (strict base64 of `Type-id`). */
export function typedId(type: string, id: number | string): string {
	return Buffer.from(`${type}-${id}`, 'utf8').toString('base64');
}

const champIds = new Map<number, string>();

/** Champ and descriptor id: base64 of `Champ-<stable_id>` (ds.md §1.6). */
export function champId(stableId: number): string {
	let id = champIds.get(stableId);
	if (id === undefined) {
		id = typedId('Champ', stableId);
		champIds.set(stableId, id);
	}
	return id;
}

/** Id of a champ inside a repetition row: base64 of `Champ-<stable_id>|<row_id>`. */
export function rowChampId(stableId: number, rowId: string): string {
	return typedId('Champ', `${stableId}|${rowId}`);
}

/** Repetition row id: base64 of `Row-<row_id>`. */
export function rowTypedId(rowId: string): string {
	return typedId('Row', rowId);
}

/** Reads the `<Type>-<id>` pair back from a global id; null when it is not one. */
export function decodeTypedId(id: string): { type: string; id: string } | null {
	let text: string;
	try {
		text = Buffer.from(id, 'base64').toString('utf8');
	} catch {
		return null;
	}
	const dash = text.indexOf('-');
	if (dash <= 0) return null;
	return { type: text.slice(0, dash), id: text.slice(dash + 1) };
}

const HOUR = 3_600_000;

/** Last Sunday of a month at 01:00 UTC, when EU summer time starts or ends. */
function lastSundayUtc(year: number, month: number): number {
	const lastDay = new Date(Date.UTC(year, month + 1, 0));
	const back = lastDay.getUTCDay();
	return Date.UTC(year, month, lastDay.getUTCDate() - back, 1);
}

const offsetCache = new Map<number, [number, number]>();

/** Europe/Paris offset in hours at a UTC instant (CET +1, CEST +2; EU rule since 1996). */
export function parisOffsetHours(ms: number): number {
	const year = new Date(ms).getUTCFullYear();
	let bounds = offsetCache.get(year);
	if (!bounds) {
		bounds = [lastSundayUtc(year, 2), lastSundayUtc(year, 9)];
		offsetCache.set(year, bounds);
	}
	return ms >= bounds[0] && ms < bounds[1] ? 2 : 1;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const isoCache = new Map<number, string>();

/** `ISO8601DateTime` as DS renders it: Paris local time, seconds, explicit offset. */
export function isoDateTime(ms: number): string {
	const second = Math.floor(ms / 1000);
	let text = isoCache.get(second);
	if (text === undefined) {
		text = formatParis(ms);
		// Rendering repeats the same instants (dossier and champ times); keep the memo bounded.
		if (isoCache.size > 100_000) isoCache.clear();
		isoCache.set(second, text);
	}
	return text;
}

function formatParis(ms: number): string {
	const offset = parisOffsetHours(ms);
	const d = new Date(Math.floor(ms / 1000) * 1000 + offset * HOUR);
	return (
		`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
		`T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+${pad(offset)}:00`
	);
}

/** `ISO8601Date` (the Paris calendar day of the instant). */
export function isoDate(ms: number): string {
	return isoDateTime(ms).slice(0, 10);
}

/** Parses an ISO 8601 date or date-time given as an argument; NaN when unreadable. */
export function parseIsoDateTime(text: string): number {
	if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return NaN;
	// A bare date or a local time without offset is read in Paris time, as Rails does.
	if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return withParisOffset(`${text}T00:00:00`);
	if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) return withParisOffset(text.replace(' ', 'T'));
	return Date.parse(text.replace(' ', 'T'));
}

function withParisOffset(local: string): number {
	const asUtc = Date.parse(`${local}Z`);
	if (Number.isNaN(asUtc)) return NaN;
	return asUtc - parisOffsetHours(asUtc - HOUR) * HOUR;
}

/** Keyset cursor as DS encodes it: urlsafe base64 of `<timestamp with ns>;<id>`. */
export function encodeCursor(ms: number, id: number): string {
	const iso = new Date(ms).toISOString(); // 2025-03-04T05:06:07.123Z
	const text = `${iso.slice(0, 23)}000000Z;${id}`;
	return Buffer.from(text, 'utf8').toString('base64url');
}

/** Decodes a cursor; null when it is not one of ours (DS answers 400 bad_request then). */
export function decodeCursor(cursor: string): { ms: number; id: number } | null {
	const text = Buffer.from(cursor, 'base64url').toString('utf8');
	const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z;(\d+)$/.exec(text);
	if (!match) return null;
	const fraction = (match[2] ?? '.0').slice(1, 4).padEnd(3, '0');
	const ms = Date.parse(`${match[1]}.${fraction}Z`);
	if (Number.isNaN(ms)) return null;
	return { ms, id: Number(match[3]) };
}
