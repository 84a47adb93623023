/**
 * The OCR port over tesseract.js, shared by the browser worker and Node: a small pool of
 * tesseract workers created on first use (loading `fra` costs ~0.4 s), fed PGM images, with
 * cancellation by terminating the busy worker (a recognition cannot be interrupted otherwise).
 */
import type { GrayImage, OcrLine, OcrOutput, OcrPort } from './read-types.ts';
import { encodePgm } from './gray-image.ts';
import { cancelledError } from './read-errors.ts';

interface TesseractBox {
	x0: number;
	y0: number;
	x1: number;
	y1: number;
}

/** The subset of a tesseract.js `RecognizeResult.data` we read. */
export interface TesseractPageData {
	text: string;
	confidence: number;
	blocks:
		| {
				paragraphs: {
					lines: { confidence: number; words: { text: string; confidence: number; bbox: TesseractBox }[] }[];
				}[];
		  }[]
		| null;
}

/** The subset of a tesseract.js worker we use. */
export interface TesseractWorkerLike {
	recognize(
		image: Uint8Array,
		options?: Record<string, unknown>,
		output?: Record<string, boolean>
	): Promise<{ data: TesseractPageData }>;
	terminate(): Promise<unknown>;
}

/** An OCR port that owns tesseract workers and must be closed. */
export interface TesseractOcr extends OcrPort {
	/** Allows more workers (never fewer while running). */
	grow(size: number): void;
	/** Terminates every worker; later calls start new ones. */
	terminate(): Promise<void>;
}

/** Maps tesseract's block → paragraph → line → word tree to our lines. */
export function toOcrOutput(data: TesseractPageData): OcrOutput {
	const lines: OcrLine[] = [];
	for (const block of data.blocks ?? []) {
		for (const paragraph of block.paragraphs) {
			for (const line of paragraph.lines) {
				const words = line.words
					.filter((w) => w.text.trim() !== '')
					.map((w) => ({
						text: w.text.trim(),
						confidence: w.confidence,
						x0: w.bbox.x0,
						y0: w.bbox.y0,
						x1: w.bbox.x1,
						y1: w.bbox.y1
					}));
				if (words.length > 0) lines.push({ words, confidence: line.confidence });
			}
		}
	}
	return { text: data.text, confidence: data.confidence, lines };
}

/** Resolves like `promise`, or rejects with `cancelledError()` as soon as `signal` aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	if (!signal) return promise;
	return new Promise<T>((resolve, reject) => {
		const onAbort = (): void => reject(cancelledError());
		if (signal.aborted) onAbort();
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
	});
}

/** Creates the tesseract OCR port; `createWorker` loads one worker with the `fra` model. */
export function createTesseractOcr(options: {
	createWorker: () => Promise<TesseractWorkerLike>;
	size?: number;
}): TesseractOcr {
	let size = Math.max(1, options.size ?? 1);
	const idle: TesseractWorkerLike[] = [];
	const alive = new Set<Promise<TesseractWorkerLike>>();
	const waiting: { resolve: (w: TesseractWorkerLike) => void; reject: (e: unknown) => void }[] = [];

	const start = (): Promise<TesseractWorkerLike> => {
		const created = options.createWorker();
		alive.add(created);
		created.catch(() => alive.delete(created));
		return created;
	};

	const acquire = (): Promise<TesseractWorkerLike> => {
		const ready = idle.pop();
		if (ready) return Promise.resolve(ready);
		if (alive.size < size) return start();
		return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
	};

	const release = (worker: TesseractWorkerLike): void => {
		const next = waiting.shift();
		if (next) next.resolve(worker);
		else idle.push(worker);
	};

	/** Drops a worker (cancelled mid-job or broken) and starts a fresh one for a waiting job. */
	const discard = async (worker: TesseractWorkerLike): Promise<void> => {
		for (const p of alive) if ((await p.catch(() => null)) === worker) alive.delete(p);
		await worker.terminate().catch(() => undefined);
		const next = waiting.shift();
		if (next) start().then(next.resolve, next.reject);
	};

	return {
		get concurrency() {
			return size;
		},
		grow(n: number) {
			size = Math.max(size, n);
		},
		async recognize(image: GrayImage, opts?: { signal?: AbortSignal; dpi?: number }): Promise<OcrOutput> {
			if (opts?.signal?.aborted) throw cancelledError();
			const pending = acquire();
			// Waiting for a worker (or for `fra` to load) must not delay a cancellation.
			const worker = await raceAbort(pending, opts?.signal).catch((error: unknown) => {
				void pending.then(release, () => undefined);
				throw error;
			});
			// No `rotateAuto`: it costs ~0.7 s a page; the reader deskews word boxes itself.
			const parameters: Record<string, unknown> = {};
			// Giving the resolution avoids tesseract's guess (and its console message).
			if (opts?.dpi) parameters['user_defined_dpi'] = String(Math.round(opts.dpi));
			const job = worker.recognize(encodePgm(image), parameters, { text: true, blocks: true });
			try {
				const result = await raceAbort(job, opts?.signal);
				release(worker);
				return toOcrOutput(result.data);
			} catch (error) {
				// A cancelled or failed worker may be mid-job: never reuse it.
				job.catch(() => undefined);
				void discard(worker);
				throw error;
			}
		},
		async terminate() {
			const workers = await Promise.allSettled([...alive]);
			alive.clear();
			idle.length = 0;
			await Promise.all(
				workers.map((r) =>
					r.status === 'fulfilled' ? r.value.terminate().catch(() => undefined) : undefined
				)
			);
		}
	};
}
