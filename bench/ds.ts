/**
 * `npm run --silent bench:ds -- --dossiers 10000 --latency-ms 50 [--workers 3] [--json]`
 *
 * DS → Grist: our engine (100 full dossiers per request, then an incremental run after 1 % of
 * the dossiers changed) against a per-dossier baseline as OTP does it (list numbers 100 per page,
 * then `dossier(number)` for each, 3 in parallel). The fake DS runs in its own process (it is
 * "the remote DS"); each side runs in a fresh child process with an in-memory Grist, so timings
 * and peak RSS do not leak from one side to the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createFakeDsControl } from '#server/ds-fake/fake-ds-control.ts';
import { createDsGraphqlTransport } from '#server/ds/graphql-transport.ts';
import { createGristPort } from '#widget/grist-port.ts';
import { createMemoryBackend } from '#widget/memory-backend.ts';
import { createDsCaller } from '#worker/ds/ds-caller.ts';
import { fetchDossier } from '#worker/ds/ds-pager.ts';
import { DEMARCHE_SCHEMA_QUERY, DOSSIER_NUMBERS_QUERY } from '#worker/ds/ds-queries.ts';
import { runDsSync } from '#worker/ds/ds-sync.ts';
import { createTokenBucket, DEFAULT_RETRY, systemClock } from '#worker/ds/ds-throttle.ts';
import type { DsDemarcheSchema, DsDossier } from '#worker/ds/ds-types.ts';
import { buildFormPlan } from '#worker/ds/form-plan.ts';
import { createDsGristWriter } from '#worker/ds/grist-writer.ts';

/** What the bench prints with `--json` (exact keys, read by other checks). */
export interface DsBenchResult {
	requests: number;
	seconds: number;
	baseline_requests: number;
	baseline_seconds: number;
	speedup: number;
	incremental_seconds: number;
	incremental_ratio: number;
	peak_rss_mb: number;
}

interface Target {
	url: string;
	origin: string;
	token: string;
	demarche: number;
	dossiers: number;
	workers: number;
}

const { values } = parseArgs({
	options: {
		dossiers: { type: 'string', default: '1000' },
		'latency-ms': { type: 'string', default: '50' },
		workers: { type: 'string', default: '3' },
		seed: { type: 'string', default: '1' },
		json: { type: 'boolean', default: false },
		'skip-baseline': { type: 'boolean', default: false },
		role: { type: 'string' },
		target: { type: 'string' }
	},
	strict: true
});

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
// The fake DS keeps its own budget out of the way; both sides run unthrottled.
const limiter = () => createTokenBucket({ perMinute: 100_000_000, burst: 1_000_000 });

/** A full garbage collection before a measured phase (children run with `--expose-gc`). */
const settle = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Reads the first stdout line of a child as JSON. */
function firstLine(child: ChildProcess): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const lines = createInterface({ input: child.stdout! });
		lines.once('line', (line) => resolve(JSON.parse(line)));
		child.once('exit', (code) => reject(new Error(`Le processus s’est arrêté (code ${code}).`)));
	});
}

/** Our engine: a full sync, then 1 % of the dossiers modified on DS and an incremental sync. */
async function engineSide(target: Target): Promise<Record<string, number>> {
	const control = createFakeDsControl(target.origin);
	const transport = createDsGraphqlTransport({ endpoint: target.url, token: target.token });
	const grist = createGristPort(createMemoryBackend(undefined, { keepLog: false }));
	const rateLimiter = limiter();
	await control.resetStats();
	settle();
	let start = performance.now();
	const full = await runDsSync({ transport, grist, demarche: target.demarche, options: { rateLimiter } });
	const seconds = (performance.now() - start) / 1000;
	const requests = (await control.stats()).total;
	if (full.dossiersSeen !== target.dossiers)
		throw new Error(`${full.dossiersSeen} dossiers lus sur ${target.dossiers}.`);
	await control.touch({ count: Math.max(1, Math.ceil(target.dossiers / 100)) });
	// The incremental run is measured on its own, not charged with the full run's garbage.
	settle();
	start = performance.now();
	const incremental = await runDsSync({
		transport,
		grist,
		demarche: target.demarche,
		state: full.state,
		options: { rateLimiter }
	});
	const incrementalSeconds = (performance.now() - start) / 1000;
	if (incremental.mode !== 'incremental')
		throw new Error('La seconde synchronisation n’est pas incrémentale.');
	return {
		requests,
		seconds,
		incremental_seconds: incrementalSeconds,
		incremental_requests: incremental.requests,
		peak_rss_mb: process.resourceUsage().maxRSS / 1024,
		cpu_seconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6
	};
}

/**
 * The OTP way, implemented honestly: the form once, dossier numbers 100 per page, then one
 * `dossier(number)` request per dossier with `workers` in parallel, written to Grist in batches
 * of 100 with the same mapping and GristPort as the engine.
 */
