import type { DsCaller } from './ds-caller.ts';
import { pageDossiers, type DossierPass, type PageChunk, type PagerOptions } from './ds-pager.ts';

/** Where the two ends of a listing start, and what was already delivered (a resumed run). */
export interface MeetOptions {
	/** Forward start: the cursor after the last dossier already read from the start (null: the start). */
	after: string | null;
	/** Backward start: the cursor of the first dossier already read from the end (null: the end). */
	before: string | null;
	/** Dossier numbers already delivered (by a run this one resumes); updated as pages arrive. */
	delivered: Set<number>;
	/** Start the end at once (the first page is already known to have more after it). */
	openEnd?: boolean;
	pager?: Pick<PagerOptions, 'sizes' | 'growAfter' | 'log'>;
}

/**
 * A full listing read from both ends at once: `first`/`after` from the start and `last`/`before`
 * from the end, two chains of requests instead of one (DS cursors are keyset cursors: page n + 1
 * cannot be asked for before page n is in, so one chain is bound by DS's latency per page).
 * The ends meet when a page brings a dossier the other end already delivered: both stop before
 * their next request, and what was read twice is dropped, so every dossier is yielded once and
 * the request count stays within two of a single chain's (the end starts after the first page,
 * so a listing of one page costs one request). Each end keeps one request in flight
 * while the consumer works. The listing's order (dépôt date) does not change while it is read;
 * a dossier deposited meanwhile is left to the next (incremental) run, as DS's own order puts it
 * past where the backward end started.
 */
export async function* meetInTheMiddle(
	caller: DsCaller,
	demarche: number,
	pass: DossierPass,
	options: MeetOptions
): AsyncGenerator<PageChunk> {
	const { delivered } = options;
	let met = false;
	const onPage = (chunk: PageChunk): boolean => {
		const fresh = chunk.dossiers.filter((d) => {
			if (delivered.has(d.number)) {
				met = true;
				return false;
			}
			delivered.add(d.number);
			return true;
		});
		chunk.dossiers = fresh;
		return !met;
	};
	const stop = () => met;
	// The end starts once the first page from the start says there is more (a démarche of one
	// page costs one request), at once when resuming an end already under way.
	let open: (go: boolean) => void = () => {};
	const gate = new Promise<boolean>((resolve) => (open = resolve));
	if (options.before !== null || options.openEnd) open(true);
	async function* fromStart(): AsyncGenerator<PageChunk> {
		try {
			yield* pageDossiers(caller, demarche, pass, options.after, {
				...options.pager,
				onPage: (chunk) => {
					const goOn = onPage(chunk);
					if (chunk.hasMore) open(goOn);
					return goOn;
				},
				stop
			});
		} finally {
			open(false);
		}
	}
	async function* fromEnd(): AsyncGenerator<PageChunk> {
		if (!(await gate) || met) return;
		yield* pageDossiers(caller, demarche, pass, options.before, {
			...options.pager,
			direction: 'backward',
			onPage,
			stop
		});
	}
	yield* merged([fromStart(), fromEnd()]);
}

/** Yields items of several generators as they come, each always asked for its next item at once. */
async function* merged<T>(sources: AsyncGenerator<T>[]): AsyncGenerator<T> {
	type Step = { index: number; step: IteratorResult<T> };
	const pending = new Map<number, Promise<Step>>();
	const pull = (index: number) => {
		const next = sources[index]!.next().then((step) => ({ index, step }));
		// A failure is surfaced by the race below; never as an unhandled rejection if we stop first.
		next.catch(() => undefined);
		pending.set(index, next);
	};
	sources.forEach((_, i) => pull(i));
	try {
		while (pending.size > 0) {
			const { index, step } = await Promise.race(pending.values());
			if (step.done) {
				pending.delete(index);
				continue;
			}
			pull(index);
			yield step.value;
		}
	} finally {
		// Stopped early (error, cancel): let the other ends finish their request, then close them.
		for (const [index, next] of pending) {
			void next.then(
				() => sources[index]!.return(undefined),
				() => undefined
			);
		}
	}
}
