/**
 * Seeded pseudo-random numbers. Every generated value derives from a stream keyed by
 * (seed, dossier, champ, version), so one dossier can be re-rendered alone and still match.
 */

/** A small deterministic random stream (mulberry32). */
export interface Rng {
	/** Uniform float in [0, 1). */
	next(): number;
	/** Uniform integer in [min, max] (both inclusive). */
	int(min: number, max: number): number;
	/** True with probability p. */
	chance(p: number): boolean;
	/** One element of a non-empty list. */
	pick<T>(items: readonly T[]): T;
	/** `count` distinct elements, in draw order. */
	sample<T>(items: readonly T[], count: number): T[];
	/** A string of `length` decimal digits. */
	digits(length: number): string;
}

/** Mixes any list of numbers and strings into a 32-bit seed (FNV-1a then a murmur finaliser). */
export function hashSeed(...parts: readonly (number | string)[]): number {
	let h = 0x811c9dc5;
	for (const part of parts) {
		const text = typeof part === 'number' ? part.toString(36) : part;
		for (let i = 0; i < text.length; i++) {
			h ^= text.charCodeAt(i);
			h = Math.imul(h, 0x01000193);
		}
		h ^= 0x2f; // separator, so ('ab','c') differs from ('a','bc')
		h = Math.imul(h, 0x01000193);
	}
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}

/** A stream seeded by the hash of `parts`. */
export function createRng(...parts: readonly (number | string)[]): Rng {
	let state = hashSeed(...parts);
	const next = (): number => {
		state = (state + 0x6d2b79f5) | 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
	return {
		next,
		int,
		chance: (p) => next() < p,
		pick<T>(items: readonly T[]): T {
			if (items.length === 0) throw new Error('pick() on an empty list');
			return items[int(0, items.length - 1)] as T;
		},
		sample<T>(items: readonly T[], count: number): T[] {
			const pool = [...items];
			const out: T[] = [];
			while (out.length < count && pool.length > 0) {
				out.push(pool.splice(int(0, pool.length - 1), 1)[0] as T);
			}
			return out;
		},
		digits(length: number): string {
			let s = '';
			for (let i = 0; i < length; i++) s += String(int(0, 9));
			return s;
		}
	};
}
