import { PasserelleError } from '#widget/errors.ts';
import type { DsErrorCode } from './ds-errors.ts';
import type { DsResult, DsTransport } from './ds-transport.ts';
import { backoffDelay, type Clock, type RateLimiter, type RetryPolicy } from './ds-throttle.ts';

/** The transport as the sync uses it: rate-limited, counted, with retries on transient errors. */
export interface DsCaller {
	/** One try: waits for the rate limiter, then calls DS. */
	request<T>(query: string, variables: Record<string, unknown>): Promise<DsResult<T>>;
	/**
	 * Runs `attempt` until it succeeds, retrying transient errors (`retryable` ones, or only the
	 * given codes) with exponential backoff, jitter and `Retry-After`.
	 */
	retrying<T>(attempt: () => Promise<T>, codes?: DsErrorCode[]): Promise<T>;
	/** Requests sent so far (every try counts). */
	readonly requests: number;
}

/** Builds the caller of one run. */
export function createDsCaller(options: {
	transport: DsTransport;
	limiter: RateLimiter;
	clock: Clock;
	retry: RetryPolicy;
	signal?: AbortSignal;
	log?: (message: string) => void;
}): DsCaller {
	const { transport, limiter, clock, retry, signal, log } = options;
	let requests = 0;
	return {
		get requests() {
			return requests;
		},
		async request<T>(query: string, variables: Record<string, unknown>) {
			await limiter.take(signal);
			signal?.throwIfAborted();
			requests++;
			return transport.request<T>(query, variables, { signal });
		},
		async retrying<T>(attempt: () => Promise<T>, codes?: DsErrorCode[]) {
			for (let n = 1; ; n++) {
				try {
					return await attempt();
				} catch (error) {
					if (signal?.aborted) throw signal.reason;
					const transient =
						error instanceof PasserelleError &&
						error.retryable &&
						(!codes || codes.includes(error.code as DsErrorCode));
					if (!transient || n >= retry.maxAttempts) throw error;
					const wait = backoffDelay(
						n,
						retry,
						clock.random(),
						error.details.retryAfterMs as number | undefined
					);
					log?.(
						`${error.userMessage} Nouvel essai dans ${Math.ceil(wait / 1000)} s (${n + 1}/${retry.maxAttempts}).`
					);
					await clock.sleep(wait, signal);
				}
			}
		}
	};
}
