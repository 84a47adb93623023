import { afterEach, describe, expect, it } from 'vitest';
import { expose } from 'comlink';
import { createReaderPool, type ReaderEndpoint, type ReadState } from './reader-pool.ts';
import { createReaderService } from './read/reader-service.ts';
import type { ReaderPorts, ReadProgress } from './read/read-types.ts';
import type { ReaderWorkerApi } from './reader.worker.ts';
import { PasserelleError } from '#widget/errors.ts';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
const text = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s);

/** A page of fake text lines for the image route; the OCR waits `delay` ms unless cancelled. */
function fakePorts(delay: number, obeyCancel = true): ReaderPorts {
	const width = 300;
	const height = 400;
	const data = new Uint8Array(width * height).fill(255);
	for (let top = 40; top < 360; top += 20)
		for (let x = 30; x < 270; x++) if (x % 8 < 5) for (let y = top; y < top + 8; y++) data[y * width + x] = 0;
	return {
		pdfjs: {
			getDocument: () => ({
				promise: Promise.reject(new Error('pas de pdf.js')),
				destroy: async () => undefined
			}),
			OPS: {}
		},
		decodeImage: async () => ({ width, height, data }),
		ocr: {
			concurrency: 1,
			recognize: (_image, options) =>
				new Promise((resolve, reject) => {
					const timer = setTimeout(
						() =>
							resolve({
								text: 'DEVIS 42',
								confidence: 90,
								lines: [
									{
										confidence: 90,
										words: [{ text: 'DEVIS 42', confidence: 90, x0: 0, y0: 0, x1: 80, y1: 10 }]
									}
								]
							}),
						delay
					);
					if (obeyCancel)
						options?.signal?.addEventListener('abort', () => {
							clearTimeout(timer);
							reject(new PasserelleError('cancelled', 'Lecture annulée.'));
						});
				})
		}
	};
}

/** Workers as MessageChannels: the pool talks comlink to a real ReaderService. */
function channelWorkers(delay = 0, obeyCancel = true) {
	const ports: MessagePort[] = [];
	const terminated: number[] = [];
	let created = 0;
	const createWorker = (): ReaderEndpoint => {
		const id = ++created;
		const channel = new MessageChannel();
		ports.push(channel.port1, channel.port2);
		const service = createReaderService(async () => fakePorts(delay, obeyCancel));
		const api: ReaderWorkerApi = {
			...service,
			read: service.read,
			cancel: service.cancel,
			close: service.close,
			configure: () => undefined
		};
		expose(api, channel.port2);
		return Object.assign(channel.port1, {
			terminate: () => {
				terminated.push(id);
				channel.port1.close();
				channel.port2.close();
			}
		}) as unknown as ReaderEndpoint;
	};
	return { createWorker, terminated, created: () => created, close: () => ports.forEach((p) => p.close()) };
}

let cleanup: (() => void)[] = [];
afterEach(() => {
	cleanup.forEach((c) => c());
	cleanup = [];
});

describe('createReaderPool', () => {
	it('reads files in workers and reports per-file progress and states', async () => {
		const workers = channelWorkers();
		cleanup.push(workers.close);
		const pool = createReaderPool({ size: 2, createWorker: workers.createWorker });
		cleanup.push(() => pool.terminate());
		const progress: ReadProgress[] = [];
		const states: ReadState[] = [];
		const result = await pool.read(
			{
				file: new Blob([text('DEVIS N° 12\nSIRET : 93304180800017')], { type: 'text/plain' }),
				name: 'devis.txt'
			},
			{ onProgress: (p) => progress.push(p), onState: (s) => states.push(s) }
		);
		expect(result.pages[0]?.text).toBe('DEVIS N° 12\nSIRET : 93304180800017');
		expect(states).toStrictEqual(['queued', 'running', 'done']);
		await new Promise((r) => setTimeout(r, 10));
		expect(progress.map((p) => p.stage)).toStrictEqual(['open', 'done']);
	});

	it('rebuilds errors as PasserelleError with their code and French message', async () => {
		const workers = channelWorkers();
		cleanup.push(workers.close);
		const pool = createReaderPool({ size: 1, createWorker: workers.createWorker });
		cleanup.push(() => pool.terminate());
		const error = await pool
			.read({ bytes: text('PK\u0003\u0004'), name: 'devis.pdf' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PasserelleError);
		expect(error).toMatchObject({ code: 'unsupported_file_format', retryable: false });
		expect((error as PasserelleError).userMessage).toContain('archive ZIP');
	});

	it('refuses a file over the limit from its size, without starting a worker', async () => {
		const workers = channelWorkers();
		cleanup.push(workers.close);
		const pool = createReaderPool({ size: 1, createWorker: workers.createWorker, maxBytes: 1000 });
		await expect(
			pool.read({ file: new Blob([new Uint8Array(1001)]), name: 'scan.pdf' })
		).rejects.toMatchObject({
			code: 'x_fichier_trop_volumineux'
		});
		expect(workers.created()).toBe(0);
	});

	it('queues files beyond its size and cancels a queued one without running it', async () => {
		const workers = channelWorkers(150);
		cleanup.push(workers.close);
		const pool = createReaderPool({ size: 1, createWorker: workers.createWorker });
		cleanup.push(() => pool.terminate());
		const controller = new AbortController();
		const states: ReadState[] = [];
		const first = pool.read({ bytes: PNG, name: 'a.png' });
		const second = pool.read(
			{ bytes: PNG, name: 'b.png' },
			{ signal: controller.signal, onState: (s) => states.push(s) }
		);
		const third = pool.read({ bytes: PNG, name: 'c.png' });
		expect(pool.queued).toBe(2);
		controller.abort();
		await expect(second).rejects.toMatchObject({ code: 'cancelled' });
		expect(states).toStrictEqual(['queued', 'cancelled']);
		expect((await first).ocrPages).toBe(1);
		expect((await third).ocrPages).toBe(1);
		expect(workers.created()).toBe(1);
	});

	it('cancels a running file cooperatively, and terminates a worker that does not stop', async () => {
		const polite = channelWorkers(5000);
		cleanup.push(polite.close);
		const pool = createReaderPool({ size: 1, createWorker: polite.createWorker, cancelGraceMs: 300 });
		cleanup.push(() => pool.terminate());
		const controller = new AbortController();
		const reading = pool.read({ bytes: PNG, name: 'a.png' }, { signal: controller.signal });
		setTimeout(() => controller.abort(), 50);
		await expect(reading).rejects.toMatchObject({ code: 'cancelled' });
		expect(polite.terminated).toStrictEqual([]);

		const stubborn = channelWorkers(5000, false);
		cleanup.push(stubborn.close);
		const pool2 = createReaderPool({ size: 1, createWorker: stubborn.createWorker, cancelGraceMs: 100 });
		cleanup.push(() => pool2.terminate());
		const controller2 = new AbortController();
		const reading2 = pool2.read({ bytes: PNG, name: 'b.png' }, { signal: controller2.signal });
		setTimeout(() => controller2.abort(), 50);
		await expect(reading2).rejects.toMatchObject({ code: 'cancelled' });
		expect(stubborn.terminated).toStrictEqual([1]);
	});

	it('sizes itself from the cores, between 1 and 4', () => {
		expect(createReaderPool({ size: 16 }).size).toBe(4);
		expect(createReaderPool({ size: 0 }).size).toBe(1);
	});
});
