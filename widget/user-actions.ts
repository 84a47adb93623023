import type { CellValue, Row, UserAction } from './grist-types.ts';
import type { ColumnSpec } from './table-spec.ts';

/**
 * User-action builders shared by every adapter: the plugin-api adapter and the REST adapter
 * send exactly these arrays, so the same input gives the same tables.
 */

/** Column info for AddTable / AddColumn (Grist keeps labels tied to ids unless told otherwise). */
export function columnInfo(col: ColumnSpec): Record<string, unknown> {
	const info: Record<string, unknown> = {
		type: col.type,
		isFormula: col.formula !== undefined,
		formula: col.formula ?? '',
		label: col.label ?? col.id,
		untieColIdFromLabel: true
	};
	if (col.choices) info.widgetOptions = JSON.stringify({ choices: col.choices });
	if (col.description) info.description = col.description;
	return info;
}

/** `AddTable` with typed columns; labels and options are applied by `modifyColumn` right after. */
export function addTable(tableId: string, columns: ColumnSpec[]): UserAction {
	return [
		'AddTable',
		tableId,
		columns.map((c) => ({
			id: c.id,
			type: c.type,
			isFormula: c.formula !== undefined,
			formula: c.formula ?? ''
		}))
	];
}

/** `AddColumn` with type, label (untied from the id) and choices. */
export function addColumn(tableId: string, col: ColumnSpec): UserAction {
	return ['AddColumn', tableId, col.id, columnInfo(col)];
}

/** `ModifyColumn`: only the given fields change. */
export function modifyColumn(tableId: string, colId: string, fields: Record<string, unknown>): UserAction {
	return ['ModifyColumn', tableId, colId, fields];
}

/** `BulkAddRecord` for rows that all carry the same columns. */
export function bulkAdd(tableId: string, columns: string[], rows: Row[]): UserAction {
	return ['BulkAddRecord', tableId, rows.map(() => null), columnValues(columns, rows)];
}

/** `BulkUpdateRecord` for rows that all carry the same columns. */
export function bulkUpdate(tableId: string, rowIds: number[], columns: string[], rows: Row[]): UserAction {
	return ['BulkUpdateRecord', tableId, rowIds, columnValues(columns, rows)];
}

/** `BulkRemoveRecord`. */
export function bulkRemove(tableId: string, rowIds: number[]): UserAction {
	return ['BulkRemoveRecord', tableId, rowIds];
}

function columnValues(columns: string[], rows: Row[]): Record<string, CellValue[]> {
	const out: Record<string, CellValue[]> = {};
	for (const c of columns) out[c] = rows.map((r) => r[c] ?? null);
	return out;
}

/** Bytes of the JSON text of a value, as an HTTP body would carry it. */
export function jsonBytes(value: unknown): number {
	return new TextEncoder().encode(JSON.stringify(value)).length;
}

/**
 * Splits rows into consecutive slices whose bulk action stays under `maxBytes` once serialised.
 * A single row larger than the budget gets a slice of its own (the backend will refuse it).
 */
export function sliceByBytes<T>(
	items: T[],
	maxBytes: number,
	overheadBytes: number,
	// Each row costs its values plus separators in every column array; JSON of the row approximates it.
	costOf: (item: T) => number = (item) => jsonBytes(item) + 8
): T[][] {
	const slices: T[][] = [];
	let current: T[] = [];
	let size = overheadBytes;
	for (const item of items) {
		const cost = costOf(item);
		if (current.length > 0 && size + cost > maxBytes) {
			slices.push(current);
			current = [];
			size = overheadBytes;
		}
		current.push(item);
		size += cost;
	}
	if (current.length > 0) slices.push(current);
	return slices;
}
