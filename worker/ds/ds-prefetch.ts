/**
 * Overlapping DS requests with Grist writes. DS pages are sequential (each needs the previous
 * cursor), so the only overlap is between fetching the next page and writing the current one:
 * `prefetched` keeps the page chain going while the consumer works, and `yieldToEventLoop`
 * lets the consumer hand the thread back so that responses are read as they arrive.
 */

/**
 * Lets pending I/O run (one macrotask turn). Awaiting only promises never reaches the event
 * loop, so a long run of writes would otherwise leave the next page's response unread.
 */
export function yieldToEventLoop(): Promise<void> {
	const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
	return new Promise((resolve) => {
		if (g.setImmediate) g.setImmediate(resolve);
		else setTimeout(resolve, 0);
	});
}

/**
 * Iterates `source` ahead of the consumer: up to `ahead` items are fetched and held while the
 * consumer handles the current one (memory stays bounded by `ahead` items). Items come in order;
 * an error of the source comes after the items before it. Stopping the iteration stops the source.
 */
export async function* prefetched<T>(source: AsyncGenerator<T>, ahead = 1): AsyncGenerator<T> {
	const ready: T[] = [];
	let finished = false;
	let failure: { error: unknown } | null = null;
	let closed = false;
	let wakeConsumer: (() => void) | null = null;
	let wakeProducer: (() => void) | null = null;
	const wake = (which: 'consumer' | 'producer'): void => {
		const resume = which === 'consumer' ? wakeConsumer : wakeProducer;
		if (which === 'consumer') wakeConsumer = null;
		else wakeProducer = null;
		resume?.();
	};

	const pump = (async () => {
		try {
			while (!closed) {
				if (ready.length >= ahead) {
					await new Promise<void>((resolve) => (wakeProducer = resolve));
					continue;
				}
				const step = await source.next();
				if (step.done) break;
				ready.push(step.value);
				wake('consumer');
			}
		} catch (error) {
			failure = { error };
		} finally {
			finished = true;
			wake('consumer');
		}
	})();

	try {
		for (;;) {
			if (ready.length > 0) {
				const item = ready.shift() as T;
				wake('producer');
				yield item;
				continue;
			}
			if (failure) throw (failure as { error: unknown }).error;
			if (finished) return;
			await new Promise<void>((resolve) => (wakeConsumer = resolve));
		}
	} finally {
		closed = true;
		wake('producer');
		await pump;
		await source.return(undefined).catch(() => undefined);
	}
}
