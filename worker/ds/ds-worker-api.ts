import { toErrorPayload, type ErrorPayload } from '#widget/errors.ts';
import { createGristPort, type GristBackend } from '#widget/grist-port.ts';
import { loadDsState, saveDsState, dsStateKey, type DsSyncState } from './ds-state.ts';
import { runDsSync, type DsSyncOptions, type DsSyncProgress, type DsSyncResult } from './ds-sync.ts';
import { createTokenBucket } from './ds-throttle.ts';
import { createHttpProxyTransport } from './ds-transport.ts';
import { defaultTablePrefix } from './form-plan.ts';

/**
 * The Grist operations the main thread lends to the worker (the worker cannot reach
 * `window.grist`): comlink turns each call into a message to the page.
 */
export type GristOps = Pick<GristBackend, 'listTables' | 'fetchTable' | 'applyUserActions'>;

/** A run as the page asks for it; everything here is structured-cloneable. */
export interface DsWorkerRunRequest {
	demarche: number;
	/** Sync options (a rate limiter cannot cross the boundary: give `requestsPerMinute`). */
	options?: Omit<DsSyncOptions, 'rateLimiter'>;
	/** Our server's DS route and the headers proving the caller (e.g. a Grist access token). */
	proxy: { url: string; headers?: Record<string, string> };
	/** What the page's GristBackend is. */
	grist: { kind: GristBackend['kind']; maxBodyBytes: number };
	/**
	 * `'grist'` (default): load and save the state in `Passerelle_etat`, shared with the server;
	 * or an explicit state (null = first run) that the result gives back.
	 */
	state?: DsSyncState | null | 'grist';
}

/** What a run returns across the boundary: never a thrown error, which would lose its code. */
export type DsWorkerOutcome = { ok: true; result: DsSyncResult } | { ok: false; error: ErrorPayload };

/** The API the worker exposes. */
export interface DsWorkerApi {
	run(
		id: string,
		request: DsWorkerRunRequest,
		grist: GristOps,
		onProgress?: (progress: DsSyncProgress) => void
	): Promise<DsWorkerOutcome>;
	/** Stops a run cleanly; what was written stays. */
	cancel(id: string): void;
}

/** Builds the worker API (exposed by `ds.worker.ts`; tests expose it on a MessageChannel). */
export function createDsWorkerApi(deps: { fetch?: typeof fetch } = {}): DsWorkerApi {
	const runs = new Map<string, AbortController>();
	const limiters = new Map<string, ReturnType<typeof createTokenBucket>>();

	return {
		async run(id, request, ops, onProgress) {
			const controller = new AbortController();
			runs.set(id, controller);
			try {
				const backend: GristBackend = {
					kind: request.grist.kind,
					maxBodyBytes: request.grist.maxBodyBytes,
					listTables: () => ops.listTables(),
					fetchTable: (t) => ops.fetchTable(t),
					applyUserActions: (a) => ops.applyUserActions(a)
				};
				const grist = createGristPort(backend);
				const prefix = request.options?.tablePrefix ?? defaultTablePrefix(request.demarche);
				const key = dsStateKey(request.demarche, prefix);
				const shared = request.state === undefined || request.state === 'grist';
				const state = shared ? await loadDsState(grist, key) : (request.state as DsSyncState | null);
				// One bucket per proxy URL in this worker: runs of one page share the budget.
				const perMinute = request.options?.requestsPerMinute ?? 200;
				const limiterKey = `${request.proxy.url}\u0000${perMinute}`;
				let limiter = limiters.get(limiterKey);
				if (!limiter) limiters.set(limiterKey, (limiter = createTokenBucket({ perMinute })));
				const result = await runDsSync({
					transport: createHttpProxyTransport(deps.fetch ?? fetch, request.proxy.url, request.proxy.headers),
					grist,
					demarche: request.demarche,
					options: { ...request.options, rateLimiter: limiter },
					state,
					signal: controller.signal,
					onProgress: (p) => onProgress?.(p)
				});
				if (shared && result.state) await saveDsState(grist, key, result.state, Date.now());
				return { ok: true, result };
			} catch (error) {
				return { ok: false, error: toErrorPayload(error) };
			} finally {
				runs.delete(id);
			}
		},
		cancel(id) {
			runs.get(id)?.abort();
		}
	};
}
