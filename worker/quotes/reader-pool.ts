/**
 * Main-thread client of the quote reader: a pool of reader workers (one per core, 1 to 4),
 * a queue of files, per-file progress and cancellation. Errors come back as `ErrorPayload`
 * and are rebuilt into `PasserelleError`, so the UI shows the same French message as the server.
 */
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { PasserelleError, fromErrorPayload } from '#widget/errors.ts';
import { MAX_QUOTE_BYTES, cancelledError, tooLargeError } from './read/read-errors.ts';
import type { ReadProgress, ReadResult } from './read/read-types.ts';
import type { ReaderWorkerApi } from './reader.worker.ts';

/** A worker-like endpoint comlink can talk to (a Web Worker, or a MessagePort in tests). */
export interface ReaderEndpoint {
	postMessage(message: unknown, transfer?: Transferable[]): void;
	addEventListener(type: string, listener: (event: never) => void): void;
	removeEventListener(type: string, listener: (event: never) => void): void;
	terminate?(): void;
}

/** Where a file stands in the pool. */
export type ReadState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** A file to read: a browser `File`/`Blob` with a name, or bytes already in memory. */
export type ReadInput = { file: Blob; name: string } | { bytes: Uint8Array; name: string; mime?: string };

/** Options of one file's reading. */
export interface PoolReadOptions {
	signal?: AbortSignal;
	onProgress?: (progress: ReadProgress) => void;
	onState?: (state: ReadState) => void;
	maxPages?: number;
	maxOcrPages?: number;
}

/** Options of the pool. */
export interface ReaderPoolOptions {
	/** Workers at most (default: `navigator.hardwareConcurrency`, clamped to 1–4). */
	size?: number;
	/** Starts one worker (default: the Vite-bundled `reader.worker.ts` module worker). */
	createWorker?: () => ReaderEndpoint;
	/** URL path of the copied assets (default `/vendor/`). */
	assetBase?: string;
	/** Size limit checked before a file is read into memory (default 50 Mo). */
	maxBytes?: number;
	/** After a cancel, how long a worker may take to stop before it is terminated (ms). */
	cancelGraceMs?: number;
}

/** The pool of reader workers. */
export interface ReaderPool {
	readonly size: number;
	/** Reads one file; queued while every worker is busy. */
	read(input: ReadInput, options?: PoolReadOptions): Promise<ReadResult>;
	/** Files waiting for a worker. */
	readonly queued: number;
	/** Terminates every worker and rejects what is queued or running. */
	terminate(): void;
}

/** Default pool size: one worker per core, at least 1 and at most 4 (memory: ~150 Mo each with OCR). */
export function defaultPoolSize(): number {
	const cores = typeof navigator === 'undefined' ? 1 : (navigator.hardwareConcurrency ?? 1);
	return Math.min(4, Math.max(1, Math.floor(cores) || 1));
}

interface Slot {
	endpoint: ReaderEndpoint;
	api: Remote<ReaderWorkerApi>;
	busy: boolean;
}

interface Task {
	id: string;
	input: ReadInput;
	options: PoolReadOptions;
	resolve: (result: ReadResult) => void;
	reject: (error: unknown) => void;
	settled: boolean;
	slot?: Slot;
	onAbort?: () => void;
}

const crashedError = (name: string): PasserelleError =>
	new PasserelleError(
		'file_reading_error',
		`La lecture de « ${name} » s'est arrêtée brutalement (mémoire insuffisante ?). Réessayez, ou déposez un fichier plus léger.`,
		true,
		{ details: { reason: 'worker_crash', name } }
	);

