import { PasserelleError } from './errors.ts';
import type { GristBackend } from './grist-port.ts';
import type { CellValue, GristTable, TableColumns, UserAction } from './grist-types.ts';
import { parseOptions } from './plugin-backend.ts';
import { REST_MAX_BODY_BYTES } from './rest-backend.ts';

/** One column of an in-memory document, with the metadata fields Grist keeps. */
interface MemoryColumn {
	colRef: number;
	type: string;
	label: string;
	isFormula: boolean;
	formula: string;
	widgetOptions: string;
	untieColIdFromLabel: boolean;
	description: string;
}

interface MemoryTable {
	tableRef: number;
	columns: Map<string, MemoryColumn>;
	rows: Map<number, Record<string, CellValue>>;
	nextRowId: number;
}

/** An in-memory Grist document that applies user actions the way Grist's data engine does. */
export interface MemoryDocument {
	apply(actions: UserAction[]): unknown[];
	listTables(): GristTable[];
	fetchTable(tableId: string, options?: { hidden?: boolean }): TableColumns;
	/** Metadata of one table's columns, with the fields Grist's REST API returns. */
	columnFields(tableId: string): { id: string; fields: Record<string, unknown> }[];
	hasTable(tableId: string): boolean;
	/** Number of user actions applied so far (each bulk action counts once). */
	readonly actionCount: number;
}

/** Grist's default for an empty cell of each type. */
export function defaultCell(type: string): CellValue {
	const base = type.split(':')[0];
	switch (base) {
		case 'Text':
		case 'Choice':
			return '';
		case 'Numeric':
		case 'Int':
		case 'Ref':
		case 'ManualSortPos':
			return 0;
		case 'Bool':
			return false;
		default:
			return null;
	}
}

/** Grist turns free text into a valid identifier the same way for tables and columns. */
function sanitizeId(raw: string, table: boolean): string {
	let id = raw.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+/, '');
	if (!/^[A-Za-z]/.test(id)) id = `${table ? 'T' : 'c'}${id}`;
	if (table) id = id.charAt(0).toUpperCase() + id.slice(1);
	return id;
}

function uniqueId(base: string, taken: (id: string) => boolean): string {
	if (!taken(base)) return base;
	for (let n = 2; ; n++) if (!taken(`${base}_${n}`)) return `${base}_${n}`;
}

