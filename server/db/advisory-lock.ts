import { createHash } from 'node:crypto';
import type { Database, DbSession } from './database.ts';

/** A lock name: a 64-bit integer, or any string (hashed to one). */
export type LockKey = number | bigint | string;

/** Maps a lock key to the signed 64-bit integer PostgreSQL's advisory locks take. */
export function lockKeyToBigint(key: LockKey): bigint {
	if (typeof key === 'bigint') return BigInt.asIntN(64, key);
	if (typeof key === 'number') {
		if (!Number.isSafeInteger(key)) throw new RangeError(`Advisory lock key must be an integer: ${key}`);
		return BigInt(key);
	}
	return createHash('sha256').update(key).digest().readBigInt64BE(0);
}

/** Per database, per key: the tail of the queue of callers (PGlite, one process). */
const localQueues = new WeakMap<Database, Map<bigint, Promise<unknown>>>();

async function withLocalMutex<T>(database: Database, key: bigint, fn: () => Promise<T>): Promise<T> {
	let queues = localQueues.get(database);
	if (!queues) localQueues.set(database, (queues = new Map()));
	const previous = queues.get(key) ?? Promise.resolve();
	let release!: () => void;
	const mine = new Promise<void>((resolve) => (release = resolve));
	const tail = previous.then(() => mine);
	queues.set(key, tail);
	await previous;
	try {
		return await fn();
	} finally {
		release();
		if (queues.get(key) === tail) queues.delete(key);
	}
}

/**
 * Runs `fn` while holding an exclusive lock named `key`, across every process sharing the
 * database: a PostgreSQL session-level advisory lock (held on a connection of its own, which
 * `fn` receives), or a process-local mutex on PGlite, which only one process can open.
 */
export async function withAdvisoryLock<T>(
	database: Database,
	key: LockKey,
	fn: (session: DbSession) => Promise<T>
): Promise<T> {
	const id = lockKeyToBigint(key);
	if (database.kind === 'pglite') return withLocalMutex(database, id, () => database.withSession(fn));
	return database.withSession(async (session) => {
		await session.query('SELECT pg_advisory_lock($1::bigint)', [id.toString()]);
		try {
			return await fn(session);
		} finally {
			// If unlocking fails the connection is discarded, which releases the lock too.
			await session.query('SELECT pg_advisory_unlock($1::bigint)', [id.toString()]);
		}
	});
}