/** Creates a pool; workers start on demand. */
export function createReaderPool(options: ReaderPoolOptions = {}): ReaderPool {
	const size = Math.min(4, Math.max(1, Math.floor(options.size ?? defaultPoolSize())));
	const maxBytes = options.maxBytes ?? MAX_QUOTE_BYTES;
	const grace = options.cancelGraceMs ?? 2000;
	const createWorker =
		options.createWorker ??
		(() =>
			new Worker(new URL('./reader.worker.ts', import.meta.url), {
				type: 'module',
				name: 'lecteur-devis'
			}) as unknown as ReaderEndpoint);
	const slots: Slot[] = [];
	const queue: Task[] = [];
	const running: Task[] = [];
	let counter = 0;
	let closed = false;

	const settle = (task: Task, state: ReadState, value: { result: ReadResult } | { error: unknown }): void => {
		if (task.settled) return;
		task.settled = true;
		if (task.onAbort) task.options.signal?.removeEventListener('abort', task.onAbort);
		task.options.onState?.(state);
		if ('result' in value) task.resolve(value.result);
		else task.reject(value.error);
	};

	const startSlot = (): Slot => {
		const endpoint = createWorker();
		const api = wrap<ReaderWorkerApi>(endpoint as Parameters<typeof wrap>[0]);
		if (options.assetBase) void api.configure(options.assetBase);
		const slot: Slot = { endpoint, api, busy: false };
		// A crashed worker (out of memory, uncaught error) fails its file, then is replaced.
		endpoint.addEventListener('error', () => {
			const task = runningOn(slot);
			drop(slot);
			if (task) settle(task, 'failed', { error: crashedError(task.input.name) });
			pump();
		});
		slots.push(slot);
		return slot;
	};

	const runningOn = (slot: Slot): Task | undefined => running.find((t) => t.slot === slot);

	const drop = (slot: Slot): void => {
		const index = slots.indexOf(slot);
		if (index >= 0) slots.splice(index, 1);
		slot.api[releaseProxy]();
		slot.endpoint.terminate?.();
	};

	const pump = (): void => {
		while (!closed && queue.length > 0) {
			const slot = slots.find((s) => !s.busy) ?? (slots.length < size ? startSlot() : undefined);
			if (!slot) return;
			const task = queue.shift();
			if (!task) return;
			void run(task, slot);
		}
	};

	const run = async (task: Task, slot: Slot): Promise<void> => {
		slot.busy = true;
		task.slot = slot;
		running.push(task);
		task.options.onState?.('running');
		try {
			const { input } = task;
			const bytes = 'file' in input ? new Uint8Array(await input.file.arrayBuffer()) : input.bytes.slice();
			const mime = 'file' in input ? input.file.type || undefined : input.mime;
			if (task.settled) return;
			if (task.options.signal?.aborted) {
				settle(task, 'cancelled', { error: cancelledError() });
				return;
			}
			const outcome = await slot.api.read(
				transfer(
					{
						id: task.id,
						bytes,
						name: input.name,
						mime,
						maxBytes,
						maxPages: task.options.maxPages,
						maxOcrPages: task.options.maxOcrPages
					},
					[bytes.buffer]
				),
				task.options.onProgress ? proxy(task.options.onProgress) : undefined
			);
			if (outcome.ok) settle(task, 'done', { result: outcome.result });
			else {
				const error = fromErrorPayload(outcome.error);
				settle(task, error.code === 'cancelled' ? 'cancelled' : 'failed', { error });
			}
		} catch (error) {
			settle(task, 'failed', {
				error: error instanceof PasserelleError ? error : crashedError(task.input.name)
			});
		} finally {
			running.splice(running.indexOf(task), 1);
			if (slots.includes(slot)) slot.busy = false;
			pump();
		}
	};

	const cancel = (task: Task): void => {
		const queuedAt = queue.indexOf(task);
		if (queuedAt >= 0) {
			queue.splice(queuedAt, 1);
			settle(task, 'cancelled', { error: cancelledError() });
			return;
		}
		const slot = task.slot;
		if (!slot || task.settled) return;
		void slot.api.cancel(task.id);
		// A worker that does not stop in time is terminated and replaced.
		setTimeout(() => {
			if (task.settled || !slots.includes(slot)) return;
			drop(slot);
			settle(task, 'cancelled', { error: cancelledError() });
			pump();
		}, grace);
	};

	return {
		size,
		get queued() {
			return queue.length;
		},
		read(input, readOptions = {}) {
			return new Promise<ReadResult>((resolve, reject) => {
				const task: Task = {
					id: `lecture-${++counter}`,
					input,
					options: readOptions,
					resolve,
					reject,
					settled: false
				};
				if (closed) {
					settle(task, 'cancelled', { error: cancelledError() });
					return;
				}
				// Size first, from the File's metadata: a 55 Mo file is never read into memory.
				const bytesSize = 'file' in input ? input.file.size : input.bytes.byteLength;
				if (bytesSize > maxBytes) {
					settle(task, 'failed', { error: tooLargeError(input.name, bytesSize, maxBytes) });
					return;
				}
				if (readOptions.signal?.aborted) {
					settle(task, 'cancelled', { error: cancelledError() });
					return;
				}
				task.onAbort = () => cancel(task);
				readOptions.signal?.addEventListener('abort', task.onAbort, { once: true });
				readOptions.onState?.('queued');
				queue.push(task);
				pump();
			});
		},
		terminate() {
			closed = true;
			for (const task of queue.splice(0)) settle(task, 'cancelled', { error: cancelledError() });
			for (const task of [...running]) settle(task, 'cancelled', { error: cancelledError() });
			// Terminating a worker also ends the tesseract worker it started.
			for (const slot of [...slots]) drop(slot);
		}
	};
}
