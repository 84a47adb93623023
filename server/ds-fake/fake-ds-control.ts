/**
 * Drives a fake DS running in another process (Playwright, the demo) through its
 * `/__control/*` endpoints: the same mutations as the in-process `FakeDs`, but async.
 */
import type { DeletedDossierReason, DossierTarget, FakeDossier } from './dossier-store.ts';
import type { FakeDsDeletions, FakeDsStats, FakeDsTokens, FaultConfig } from './fake-ds-server.ts';

/** Async remote twin of `FakeDs`. */
export interface FakeDsControl {
	info(): Promise<{ url: string; origin: string; demarcheNumber: number; tokens: FakeDsTokens }>;
	stats(): Promise<FakeDsStats>;
	resetStats(): Promise<void>;
	setFaults(f: FaultConfig): Promise<void>;
	touch(target: DossierTarget): Promise<number[]>;
	remove(target: DossierTarget, reason?: DeletedDossierReason): Promise<number[]>;
	softDelete(target: DossierTarget): Promise<number[]>;
	restore(target: DossierTarget): Promise<number[]>;
	relabel(target: DossierTarget): Promise<number[]>;
	renameChampLabel(descriptorId: string, newLabel: string): Promise<void>;
	addDossiers(n: number): Promise<number[]>;
	truth(): Promise<FakeDossier[]>;
	deletions(): Promise<FakeDsDeletions>;
}

/** A control client for the fake DS at `origin` (e.g. http://127.0.0.1:4010). */
export function createFakeDsControl(origin: string, fetchImpl: typeof fetch = fetch): FakeDsControl {
	const call = async <T>(action: string, body?: unknown): Promise<T> => {
		const res = await fetchImpl(`${origin.replace(/\/$/, '')}/__control/${action}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
		const json = (await res.json()) as T & { error?: string };
		if (!res.ok) throw new Error(`DS local, ${action} : ${json.error ?? res.status}`);
		return json;
	};
	const targetBody = (target: DossierTarget): { numbers?: number[]; count?: number } =>
		'count' in target ? { count: target.count } : { numbers: [...target] };
	const numbers = async (action: string, body: unknown): Promise<number[]> =>
		(await call<{ numbers: number[] }>(action, body)).numbers;
	return {
		info: () => call('info'),
		stats: () => call('stats'),
		resetStats: async () => void (await call('resetStats', {})),
		setFaults: async (f) => void (await call('setFaults', f)),
		touch: (t) => numbers('touch', targetBody(t)),
		remove: (t, reason) => numbers('remove', { ...targetBody(t), reason }),
		softDelete: (t) => numbers('softDelete', targetBody(t)),
		restore: (t) => numbers('restore', targetBody(t)),
		relabel: (t) => numbers('relabel', targetBody(t)),
		renameChampLabel: async (descriptorId, label) =>
			void (await call('renameChampLabel', { descriptorId, label })),
		addDossiers: (n) => numbers('addDossiers', { count: n }),
		truth: () => call('truth'),
		deletions: () => call('deletions')
	};
}
