import { randomUUID } from 'node:crypto';
import type { TableSpec } from '#widget/table-spec.ts';
import type { SyncJobHandler } from '../sync-job.ts';

/** Table the handler fills with numbers 1…pages×pageSize. */
export const NUMBERS_TABLE = 'Numeros';
/** Table the handler appends one row to per attempt it starts (to count executions). */
export const EXECUTIONS_TABLE = 'Executions';

const NUMBERS_SPEC: TableSpec = {
	id: NUMBERS_TABLE,
	columns: [
		{ id: 'numero', type: 'Int', label: 'Numéro' },
		{ id: 'page', type: 'Int', label: 'Page' },
		{ id: 'libelle', type: 'Text', label: 'Libellé' }
	]
};

const EXECUTIONS_SPEC: TableSpec = {
	id: EXECUTIONS_TABLE,
	columns: [
		{ id: 'execution', type: 'Text', label: 'Exécution' },
		{ id: 'run_id', type: 'Text', label: 'Run' },
		{ id: 'attempt', type: 'Int', label: 'Essai' },
		{ id: 'fire_time', type: 'Text', label: 'Déclenchement' },
		{ id: 'first_page', type: 'Int', label: 'Première page' },
		{ id: 'instance', type: 'Text', label: 'Instance' }
	]
};

/** How the numbered-rows handler behaves. */
export interface NumberedRowsOptions {
	pages: number;
	pageSize: number;
	/** Pause after each page, so a test can kill the process mid-run. */
	pageDelayMs?: number;
	/** Written in `Executions.instance`. */
	instance?: string;
	/** Called after each page is written and checkpointed. */
	onPage?: (page: number) => void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal.aborted) return reject(signal.reason);
		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal.reason);
		};
		signal.addEventListener('abort', onAbort, { once: true });
	});
}

/**
 * A real but simple sync for tests: writes numbered rows into Grist over REST page by page,
 * upserting by number and saving `{ nextPage }` after each page, so a resumed attempt starts
 * where the dead one stopped and a replayed page never duplicates a row.
 */
export function createNumberedRowsHandler(options: NumberedRowsOptions): SyncJobHandler {
	return async (job, ctx) => {
		const saved = ctx.checkpoint as { nextPage?: number } | null;
		const firstPage = saved?.nextPage ?? 1;
		await ctx.grist.ensureTable(EXECUTIONS_SPEC);
		await ctx.grist.upsert(
			EXECUTIONS_TABLE,
			[
				{
					execution: randomUUID(),
					run_id: job.runId,
					attempt: job.attempt,
					fire_time: job.fireTime ?? '',
					first_page: firstPage,
					instance: options.instance ?? ''
				}
			],
			{ key: ['execution'] }
		);
		await ctx.grist.ensureTable(NUMBERS_SPEC);
		let written = 0;
		for (let page = firstPage; page <= options.pages; page++) {
			ctx.signal.throwIfAborted();
			const rows = Array.from({ length: options.pageSize }, (_, i) => {
				const numero = (page - 1) * options.pageSize + i + 1;
				return { numero, page, libelle: `Dossier n° ${numero}` };
			});
			const result = await ctx.grist.upsert(NUMBERS_TABLE, rows, { key: ['numero'], signal: ctx.signal });
			written += result.added + result.updated;
			await ctx.saveCheckpoint({ nextPage: page + 1 });
			options.onPage?.(page);
			if (options.pageDelayMs) await sleep(options.pageDelayMs, ctx.signal);
		}
		return {
			dossiers: (options.pages - firstPage + 1) * options.pageSize,
			rowsWritten: written,
			message: firstPage > 1 ? `Reprise à la page ${firstPage}.` : undefined,
			details: { firstPage }
		};
	};
}
