/** Time as the engine sees it: injected so tests run instantly and deterministically. */
export interface Clock {
	/** Milliseconds since the epoch. */
	now(): number;
	/** Waits `ms`; rejects with the signal's reason when aborted. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	/** A number in [0, 1) for jitter. */
	random(): number;
}

/** The real clock. */
export const systemClock: Clock = {
	now: () => Date.now(),
	random: () => Math.random(),
	sleep: (ms, signal) =>
		new Promise<void>((resolve, reject) => {
			if (signal?.aborted) {
				reject(signal.reason);
				return;
			}
			const timer = setTimeout(() => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			}, ms);
			const onAbort = () => {
				clearTimeout(timer);
				reject(signal?.reason);
			};
			signal?.addEventListener('abort', onAbort, { once: true });
		})
};

/** Keeps a request rate under a budget; every call to DS takes one token first. */
export interface RateLimiter {
	readonly perMinute: number;
	/** Resolves when a request may be sent. */
	take(signal?: AbortSignal): Promise<void>;
}

/** DS refuses more than 400 POST per minute per token (ds.md §1.9); we aim at half of it. */
export const DEFAULT_REQUESTS_PER_MINUTE = 200;

/**
 * A token bucket refilled at `perMinute`, holding at most `burst` tokens. DS counts requests per
 * fixed minute window, so the worst window sees `burst + perMinute` requests: the default burst
 * (a quarter of the budget) keeps 200/min at 250 in any window, far from 400.
 */
export function createTokenBucket(options: {
	perMinute: number;
	burst?: number;
	clock?: Clock;
}): RateLimiter {
	const clock = options.clock ?? systemClock;
	const perMinute = Math.max(1, options.perMinute);
	const burst = Math.max(1, options.burst ?? Math.floor(perMinute / 4));
	const perMs = perMinute / 60_000;
	let tokens = burst;
	let last = clock.now();
	// Callers queue up so that tokens go out in arrival order.
	let queue: Promise<void> = Promise.resolve();

	async function acquire(signal?: AbortSignal): Promise<void> {
		for (;;) {
			signal?.throwIfAborted();
			const now = clock.now();
			tokens = Math.min(burst, tokens + (now - last) * perMs);
			last = now;
			if (tokens >= 1) {
				tokens -= 1;
				return;
			}
			await clock.sleep(Math.ceil((1 - tokens) / perMs), signal);
		}
	}

	return {
		perMinute,
		take(signal) {
			const turn = queue.then(() => acquire(signal));
			queue = turn.catch(() => undefined);
			return turn;
		}
	};
}

const shared = new Map<string, RateLimiter>();

/**
 * One bucket per key (a token fingerprint), shared by every run in this process that uses the
 * same DS token, because DS's limit is per token, not per run.
 */
export function sharedRateLimiter(key: string, perMinute = DEFAULT_REQUESTS_PER_MINUTE): RateLimiter {
	const id = `${key}\u0000${perMinute}`;
	let limiter = shared.get(id);
	if (!limiter) {
		limiter = createTokenBucket({ perMinute });
		shared.set(id, limiter);
	}
	return limiter;
}

/** How hard to insist on a transient failure. */
export interface RetryPolicy {
	/** Tries in total, the first one included. */
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

/** ds.md §2.6: about five tries, exponential backoff from 1 s, capped at 30 s. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 };

/**
 * Delay before try `attempt + 1` (attempt counts from 1): exponential with "full jitter" between
 * half and all of the step, so parallel runs do not retry in lockstep; a server-given
 * `Retry-After` wins when it is longer.
 */
export function backoffDelay(
	attempt: number,
	policy: RetryPolicy,
	random: number,
	retryAfterMs?: number
): number {
	const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	const jittered = Math.round(step / 2 + (step / 2) * random);
	return Math.max(jittered, retryAfterMs ?? 0);
}
