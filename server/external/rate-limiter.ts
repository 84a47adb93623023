/** A token bucket per key: `rate` tokens per second, at most `burst` saved up. */
export interface RateLimiter {
	/** Takes a token now if one is available. */
	tryTake(key: string, now: number): boolean;
	/** Milliseconds until a token is available for `key` (0 when one is). */
	waitTime(key: string, now: number): number;
}

/** Creates a token-bucket limiter. */
export function createRateLimiter(options: { rate: number; burst: number; maxKeys?: number }): RateLimiter {
	const buckets = new Map<string, { tokens: number; at: number }>();
	const maxKeys = options.maxKeys ?? 10_000;
	const refill = (key: string, now: number) => {
		let bucket = buckets.get(key);
		if (!bucket) {
			bucket = { tokens: options.burst, at: now };
			buckets.set(key, bucket);
			if (buckets.size > maxKeys) {
				const oldest = buckets.keys().next().value;
				if (oldest !== undefined && oldest !== key) buckets.delete(oldest);
			}
		}
		const elapsed = Math.max(0, now - bucket.at) / 1000;
		bucket.tokens = Math.min(options.burst, bucket.tokens + elapsed * options.rate);
		bucket.at = now;
		return bucket;
	};
	return {
		tryTake(key, now) {
			const bucket = refill(key, now);
			if (bucket.tokens < 1) return false;
			bucket.tokens -= 1;
			return true;
		},
		waitTime(key, now) {
			const bucket = refill(key, now);
			return bucket.tokens >= 1 ? 0 : Math.ceil(((1 - bucket.tokens) / options.rate) * 1000);
		}
	};
}
