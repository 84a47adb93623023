import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeDs, type FakeDs } from '#server/ds-fake/index.ts';
import { createGristPort } from '#widget/grist-port.ts';
import { createMemoryBackend } from '#widget/memory-backend.ts';
import { runDsSync } from '#worker/ds/ds-sync.ts';
import { createTokenBucket, type Clock } from '#worker/ds/ds-throttle.ts';
import { createDsGraphqlTransport } from './graphql-transport.ts';

/** Real time for requests, instant waits: DS's faults are random here, not tied to a window. */
const instantWaits: Clock = { now: () => Date.now(), random: () => 0.5, sleep: async () => undefined };

let ds: FakeDs;

beforeAll(async () => {
	ds = await startFakeDs({ dossiers: 260, seed: 7, rateLimitPerMinute: 100_000 });
});

afterAll(async () => {
	await ds?.close();
});

function setup() {
	const backend = createMemoryBackend();
	return {
		backend,
		grist: createGristPort(backend),
		transport: createDsGraphqlTransport({ endpoint: ds.url, token: ds.tokens.valid }),
		numbers: (table: string) =>
			[...(backend.doc.fetchTable(table).numero ?? [])].map(Number).sort((a, b) => a - b)
	};
}

describe('runDsSync against the fake DS', () => {
	test('random 429, 5xx and GraphQL timeouts: the run retries, shrinks pages and ends complete', async () => {
		const { grist, transport, numbers } = setup();
		ds.setFaults({
			seed: 11,
			rateLimitProbability: 0.3,
			serverErrorProbability: 0.2,
			timeoutProbability: 0.3
		});
		try {
			const result = await runDsSync({
				transport,
				grist,
				demarche: ds.demarcheNumber,
				clock: instantWaits,
				options: { rateLimiter: createTokenBucket({ perMinute: 1e6, burst: 1e6 }), retry: { maxAttempts: 8 } }
			});
			expect([result.status, result.culprits]).toStrictEqual(['success', []]);
			const fired = ds.stats().faults;
			expect(fired.rateLimit + fired.serverError + fired.timeout).toBeGreaterThan(0);
			expect(numbers(`Demarche_${ds.demarcheNumber}_dossiers`)).toStrictEqual(
				ds
					.truth()
					.map((d) => d.number)
					.sort((a, b) => a - b)
			);
		} finally {
			ds.setFaults({});
		}
	});

	test.each(['invalid_null', 'http_500'] as const)(
		'a dossier DS cannot render (%s) is isolated and reported; every other dossier is written',
		async (poisonMode) => {
			const { grist, transport, numbers } = setup();
			const all = ds.truth().map((d) => d.number);
			const poisoned = all[137]!;
			ds.setFaults({ poisonDossiers: [poisoned], poisonMode });
			try {
				const result = await runDsSync({
					transport,
					grist,
					demarche: ds.demarcheNumber,
					clock: instantWaits,
					options: {
						rateLimiter: createTokenBucket({ perMinute: 1e6, burst: 1e6 }),
						retry: { maxAttempts: 2 }
					}
				});
				expect(result.status).toBe('partial');
				expect(result.culprits.map((c) => c.number)).toStrictEqual([poisoned]);
				expect(numbers(`Demarche_${ds.demarcheNumber}_dossiers`)).toStrictEqual(
					all.filter((n) => n !== poisoned).sort((a, b) => a - b)
				);
			} finally {
				ds.setFaults({});
			}
		}
	);
});
