import type { GristBackend } from './grist-port.ts';
import { asTableColumns, type GristDocApi } from './grist-plugin-api.ts';
import type { CellValue, GristColumn, GristTable } from './grist-types.ts';

/** Same budget as REST so both adapters emit the same slices for the same input. */
export const PLUGIN_MAX_BODY_BYTES = 900_000;

/** GristBackend over the widget's `grist.docApi` (runs in the browser, inside Grist). */
export function createPluginBackend(docApi: GristDocApi): GristBackend {
	return {
		kind: 'plugin',
		maxBodyBytes: PLUGIN_MAX_BODY_BYTES,
		async listTables() {
			const [tables, columns] = await Promise.all([
				docApi.fetchTable('_grist_Tables'),
				docApi.fetchTable('_grist_Tables_column')
			]);
			return tablesFromMetadata(tables, columns);
		},
		async fetchTable(tableId) {
			return asTableColumns(await docApi.fetchTable(tableId));
		},
		async applyUserActions(actions) {
			const result = await docApi.applyUserActions(actions);
			return result.retValues;
		}
	};
}

/** Builds table descriptions from `_grist_Tables` and `_grist_Tables_column` metadata tables. */
export function tablesFromMetadata(
	tables: Record<string, CellValue[]>,
	columns: Record<string, CellValue[]>
): GristTable[] {
	const out = new Map<number, GristTable>();
	(tables.id ?? []).forEach((ref, i) => {
		const id = String(tables.tableId?.[i] ?? '');
		const summary = Number(tables.summarySourceTable?.[i] ?? 0);
		if (id && !summary) out.set(Number(ref), { id, columns: [] });
	});
	(columns.id ?? []).forEach((_, i) => {
		const table = out.get(Number(columns.parentId?.[i]));
		const colId = String(columns.colId?.[i] ?? '');
		if (!table || colId === 'manualSort' || colId.startsWith('gristHelper_')) return;
		table.columns.push(column(colId, columns, i));
	});
	return [...out.values()];
}

function column(id: string, columns: Record<string, CellValue[]>, i: number): GristColumn {
	return {
		id,
		type: String(columns.type?.[i] ?? 'Any'),
		label: String(columns.label?.[i] ?? id),
		isFormula: Boolean(columns.isFormula?.[i]),
		formula: String(columns.formula?.[i] ?? ''),
		widgetOptions: parseOptions(columns.widgetOptions?.[i])
	};
}

/** Parses a `widgetOptions` JSON string; anything unparsable counts as no options. */
export function parseOptions(raw: unknown): Record<string, unknown> {
	if (typeof raw !== 'string' || raw === '') return {};
	try {
		const parsed: unknown = JSON.parse(raw);
		return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
	} catch {
		return {};
	}
}