async function baselineSide(target: Target): Promise<Record<string, number>> {
	const control = createFakeDsControl(target.origin);
	const transport = createDsGraphqlTransport({ endpoint: target.url, token: target.token });
	const caller = createDsCaller({ transport, limiter: limiter(), clock: systemClock, retry: DEFAULT_RETRY });
	const grist = createGristPort(createMemoryBackend(undefined, { keepLog: false }));
	await control.resetStats();
	settle();
	const start = performance.now();
	const schema = await caller.request<{ demarche: DsDemarcheSchema }>(DEMARCHE_SCHEMA_QUERY, {
		demarche: target.demarche
	});
	const writer = createDsGristWriter(grist, buildFormPlan(schema.data!.demarche));
	await writer.ensureTables();
	const numbers: number[] = [];
	let after: string | null = null;
	for (;;) {
		const page = await caller.retrying(() =>
			caller.request<{
				demarche: {
					dossiers: {
						pageInfo: { hasNextPage: boolean; endCursor: string | null };
						edges: { node: { number: number } }[];
					};
				};
			}>(DOSSIER_NUMBERS_QUERY, { demarche: target.demarche, first: 100, after })
		);
		const conn = page.data!.demarche.dossiers;
		numbers.push(...conn.edges.map((e) => e.node.number));
		if (!conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor) break;
		after = conn.pageInfo.endCursor;
	}
	let next = 0;
	let pending: DsDossier[] = [];
	let writing = Promise.resolve();
	const flush = () => {
		const batch = pending;
		pending = [];
		writing = writing.then(() => writer.writeDossiers(batch));
		return writing;
	};
	await Promise.all(
		Array.from({ length: target.workers }, async () => {
			while (next < numbers.length) {
				const n = numbers[next++]!;
				pending.push(await caller.retrying(() => fetchDossier(caller, n)));
				if (pending.length >= 100) await flush();
			}
		})
	);
	await flush();
	const seconds = (performance.now() - start) / 1000;
	return {
		baseline_requests: (await control.stats()).total,
		baseline_seconds: seconds,
		baseline_dossiers: numbers.length
	};
}

/**
 * Runs one side in a fresh process. The old generation is capped at 160 MB: a run that held
 * every dossier (10,000 of them weigh about 110 MB of JSON on the wire) would not fit, so a
 * passing run proves pages are streamed into Grist. The young generation (16 MB semi-spaces)
 * holds one page's short-lived objects, which then die young instead of being promoted.
 */
async function runSide(role: 'engine' | 'baseline', target: Target): Promise<Record<string, number>> {
	const child = spawn(
		process.execPath,
		[
			'--max-semi-space-size=16',
			'--max-old-space-size=160',
			'--expose-gc',
			process.argv[1]!,
			'--role',
			role,
			'--target',
			JSON.stringify(target)
		],
		{ stdio: ['ignore', 'pipe', 'inherit'] }
	);
	return (await firstLine(child)) as Record<string, number>;
}

async function main(): Promise<void> {
	if (values.role) {
		const target = JSON.parse(values.target ?? '{}') as Target;
		const out = values.role === 'engine' ? await engineSide(target) : await baselineSide(target);
		process.stdout.write(`${JSON.stringify(out)}\n`);
		return;
	}
	const dossiers = Number(values.dossiers);
	const latency = Number(values['latency-ms']);
	const workers = Number(values.workers);
	if (
		![dossiers, latency, workers].every((n) => Number.isInteger(n) && n >= 0) ||
		dossiers === 0 ||
		workers === 0
	) {
		throw new Error('--dossiers, --latency-ms et --workers attendent des entiers positifs.');
	}
	const fake = spawn(
		process.execPath,
		[
			'server/ds-fake/cli.ts',
			'--port',
			'0',
			'--dossiers',
			String(dossiers),
			'--latency-ms',
			String(latency),
			'--rate-limit',
			'100000000',
			'--seed',
			String(values.seed),
			'--prerender'
		],
		{ stdio: ['ignore', 'pipe', 'inherit'] }
	);
	try {
		const info = (await firstLine(fake)) as {
			url: string;
			demarcheNumber: number;
			tokens: { valid: string };
		};
		const target: Target = {
			url: info.url,
			origin: new URL(info.url).origin,
			token: info.tokens.valid,
			demarche: info.demarcheNumber,
			dossiers,
			workers
		};
		const log = (m: string) => values.json || process.stderr.write(`${m}\n`);
		log(`DS local prêt (${dossiers} dossiers, ${latency} ms de latence) : moteur Passerelle…`);
		const engine = await runSide('engine', target);
		log(
			`Moteur : ${round(engine.seconds!)} s, ${engine.requests} requêtes. Référence dossier par dossier (${workers} en parallèle)…`
		);
		const baseline = values['skip-baseline']
			? { baseline_requests: 0, baseline_seconds: 0 }
			: await runSide('baseline', target);
		const result: DsBenchResult = {
			requests: engine.requests!,
			seconds: round(engine.seconds!),
			baseline_requests: baseline.baseline_requests!,
			baseline_seconds: round(baseline.baseline_seconds!),
			speedup: round(baseline.baseline_seconds! / engine.seconds!, 1),
			incremental_seconds: round(engine.incremental_seconds!),
			incremental_ratio: round(engine.incremental_seconds! / engine.seconds!, 3),
			peak_rss_mb: Math.round(engine.peak_rss_mb!)
		};
		if (values.json) {
			process.stdout.write(`${JSON.stringify(result)}\n`);
		} else {
			process.stdout.write(
				[
					`Dossiers : ${dossiers}, latence DS : ${latency} ms`,
					`Passerelle : ${result.seconds} s, ${result.requests} requêtes (cible ≤ ${Math.ceil(dossiers / 100) + 3})`,
					`Référence (dossier par dossier, ${workers} en parallèle) : ${result.baseline_seconds} s, ${result.baseline_requests} requêtes`,
					`Accélération : × ${result.speedup}`,
					`Incrémental (1 % modifié) : ${result.incremental_seconds} s, soit ${result.incremental_ratio} du complet`,
					`Pic mémoire (RSS) du moteur : ${result.peak_rss_mb} Mo`,
					`Temps CPU du processus moteur (démarrage compris) : ${round(engine.cpu_seconds!)} s`
				].join('\n') + '\n'
			);
		}
	} finally {
		fake.kill('SIGTERM');
	}
}

await main();
