import type { Logger } from '../log.ts';
import { fetchCompanyState } from './company-client.ts';
import type { ExternalConfig } from './external-config.ts';
import type { CompanyLookup, RgeLookup } from './external-types.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { fetchRgeHistory, DirectoryUnavailable } from './rge-client.ts';
import { normaliseSiret, siretProblem } from './siret.ts';
import { createTtlCache } from './ttl-cache.ts';

/** External checks by SIRET, cached and rate-limited; they never throw for a directory that is down. */
export interface ExternalChecks {
	rge(siret: string, options?: { docId?: string }): Promise<RgeLookup>;
	company(siret: string, options?: { docId?: string }): Promise<CompanyLookup>;
}

/** Dependencies; `fetch`, `now` and `sleep` are for tests. */
export interface ExternalChecksDeps {
	config: ExternalConfig;
	log?: Logger;
	fetch?: typeof fetch;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	/** Longest wait for an upstream token before answering "non vérifié" (default 2 s). */
	maxQueueMs?: number;
}

type Lookup = RgeLookup | CompanyLookup;

/** French notices of "non vérifié" answers. */
export const NOT_CHECKED = {
	rge: 'Historique RGE de l’ADEME injoignable : qualification non vérifiée.',
	company: 'Annuaire des entreprises injoignable : état de l’entreprise non vérifié.',
	busy: 'Trop de vérifications en cours : non vérifié pour l’instant, réessayez dans une minute.'
} as const;

/** Creates the RGE and company checks with one cache, one upstream limiter per directory and one per document. */
export function createExternalChecks(deps: ExternalChecksDeps): ExternalChecks {
	const { config } = deps;
	const now = deps.now ?? Date.now;
	const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
	const maxQueueMs = deps.maxQueueMs ?? 2000;
	const cache = createTtlCache<Lookup>();
	const inFlight = new Map<string, Promise<Lookup>>();
	const upstream = createRateLimiter({
		rate: config.ratePerSecond,
		burst: Math.max(1, Math.ceil(config.ratePerSecond))
	});
	const perDocument = createRateLimiter({
		rate: config.perDocumentPerMinute / 60,
		burst: config.perDocumentPerMinute
	});

	async function takeUpstream(directory: string): Promise<boolean> {
		const deadline = now() + maxQueueMs;
		for (;;) {
			if (upstream.tryTake(directory, now())) return true;
			const wait = upstream.waitTime(directory, now());
			if (now() + wait > deadline) return false;
			await sleep(wait);
		}
	}

	async function lookup<T extends Lookup>(
		kind: 'rge' | 'company',
		rawSiret: string,
		docId: string | undefined,
		call: (siret: string) => Promise<T>
	): Promise<T> {
		const siret = normaliseSiret(rawSiret);
		const problem = siretProblem(siret);
		if (problem) return { status: 'siret_invalide', siret, message: problem } as T;
		const key = `${kind}:${siret}`;
		const cached = cache.get(key, now());
		if (cached) return cached as T;
		if (docId && !perDocument.tryTake(docId, now()))
			return { status: 'non_verifie', siret, message: NOT_CHECKED.busy } as T;
		const running = inFlight.get(key);
		if (running) return (await running) as T;
		const promise = (async (): Promise<T> => {
			if (!(await takeUpstream(kind)))
				return { status: 'non_verifie', siret, message: NOT_CHECKED.busy } as T;
			const started = now();
			try {
				const result = await call(siret);
				cache.set(key, result, now() + config.cacheTtlMs);
				deps.log?.info('Vérification externe', {
					kind,
					siret,
					status: result.status,
					durationMs: now() - started
				});
				return result;
			} catch (error) {
				if (!(error instanceof DirectoryUnavailable)) throw error;
				const result = { status: 'non_verifie', siret, message: NOT_CHECKED[kind] } as T;
				cache.set(key, result, now() + config.failureTtlMs);
				deps.log?.warn('Annuaire injoignable : non vérifié', {
					kind,
					siret,
					reason: error.message,
					durationMs: now() - started
				});
				return result;
			}
		})();
		inFlight.set(key, promise);
		try {
			return await promise;
		} finally {
			inFlight.delete(key);
		}
	}

	const directory = { fetch: deps.fetch, timeoutMs: config.timeoutMs };
	return {
		rge: (siret, options = {}) =>
			lookup<RgeLookup>('rge', siret, options.docId, async (s) => ({
				status: 'ok',
				siret: s,
				records: await fetchRgeHistory(config.rgeBaseUrl, s, directory),
				source: 'ademe',
				checkedAt: new Date(now()).toISOString()
			})),
		company: (siret, options = {}) =>
			lookup<CompanyLookup>('company', siret, options.docId, (s) =>
				fetchCompanyState(config.companyBaseUrl, s, { ...directory, now: new Date(now()) })
			)
	};
}
