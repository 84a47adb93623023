/**
 * The reader as a service behind a worker boundary: jobs by id, cooperative cancellation, and
 * outcomes as plain data so errors cross `postMessage` with their code and French message
 * (an `ErrorPayload`), never flattened to a string.
 */
import { toErrorPayload, type ErrorPayload } from '#widget/errors.ts';
import type { ReadProgress, ReadResult, ReaderPorts } from './read-types.ts';
import { readQuote } from './read-quote.ts';

/** One file to read, as sent to a reader worker. */
export interface ReadJob {
	id: string;
	bytes: Uint8Array;
	name: string;
	mime?: string;
	maxBytes?: number;
	maxPages?: number;
	maxOcrPages?: number;
}

/** The result of a job: the reading, or the error as a serialisable payload. */
export type ReadOutcome = { ok: true; result: ReadResult } | { ok: false; error: ErrorPayload };

/** What a reader worker exposes. */
export interface ReaderService {
	/** Reads one file; never throws, the outcome carries the error. */
	read(job: ReadJob, onProgress?: (progress: ReadProgress) => void): Promise<ReadOutcome>;
	/** Asks a running job to stop (between pages; an OCR in progress is terminated). */
	cancel(id: string): void;
	/** Frees the OCR workers. */
	close(): Promise<void>;
}

/** Creates the service over platform ports, built on first use (pdf.js and tesseract load lazily). */
export function createReaderService(
	ports: () => Promise<ReaderPorts & { close?: () => Promise<void> }>
): ReaderService {
	let loaded: ReturnType<typeof ports> | null = null;
	const running = new Map<string, AbortController>();
	return {
		async read(job, onProgress) {
			const controller = new AbortController();
			running.set(job.id, controller);
			try {
				loaded ??= ports();
				const result = await readQuote({ bytes: job.bytes, name: job.name, mime: job.mime }, await loaded, {
					signal: controller.signal,
					onProgress: onProgress ? (p) => void onProgress(p) : undefined,
					maxBytes: job.maxBytes,
					maxPages: job.maxPages,
					maxOcrPages: job.maxOcrPages
				});
				return { ok: true, result };
			} catch (error) {
				return { ok: false, error: toErrorPayload(error) };
			} finally {
				running.delete(job.id);
			}
		},
		cancel(id) {
			running.get(id)?.abort();
		},
		async close() {
			for (const controller of running.values()) controller.abort();
			if (loaded) await (await loaded.catch(() => null))?.close?.();
			loaded = null;
		}
	};
}
