import { describe, expect, test } from 'vitest';
import { backoffDelay, createTokenBucket, DEFAULT_RETRY, type Clock } from './ds-throttle.ts';
import { rateLimitedTransport } from './ds-transport.ts';

function fakeClock(): Clock & { sleeps: number[] } {
	let now = 0;
	const sleeps: number[] = [];
	return {
		now: () => now,
		random: () => 0.5,
		sleeps,
		sleep: async (ms) => {
			sleeps.push(ms);
			now += ms;
		}
	};
}

describe('token bucket', () => {
	test('a burst of a quarter of the budget, then one request every 60/perMinute seconds', async () => {
		const clock = fakeClock();
		const bucket = createTokenBucket({ perMinute: 200, clock });
		const stamps: number[] = [];
		for (let i = 0; i < 60; i++) {
			await bucket.take();
			stamps.push(clock.now());
		}
		expect(stamps.slice(0, 50).every((t) => t === 0)).toBe(true);
		expect(stamps.slice(50)).toStrictEqual([300, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700, 3000]);
		// Any 60 s window sees at most burst + perMinute = 250 requests, well under DS's 400.
	});

	test('concurrent callers are served in arrival order', async () => {
		const clock = fakeClock();
		const bucket = createTokenBucket({ perMinute: 60, burst: 1, clock });
		const order: number[] = [];
		await Promise.all([1, 2, 3].map((n) => bucket.take().then(() => order.push(n))));
		expect([order, clock.now()]).toStrictEqual([[1, 2, 3], 2000]);
	});

	test('a rate-limited transport takes a token before each call', async () => {
		const clock = fakeClock();
		const bucket = createTokenBucket({ perMinute: 60, burst: 1, clock });
		const transport = rateLimitedTransport(
			{ request: async () => ({ data: clock.now() as never, errors: [] }) },
			bucket
		);
		const times = [];
		for (let i = 0; i < 3; i++) times.push((await transport.request('q', {})).data);
		expect(times).toStrictEqual([0, 1000, 2000]);
	});
});

describe('backoff', () => {
	test('exponential with jitter, capped, and never shorter than Retry-After', () => {
		expect([1, 2, 3, 6, 10].map((n) => backoffDelay(n, DEFAULT_RETRY, 0.5))).toStrictEqual([
			750, 1500, 3000, 22_500, 22_500
		]);
		expect(backoffDelay(1, DEFAULT_RETRY, 0, 17_000)).toBe(17_000);
		expect(backoffDelay(1, DEFAULT_RETRY, 0.999)).toBeLessThanOrEqual(1000);
	});
});
