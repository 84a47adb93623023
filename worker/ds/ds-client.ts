import { proxy, releaseProxy, wrap, type Endpoint, type Remote } from 'comlink';
import { fromErrorPayload } from '#widget/errors.ts';
import type { GristBackend } from '#widget/grist-port.ts';
import type { DsSyncProgress, DsSyncResult } from './ds-sync.ts';
import type { DsWorkerApi, DsWorkerRunRequest } from './ds-worker-api.ts';

/** The main thread's handle on the DS worker. */
export interface DsClient {
	/**
	 * Runs a sync in the worker; the page's GristBackend does the Grist calls. Resolves to the
	 * result, or throws a PasserelleError with its code and French message.
	 */
	run(
		request: Omit<DsWorkerRunRequest, 'grist'>,
		backend: GristBackend,
		onProgress?: (progress: DsSyncProgress) => void
	): Promise<DsSyncResult>;
	/** Cancels the current run (it stops cleanly and resolves with status `cancelled`). */
	cancel(): Promise<void>;
	/** Releases the worker link (terminates the worker when the client started it). */
	dispose(): void;
}

/** Starts the DS worker (Vite bundles `ds.worker.ts` as a module worker). */
export function startDsWorker(): Worker {
	return new Worker(new URL('./ds.worker.ts', import.meta.url), { type: 'module', name: 'passerelle-ds' });
}

/** Wraps a worker (or any comlink endpoint) exposing the DS worker API. */
export function createDsClient(endpoint: Endpoint = startDsWorker()): DsClient {
	const api: Remote<DsWorkerApi> = wrap<DsWorkerApi>(endpoint);
	let current: string | null = null;
	let counter = 0;
	return {
		async run(request, backend, onProgress) {
			const id = `run-${++counter}`;
			current = id;
			const ops = proxy({
				listTables: () => backend.listTables(),
				fetchTable: (tableId: string) => backend.fetchTable(tableId),
				applyUserActions: (actions: Parameters<GristBackend['applyUserActions']>[0]) =>
					backend.applyUserActions(actions)
			});
			const progress = proxy((p: DsSyncProgress) => onProgress?.(p));
			try {
				const outcome = await api.run(
					id,
					{ ...request, grist: { kind: backend.kind, maxBodyBytes: backend.maxBodyBytes } },
					ops,
					progress
				);
				if (!outcome.ok) throw fromErrorPayload(outcome.error);
				return outcome.result;
			} finally {
				if (current === id) current = null;
			}
		},
		async cancel() {
			if (current) await api.cancel(current);
		},
		dispose() {
			api[releaseProxy]();
			if (typeof Worker !== 'undefined' && endpoint instanceof Worker) endpoint.terminate();
		}
	};
}
