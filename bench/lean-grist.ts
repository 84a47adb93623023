import type { GristBackend } from '#widget/grist-port.ts';
import type { CellValue, GristTable, TableColumns, UserAction } from '#widget/grist-types.ts';
import { defaultCell } from '#widget/memory-backend.ts';
import { parseOptions } from '#widget/plugin-backend.ts';
import { REST_MAX_BODY_BYTES } from '#widget/rest-backend.ts';

interface LeanColumn {
	type: string;
	label: string;
	isFormula: boolean;
	formula: string;
	widgetOptions: string;
}

interface LeanTable {
	columns: Map<string, LeanColumn>;
	rows: Map<number, Record<string, CellValue>>;
	nextRowId: number;
}

/**
 * An in-memory GristBackend for benchmarks: the actions the GristPort sends, applied as Grist
 * does, but without the per-call snapshot of `createMemoryBackend` (which copies the whole
 * document on every call to make bundles atomic, and so grows with the document) and without
 * its action log. Benchmarks measure the engine, not the test double.
 */
export function createLeanGristBackend(): GristBackend & { rowCount(tableId: string): number } {
	const tables = new Map<string, LeanTable>();
	const table = (id: unknown): LeanTable => {
		const t = tables.get(String(id));
		if (!t) throw new Error(`Table not found "${String(id)}"`);
		return t;
	};
	const addColumn = (t: LeanTable, id: string, info: Record<string, unknown>) => {
		const col: LeanColumn = {
			type: String(info.type ?? 'Any'),
			label: String(info.label ?? id),
			isFormula: Boolean(info.isFormula),
			formula: String(info.formula ?? ''),
			widgetOptions: String(info.widgetOptions ?? '')
		};
		t.columns.set(id, col);
		for (const row of t.rows.values()) row[id] = defaultCell(col.type);
	};

	function apply(action: UserAction): unknown {
		const [name, ...args] = action;
		switch (name) {
			case 'AddTable': {
				const [id, cols] = args as [string, { id: string }[]];
				const t: LeanTable = { columns: new Map(), rows: new Map(), nextRowId: 1 };
				tables.set(id, t);
				for (const c of cols) addColumn(t, c.id, c);
				return { table_id: id };
			}
			case 'AddColumn': {
				const [id, colId, info] = args as [string, string, Record<string, unknown>];
				addColumn(table(id), colId, info);
				return { colId };
			}
			case 'ModifyColumn': {
				const [id, colId, fields] = args as [string, string, Record<string, unknown>];
				const col = table(id).columns.get(colId);
				if (!col) throw new Error(`Invalid column "${colId}"`);
				for (const k of ['type', 'label', 'formula', 'widgetOptions'] as const) {
					if (k in fields) col[k] = String(fields[k]);
				}
				return null;
			}
			case 'BulkAddRecord': {
				const [id, rowIds, values] = args as [string, unknown[], Record<string, CellValue[]>];
				const t = table(id);
				return rowIds.map((_, i) => {
					const rowId = t.nextRowId++;
					const row: Record<string, CellValue> = {};
					for (const [c, col] of t.columns) row[c] = defaultCell(col.type);
					for (const [c, arr] of Object.entries(values)) row[c] = arr[i] ?? null;
					t.rows.set(rowId, row);
					return rowId;
				});
			}
			case 'BulkUpdateRecord': {
				const [id, rowIds, values] = args as [string, number[], Record<string, CellValue[]>];
				const t = table(id);
				rowIds.forEach((rowId, i) => {
					const row = t.rows.get(rowId);
					if (!row) throw new Error(`Invalid row id ${rowId}`);
					for (const [c, arr] of Object.entries(values)) row[c] = arr[i] ?? null;
				});
				return null;
			}
			case 'BulkRemoveRecord': {
				const [id, rowIds] = args as [string, number[]];
				const t = table(id);
				for (const rowId of rowIds) t.rows.delete(rowId);
				return null;
			}
			default:
				throw new Error(`Unknown action ${String(name)}`);
		}
	}

	return {
		kind: 'rest',
		maxBodyBytes: REST_MAX_BODY_BYTES,
		rowCount: (id) => tables.get(id)?.rows.size ?? 0,
		async listTables(): Promise<GristTable[]> {
			return [...tables].map(([id, t]) => ({
				id,
				columns: [...t.columns].map(([colId, c]) => ({
					id: colId,
					type: c.type,
					label: c.label,
					isFormula: c.isFormula,
					formula: c.formula,
					widgetOptions: parseOptions(c.widgetOptions)
				}))
			}));
		},
		async fetchTable(tableId): Promise<TableColumns> {
			const t = table(tableId);
			const ids = [...t.rows.keys()];
			const out: Record<string, CellValue[]> = {};
			for (const c of t.columns.keys()) out[c] = ids.map((id) => t.rows.get(id)![c] ?? null);
			return { ...out, id: ids } as TableColumns;
		},
		async applyUserActions(actions) {
			return actions.map(apply);
		}
	};
}
