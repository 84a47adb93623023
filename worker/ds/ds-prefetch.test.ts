import { describe, expect, test } from 'vitest';
import { prefetched, yieldToEventLoop } from './ds-prefetch.ts';

/** A source of `count` items that logs when each one is asked for, and when it is stopped. */
function source(count: number, log: string[], failAt?: number): AsyncGenerator<number> {
	return (async function* () {
		try {
			for (let i = 1; i <= count; i++) {
				log.push(`fetch ${i}`);
				await yieldToEventLoop();
				if (i === failAt) throw new Error(`échec ${i}`);
				yield i;
			}
		} finally {
			log.push('source closed');
		}
	})();
}

describe('prefetched', () => {
	test('yields every item in order while fetching up to `ahead` items beyond the current one', async () => {
		const log: string[] = [];
		for await (const item of prefetched(source(5, log), 2)) {
			await yieldToEventLoop();
			log.push(`use ${item}`);
		}
		expect(log).toStrictEqual([
			'fetch 1',
			'fetch 2',
			'fetch 3',
			'use 1',
			'fetch 4',
			'use 2',
			'fetch 5',
			'use 3',
			// The source is done (and closes) while the last items wait for the consumer.
			'source closed',
			'use 4',
			'use 5'
		]);
	});

	test('an error of the source comes after the items before it', async () => {
		const log: string[] = [];
		const seen: number[] = [];
		await expect(async () => {
			for await (const item of prefetched(source(5, log, 3), 2)) seen.push(item);
		}).rejects.toThrow('échec 3');
		expect(seen).toStrictEqual([1, 2]);
		expect(log.at(-1)).toBe('source closed');
	});

	test('stopping the iteration stops the source', async () => {
		const log: string[] = [];
		for await (const item of prefetched(source(100, log), 1)) {
			if (item === 2) break;
		}
		expect(log.at(-1)).toBe('source closed');
		expect(log.filter((l) => l.startsWith('fetch')).length).toBeLessThanOrEqual(4);
	});
});
