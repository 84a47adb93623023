/** A bounded in-memory cache whose entries expire; the oldest entries go first when it is full. */
export interface TtlCache<V> {
	get(key: string, now: number): V | undefined;
	set(key: string, value: V, expiresAt: number): void;
	readonly size: number;
	clear(): void;
}

/** Creates a TTL cache holding at most `maxEntries` values. */
export function createTtlCache<V>(maxEntries = 5000): TtlCache<V> {
	const entries = new Map<string, { value: V; expiresAt: number }>();
	return {
		get(key, now) {
			const entry = entries.get(key);
			if (!entry) return undefined;
			if (entry.expiresAt <= now) {
				entries.delete(key);
				return undefined;
			}
			return entry.value;
		},
		set(key, value, expiresAt) {
			entries.delete(key);
			entries.set(key, { value, expiresAt });
			while (entries.size > maxEntries) {
				const oldest = entries.keys().next().value;
				if (oldest === undefined) break;
				entries.delete(oldest);
			}
		},
		get size() {
			return entries.size;
		},
		clear: () => entries.clear()
	};
}
