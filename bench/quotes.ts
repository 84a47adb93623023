/**
 * Quote reading benchmark (`npm run --silent bench:quotes -- --json`): a 3-page text quote, one
 * scanned page OCR'd, and 10 scanned pages with 1 then 2 tesseract workers. Medians over a few
 * runs, warm (pdf.js imported and `fra` loaded before timing). Targets: text ≤ 1 000 ms,
 * scanned page ≤ 4 000 ms, speedup ≥ 1.7 on 2 cores.
 *
 * Options: `--json` (one JSON line on stdout), `--runs N` (runs of the short cases, default 5),
 * `--scan-runs N` (runs of the 10-page cases, alternating 1 and 2 workers, default 3).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { readQuote, type ReaderPorts } from '#worker/quotes/read/index.ts';
import { closeNodeReader, createNodeOcr, nodeReaderPorts } from '#server/quotes/read-node.ts';

const CORPUS = join(import.meta.dirname, '..', '..', 'shared', 'quotes');

const args = process.argv.slice(2);
const json = args.includes('--json');
const option = (name: string, fallback: number): number => {
	const index = args.indexOf(name);
	const value = index >= 0 ? Number(args[index + 1]) : NaN;
	return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
};
const runs = option('--runs', 5);
const scanRuns = option('--scan-runs', 3);
const log = (message: string): void => {
	if (!json) console.log(message);
};

const median = (values: number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function timeRuns(count: number, read: () => Promise<unknown>): Promise<number> {
	const times: number[] = [];
	for (let i = 0; i < count; i++) {
		const started = performance.now();
		await read();
		times.push(performance.now() - started);
	}
	return Math.round(median(times));
}

/** A PDF made of the given pages of a corpus file, images copied as they are (no re-encoding). */
async function pagesOf(file: string, indices: number[]): Promise<Uint8Array> {
	const source = await PDFDocument.load(readFileSync(join(CORPUS, file)));
	const doc = await PDFDocument.create();
	for (const page of await doc.copyPages(source, indices)) doc.addPage(page);
	return doc.save();
}

async function portsWith(workers: number): Promise<{ ports: ReaderPorts; close: () => Promise<void> }> {
	const ocr = createNodeOcr(workers);
	const ports = await nodeReaderPorts({ ocr });
	// Warm-up: start every worker and load `fra` before timing.
	const blank = { width: 64, height: 64, data: new Uint8Array(64 * 64).fill(255) };
	await Promise.all(Array.from({ length: workers }, () => ocr.recognize(blank)));
	return { ports, close: () => ocr.terminate() };
}

/** How much faster two busy threads get through the same work than one: 2 on an idle 2-core machine. */
async function parallelCapacity(): Promise<number> {
	const code = `const t = Date.now(); let x = 0; for (let i = 0; i < 2e8; i++) x += i % 7;
require('node:worker_threads').parentPort.postMessage(Date.now() - t + (x & 0));`;
	const run = (threads: number): Promise<unknown> =>
		Promise.all(
			Array.from(
				{ length: threads },
				() =>
					new Promise((resolve, reject) => {
						const worker = new Worker(code, { eval: true });
						worker.once('message', () => void worker.terminate().then(resolve));
						worker.once('error', reject);
					})
			)
		);
	let started = performance.now();
	await run(1);
	const one = performance.now() - started;
	started = performance.now();
	await run(2);
	return Math.round(((2 * one) / (performance.now() - started)) * 100) / 100;
}

const textQuote = new Uint8Array(readFileSync(join(CORPUS, 'Q04.pdf')));
const scannedPage = await pagesOf('Q17.pdf', [0]);
// Ten full quote pages (page 2 of Q17 is CGV: its OCR stops after the head band).
const scan10 = await pagesOf('Q17.pdf', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

const one = await portsWith(1);
const read = (bytes: Uint8Array, name: string, ports: ReaderPorts) => readQuote({ bytes, name }, ports);

await read(textQuote, 'Q04.pdf', one.ports);
const text_quote_ms = await timeRuns(runs, () => read(textQuote, 'Q04.pdf', one.ports));
log(`Devis texte de 3 pages (Q04) : ${text_quote_ms} ms`);

const scanned_page_ms = await timeRuns(Math.min(runs, 3), () => read(scannedPage, 'Q17-p1.pdf', one.ports));
log(`Page scannée 300 dpi (Q17 p. 1) : ${scanned_page_ms} ms`);

// 1 and 2 workers alternate run by run, so that load from other jobs hits both sides alike.
const two = await portsWith(2);
const times1: number[] = [];
const times2: number[] = [];
for (let i = 0; i < scanRuns; i++) {
	times1.push(await timeRuns(1, () => read(scan10, 'scan10.pdf', one.ports)));
	times2.push(await timeRuns(1, () => read(scan10, 'scan10.pdf', two.ports)));
}
const scan10_1worker_ms = Math.round(median(times1));
const scan10_2workers_ms = Math.round(median(times2));
log(`10 pages scannées, 1 worker : ${scan10_1worker_ms} ms`);
log(`10 pages scannées, 2 workers : ${scan10_2workers_ms} ms`);
await one.close();
await two.close();
await closeNodeReader();
const capacity = await parallelCapacity();

const speedup = Math.round((scan10_1worker_ms / scan10_2workers_ms) * 100) / 100;
const results = { text_quote_ms, scanned_page_ms, scan10_1worker_ms, scan10_2workers_ms, speedup };
if (json) console.log(JSON.stringify(results));
else log(`Accélération 2 workers : ×${speedup} (${availableParallelism()} cœurs)`);
// The speedup cannot beat the parallelism the machine grants right now (shared machines).
console.error(`Parallélisme CPU disponible mesuré après coup : ×${capacity} (2 threads de calcul pur)`);