/** Creates an empty in-memory document (like a new Grist document, minus Table1). */
export function createMemoryDocument(): MemoryDocument {
	const tables = new Map<string, MemoryTable>();
	let nextRef = 1;
	let actionCount = 0;

	const tableOf = (tableId: unknown): MemoryTable => {
		const t = tables.get(String(tableId));
		if (!t)
			throw new PasserelleError('grist_not_found', `Table not found "${String(tableId)}"`, false, {
				details: { status: 404 }
			});
		return t;
	};
	const columnOf = (table: MemoryTable, tableId: string, colId: unknown): MemoryColumn => {
		const c = table.columns.get(String(colId));
		if (!c)
			throw new PasserelleError('grist_bad_request', `Invalid column "${String(colId)}"`, false, {
				details: { status: 400, tableId }
			});
		return c;
	};

	function addColumn(table: MemoryTable, rawId: string, info: Record<string, unknown>): string {
		const colId = uniqueId(sanitizeId(rawId, false), (id) => table.columns.has(id) || id === 'id');
		const col: MemoryColumn = {
			colRef: nextRef++,
			type: String(info.type ?? 'Any'),
			label: String(info.label ?? colId),
			isFormula: Boolean(info.isFormula),
			formula: String(info.formula ?? ''),
			widgetOptions: String(info.widgetOptions ?? ''),
			untieColIdFromLabel: Boolean(info.untieColIdFromLabel),
			description: String(info.description ?? '')
		};
		table.columns.set(colId, col);
		for (const row of table.rows.values()) row[colId] = defaultCell(col.type);
		return colId;
	}

	function checkColumns(table: MemoryTable, tableId: string, values: Record<string, unknown>): void {
		for (const colId of Object.keys(values)) columnOf(table, tableId, colId);
	}

	function applyOne(action: UserAction): unknown {
		const [name, ...args] = action;
		switch (name) {
			case 'AddTable': {
				const [rawId, cols] = args as [string, { id: string; [k: string]: unknown }[]];
				const tableId = uniqueId(sanitizeId(rawId, true), (id) => tables.has(id));
				const table: MemoryTable = { tableRef: nextRef++, columns: new Map(), rows: new Map(), nextRowId: 1 };
				tables.set(tableId, table);
				addColumn(table, 'manualSort', { type: 'ManualSortPos' });
				const columns = cols.map((c) => addColumn(table, c.id, c));
				return { id: table.tableRef, table_id: tableId, columns };
			}
			case 'AddColumn': {
				const [tableId, colId, info] = args as [string, string, Record<string, unknown>];
				const table = tableOf(tableId);
				const id = addColumn(table, colId, info ?? {});
				return { colRef: table.columns.get(id)!.colRef, colId: id };
			}
			case 'ModifyColumn': {
				const [tableId, colId, fields] = args as [string, string, Record<string, unknown>];
				const table = tableOf(tableId);
				const col = columnOf(table, tableId, colId);
				for (const [k, v] of Object.entries(fields)) {
					if (k === 'type') col.type = String(v);
					else if (k === 'label') col.label = String(v);
					else if (k === 'isFormula') col.isFormula = Boolean(v);
					else if (k === 'formula') col.formula = String(v);
					else if (k === 'widgetOptions') col.widgetOptions = String(v);
					else if (k === 'untieColIdFromLabel') col.untieColIdFromLabel = Boolean(v);
					else if (k === 'description') col.description = String(v);
				}
				// Like Grist: a label change renames the column id unless the two are untied.
				if ('label' in fields && !col.untieColIdFromLabel) {
					const wanted = sanitizeId(col.label, false);
					if (wanted !== colId) {
						const newId = uniqueId(wanted, (id) => table.columns.has(id));
						table.columns.delete(colId);
						table.columns.set(newId, col);
						for (const row of table.rows.values()) {
							row[newId] = row[colId] ?? null;
							delete row[colId];
						}
					}
				}
				return null;
			}
			case 'RemoveColumn': {
				const [tableId, colId] = args as [string, string];
				const table = tableOf(tableId);
				columnOf(table, tableId, colId);
				table.columns.delete(colId);
				for (const row of table.rows.values()) delete row[colId];
				return null;
			}
			case 'RemoveTable': {
				tableOf(args[0]);
				tables.delete(String(args[0]));
				return null;
			}
			case 'AddRecord':
				return (
					applyOne(['BulkAddRecord', args[0], [args[1]], mapValues(args[2], (v) => [v])]) as number[]
				)[0];
			case 'UpdateRecord':
				return applyOne(['BulkUpdateRecord', args[0], [args[1]], mapValues(args[2], (v) => [v])]);
			case 'RemoveRecord':
				return applyOne(['BulkRemoveRecord', args[0], [args[1]]]);
			case 'BulkAddRecord': {
				const [tableId, rowIds, values] = args as [string, (number | null)[], Record<string, CellValue[]>];
				const table = tableOf(tableId);
				checkColumns(table, tableId, values ?? {});
				const ids: number[] = [];
				rowIds.forEach((wanted, i) => {
					const id = wanted ?? table.nextRowId;
					table.nextRowId = Math.max(table.nextRowId, id + 1);
					const row: Record<string, CellValue> = {};
					for (const [colId, col] of table.columns) row[colId] = defaultCell(col.type);
					row.manualSort = id;
					for (const [colId, arr] of Object.entries(values ?? {})) row[colId] = arr[i] ?? null;
					table.rows.set(id, row);
					ids.push(id);
				});
				return ids;
			}
			case 'BulkUpdateRecord': {
				const [tableId, rowIds, values] = args as [string, number[], Record<string, CellValue[]>];
				const table = tableOf(tableId);
				checkColumns(table, tableId, values ?? {});
				rowIds.forEach((id, i) => {
					const row = table.rows.get(id);
					if (!row)
						throw new PasserelleError('grist_bad_request', `Invalid row id ${id} in ${tableId}`, false, {
							details: { status: 400 }
						});
					for (const [colId, arr] of Object.entries(values)) row[colId] = arr[i] ?? null;
				});
				return null;
			}
			case 'BulkRemoveRecord': {
				const [tableId, rowIds] = args as [string, number[]];
				const table = tableOf(tableId);
				for (const id of rowIds) table.rows.delete(id);
				return null;
			}
			default:
				throw new PasserelleError('grist_bad_request', `Unknown action ${String(name)}`, false, {
					details: { status: 500 }
				});
		}
	}

	return {
		apply(actions) {
			// Grist applies a bundle atomically: work on a snapshot and keep it only if all succeed.
			const snapshot = structuredClone([...tables.entries()]);
			const refBefore = nextRef;
			try {
				const results = actions.map(applyOne);
				actionCount += actions.length;
				return results;
			} catch (error) {
				tables.clear();
				for (const [k, v] of snapshot) tables.set(k, v);
				nextRef = refBefore;
				throw error;
			}
		},
		listTables() {
			return [...tables.entries()].map(([id, t]) => ({
				id,
				columns: [...t.columns.entries()]
					.filter(([colId]) => colId !== 'manualSort')
					.map(([colId, c]) => ({
						id: colId,
						type: c.type,
						label: c.label,
						isFormula: c.isFormula,
						formula: c.formula,
						widgetOptions: parseOptions(c.widgetOptions)
					}))
			}));
		},
		fetchTable(tableId, options = { hidden: true }) {
			const table = tableOf(tableId);
			const ids = [...table.rows.keys()].sort((a, b) => a - b);
			const out: Record<string, CellValue[]> = {};
			for (const colId of table.columns.keys()) {
				if (colId === 'manualSort' && !options.hidden) continue;
				out[colId] = ids.map((id) => table.rows.get(id)![colId] ?? null);
			}
			return { ...out, id: ids } as TableColumns;
		},
		columnFields(tableId) {
			const table = tableOf(tableId);
			return [...table.columns.entries()].map(([id, c]) => ({
				id,
				fields: {
					colRef: c.colRef,
					parentId: table.tableRef,
					type: c.type,
					label: c.label,
					isFormula: c.isFormula,
					formula: c.formula,
					widgetOptions: c.widgetOptions,
					untieColIdFromLabel: c.untieColIdFromLabel,
					description: c.description
				}
			}));
		},
		hasTable: (tableId) => tables.has(tableId),
		get actionCount() {
			return actionCount;
		}
	};
}

function mapValues(obj: unknown, fn: (v: unknown) => unknown): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries((obj ?? {}) as Record<string, unknown>).map(([k, v]) => [k, fn(v)])
	);
}

/** A GristBackend over an in-memory document, for unit tests and benchmarks. */
export function createMemoryBackend(doc: MemoryDocument = createMemoryDocument()): GristBackend & {
	doc: MemoryDocument;
	/** Every batch of actions applied, in order. */
	log: UserAction[][];
} {
	const log: UserAction[][] = [];
	return {
		kind: 'memory',
		maxBodyBytes: REST_MAX_BODY_BYTES,
		doc,
		log,
		listTables: async () => doc.listTables(),
		fetchTable: async (tableId) => doc.fetchTable(tableId),
		applyUserActions: async (actions) => {
			log.push(structuredClone(actions));
			return doc.apply(actions);
		}
	};
}
