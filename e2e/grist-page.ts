import type { Frame } from '@playwright/test';
import type { CellValue } from '../widget/grist-types.ts';

/** Column metadata of a table, read from Grist's own `_grist_Tables_column` (not from our code). */
export async function columnsOf(
	grist: Frame,
	tableId: string
): Promise<Record<string, { type: string; label: string; widgetOptions: string }>> {
	return grist.evaluate(async (table) => {
		const w = window as unknown as {
			gristDocPageModel: {
				gristDoc: {
					get(): {
						docComm: {
							fetchTable(
								t: string
							): Promise<{ tableData: [string, string, number[], Record<string, unknown[]>] }>;
						};
					};
				};
			};
		};
		const comm = w.gristDocPageModel.gristDoc.get().docComm;
		const tables = (await comm.fetchTable('_grist_Tables')).tableData;
		const ref = tables[2][tables[3].tableId!.indexOf(table)];
		const cols = (await comm.fetchTable('_grist_Tables_column')).tableData;
		const out: Record<string, { type: string; label: string; widgetOptions: string }> = {};
		cols[2].forEach((_, i) => {
			if (cols[3].parentId![i] !== ref) return;
			const id = String(cols[3].colId![i]);
			if (id === 'manualSort') return;
			out[id] = {
				type: String(cols[3].type![i]),
				label: String(cols[3].label![i]),
				widgetOptions: String(cols[3].widgetOptions![i] ?? '')
			};
		});
		return out;
	}, tableId);
}

/** Rows of a table as Grist's data engine holds them (`docComm.fetchTable`), without manualSort. */
export async function rowsOf(grist: Frame, tableId: string): Promise<Record<string, CellValue>[]> {
	return grist.evaluate(async (table) => {
		const w = window as unknown as {
			gristDocPageModel: {
				gristDoc: {
					get(): {
						docComm: {
							fetchTable(
								t: string
							): Promise<{ tableData: [string, string, number[], Record<string, unknown[]>] }>;
						};
					};
				};
			};
		};
		const data = (await w.gristDocPageModel.gristDoc.get().docComm.fetchTable(table)).tableData;
		const cols = Object.keys(data[3]).filter((c) => c !== 'manualSort');
		return data[2].map((id, i) => Object.fromEntries([['id', id], ...cols.map((c) => [c, data[3][c]![i]])]));
	}, tableId) as Promise<Record<string, CellValue>[]>;
}

/**
 * A `fetch` that sends each request to Grist's own REST API running inside the page
 * (`gristOverrides.expressApp`), so our REST adapter can talk to a real Grist in grist-static.
 */
export function inPageGristFetch(grist: Frame): typeof fetch {
	return (async (input: string | URL | Request, init?: RequestInit) => {
		const url = new URL(String(input));
		const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
		const result = await grist.evaluate(
			async ({ method, path, body }) => {
				const w = window as unknown as {
					gristOverrides: { expressApp: { run(req: unknown): Promise<{ data?: unknown; status?: number }> } };
				};
				try {
					const r = await w.gristOverrides.expressApp.run({ method, path, body });
					const data = typeof r.data === 'string' ? JSON.parse(r.data) : r.data;
					return { status: r.status ?? 200, data };
				} catch (e) {
					const err = e as { status?: number; message?: string };
					return { status: err.status ?? 500, data: { error: err.message ?? String(e) } };
				}
			},
			{ method: (init?.method ?? 'GET').toLowerCase(), path: url.pathname + url.search, body }
		);
		return new Response(JSON.stringify(result.data ?? null), {
			status: result.status,
			headers: { 'Content-Type': 'application/json' }
		});
	}) as typeof fetch;
}

/** The document id grist-static gives the demo document. */
export function docIdOf(grist: Frame): Promise<string> {
	return grist.evaluate(
		() => (window as unknown as { gristOverrides: { fakeDocId: string } }).gristOverrides.fakeDocId
	);
}
