import { describe, expect, it } from 'vitest';
import {
	createTesseractOcr,
	toOcrOutput,
	type TesseractPageData,
	type TesseractWorkerLike
} from './tesseract-ocr.ts';
import { PasserelleError } from '#widget/errors.ts';

const PAGE: TesseractPageData = {
	text: 'DEVIS N° 12\n',
	confidence: 91,
	blocks: [
		{
			paragraphs: [
				{
					lines: [
						{
							confidence: 90,
							words: [
								{ text: 'DEVIS', confidence: 95, bbox: { x0: 10, y0: 5, x1: 60, y1: 20 } },
								{ text: ' ', confidence: 0, bbox: { x0: 60, y0: 5, x1: 62, y1: 20 } },
								{ text: 'N°', confidence: 80, bbox: { x0: 70, y0: 5, x1: 85, y1: 20 } }
							]
						}
					]
				}
			]
		}
	]
};

/** A fake tesseract worker: answers after `delay` ms and records what it saw. */
function fakeWorkers(delay = 20) {
	const log: string[] = [];
	let created = 0;
	let active = 0;
	let peak = 0;
	const createWorker = async (): Promise<TesseractWorkerLike> => {
		const id = ++created;
		let alive = true;
		return {
			async recognize(image) {
				active++;
				peak = Math.max(peak, active);
				log.push(`w${id}:${new TextDecoder().decode(image.subarray(0, 2))}`);
				await new Promise((r) => setTimeout(r, delay));
				active--;
				if (!alive) throw new Error('terminated');
				return { data: PAGE };
			},
			async terminate() {
				alive = false;
				log.push(`w${id}:terminated`);
			}
		};
	};
	return { createWorker, log, stats: () => ({ created, peak }) };
}

const image = { width: 2, height: 2, data: new Uint8Array(4).fill(255) };

describe('toOcrOutput', () => {
	it('flattens blocks into lines of words, without blank words', () => {
		expect(toOcrOutput(PAGE)).toStrictEqual({
			text: 'DEVIS N° 12\n',
			confidence: 91,
			lines: [
				{
					confidence: 90,
					words: [
						{ text: 'DEVIS', confidence: 95, x0: 10, y0: 5, x1: 60, y1: 20 },
						{ text: 'N°', confidence: 80, x0: 70, y0: 5, x1: 85, y1: 20 }
					]
				}
			]
		});
	});
});

describe('createTesseractOcr', () => {
	it('sends PGM images, reuses workers, and runs at most `size` at once', async () => {
		const fake = fakeWorkers();
		const ocr = createTesseractOcr({ createWorker: fake.createWorker, size: 2 });
		const results = await Promise.all([1, 2, 3, 4, 5].map(() => ocr.recognize(image)));
		expect(results.every((r) => r.confidence === 91)).toBe(true);
		expect(fake.stats()).toStrictEqual({ created: 2, peak: 2 });
		expect(fake.log.filter((l) => l.endsWith('P5'))).toHaveLength(5);
		await ocr.terminate();
		expect(fake.log.filter((l) => l.endsWith('terminated')).sort()).toStrictEqual([
			'w1:terminated',
			'w2:terminated'
		]);
	});

	it('cancels a running recognition by terminating its worker, and carries on with a new one', async () => {
		const fake = fakeWorkers(200);
		const ocr = createTesseractOcr({ createWorker: fake.createWorker, size: 1 });
		const controller = new AbortController();
		const first = ocr.recognize(image, { signal: controller.signal });
		const second = ocr.recognize(image);
		setTimeout(() => controller.abort(), 20);
		const error = await first.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PasserelleError);
		expect((error as PasserelleError).code).toBe('cancelled');
		expect((await second).confidence).toBe(91);
		expect(fake.log).toContain('w1:terminated');
		expect(fake.stats().created).toBe(2);
		await ocr.terminate();
	});

	it('refuses an already aborted job without starting a worker', async () => {
		const fake = fakeWorkers();
		const ocr = createTesseractOcr({ createWorker: fake.createWorker });
		await expect(ocr.recognize(image, { signal: AbortSignal.abort() })).rejects.toMatchObject({
			code: 'cancelled'
		});
		expect(fake.stats().created).toBe(0);
	});
});
