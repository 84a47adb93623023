import { PasserelleError } from './errors.ts';
import type { GristBackend } from './grist-port.ts';
import type { CellValue, GristTable, TableColumns, UserAction } from './grist-types.ts';
import { parseOptions } from './plugin-backend.ts';
import { REST_MAX_BODY_BYTES } from './rest-backend.ts';

/** One column of an in-memory document, with the metadata fields Grist keeps and its cells. */
interface MemoryColumn {
	colRef: number;
	type: string;
	label: string;
	isFormula: boolean;
	formula: string;
	widgetOptions: string;
	untieColIdFromLabel: boolean;
	description: string;
	/** One cell per slot of the table (removed slots keep a stale value). */
	values: CellValue[];
}

/** The metadata of a column (what ModifyColumn may change), without its cells. */
type ColumnMeta = Omit<MemoryColumn, 'values'>;

/**
 * A table stored by column: row `ids[slot]` has its cells at `values[slot]` of every column.
 * Removed rows leave a hole (id 0) until the table is compacted after a bundle.
 */
interface MemoryTable {
	tableRef: number;
	columns: Map<string, MemoryColumn>;
	ids: number[];
	slots: Map<number, number>;
	removed: number;
	/** True while live row ids increase with their slot (fetching needs no sort). */
	sorted: boolean;
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
	// Grist applies a bundle atomically: each change records how to undo itself, and a failed
	// bundle is rolled back in reverse order (cost of the change, not of the document).
	let undo: (() => void)[] = [];

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
	/** Remembers the column order of a table, to restore it on rollback. */
	const keepColumnOrder = (table: MemoryTable): void => {
		const before = [...table.columns];
		undo.push(() => {
			table.columns.clear();
			for (const [id, col] of before) table.columns.set(id, col);
		});
	};

	function addColumn(table: MemoryTable, rawId: string, info: Record<string, unknown>): string {
		const colId = uniqueId(sanitizeId(rawId, false), (id) => table.columns.has(id) || id === 'id');
		const type = String(info.type ?? 'Any');
		const col: MemoryColumn = {
			colRef: nextRef++,
			type,
			label: String(info.label ?? colId),
			isFormula: Boolean(info.isFormula),
			formula: String(info.formula ?? ''),
			widgetOptions: String(info.widgetOptions ?? ''),
			untieColIdFromLabel: Boolean(info.untieColIdFromLabel),
			description: String(info.description ?? ''),
			values: new Array<CellValue>(table.ids.length).fill(defaultCell(type))
		};
		table.columns.set(colId, col);
		undo.push(() => table.columns.delete(colId));
		return colId;
	}

	function checkColumns(table: MemoryTable, tableId: string, values: Record<string, unknown>): void {
		for (const colId of Object.keys(values)) columnOf(table, tableId, colId);
	}

	/** Slots of the live rows, by increasing row id. */
	function liveSlots(table: MemoryTable): number[] {
		const slots: number[] = [];
		table.ids.forEach((id, slot) => {
			if (id !== 0) slots.push(slot);
		});
		if (!table.sorted) slots.sort((a, b) => table.ids[a]! - table.ids[b]!);
		return slots;
	}

	/** Drops the holes left by removed rows once they are many (never inside a bundle). */
	function compact(table: MemoryTable): void {
		if (table.removed < 1024 || table.removed * 2 < table.ids.length) return;
		const keep = liveSlots(table);
		for (const col of table.columns.values()) col.values = keep.map((slot) => col.values[slot] ?? null);
		table.ids = keep.map((slot) => table.ids[slot]!);
		table.slots = new Map(table.ids.map((id, slot) => [id, slot]));
		table.removed = 0;
		table.sorted = true;
	}

	function applyOne(action: UserAction): unknown {
		const [name, ...args] = action;
		switch (name) {
			case 'AddTable': {
				const [rawId, cols] = args as [string, { id: string; [k: string]: unknown }[]];
				const tableId = uniqueId(sanitizeId(rawId, true), (id) => tables.has(id));
				const table: MemoryTable = {
					tableRef: nextRef++,
					columns: new Map(),
					ids: [],
					slots: new Map(),
					removed: 0,
					sorted: true,
					nextRowId: 1
				};
				tables.set(tableId, table);
				undo.push(() => tables.delete(tableId));
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
				const { values: _values, ...meta } = col;
				undo.push(() => Object.assign(col, meta satisfies ColumnMeta));
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
						keepColumnOrder(table);
						table.columns.delete(colId);
						table.columns.set(newId, col);
					}
				}
				return null;
			}
			case 'RemoveColumn': {
				const [tableId, colId] = args as [string, string];
				const table = tableOf(tableId);
				columnOf(table, tableId, colId);
				keepColumnOrder(table);
				table.columns.delete(colId);
				return null;
			}
			case 'RemoveTable': {
				tableOf(args[0]);
				const before = [...tables];
				undo.push(() => {
					tables.clear();
					for (const [id, t] of before) tables.set(id, t);
				});
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
				const length = table.ids.length;
				const { nextRowId, sorted } = table;
				let lastId = table.ids.findLast((x) => x !== 0) ?? 0;
				const replaced: { slot: number; cells: [MemoryColumn, CellValue][] }[] = [];
				const columns = [...table.columns.values()];
				const manualSort = table.columns.get('manualSort');
				const given = new Map(
					Object.entries(values ?? {}).map(([colId, arr]) => [table.columns.get(colId)!, arr] as const)
				);
				// Per column: the given cells, else the manual sort position, else the type's default.
				const fill = columns.map((col) => ({
					col,
					given: given.get(col),
					sortPosition: col === manualSort,
					empty: defaultCell(col.type)
				}));
				undo.push(() => {
					for (const id of table.ids.slice(length)) table.slots.delete(id);
					table.ids.length = length;
					for (const col of columns) col.values.length = length;
					for (const r of replaced.reverse()) for (const [col, v] of r.cells) col.values[r.slot] = v;
					table.nextRowId = nextRowId;
					table.sorted = sorted;
				});
				const ids: number[] = [];
				rowIds.forEach((wanted, i) => {
					const id = wanted ?? table.nextRowId;
					table.nextRowId = Math.max(table.nextRowId, id + 1);
					let slot = table.slots.get(id);
					if (slot === undefined) {
						slot = table.ids.length;
						if (id < lastId) table.sorted = false;
						lastId = Math.max(lastId, id);
						table.ids.push(id);
						table.slots.set(id, slot);
						for (const f of fill)
							f.col.values.push(f.given ? (f.given[i] ?? null) : f.sortPosition ? id : f.empty);
					} else {
						// Grist replaces a row added again under the same id.
						replaced.push({ slot, cells: columns.map((col) => [col, col.values[slot!] ?? null]) });
						for (const f of fill)
							f.col.values[slot] = f.given ? (f.given[i] ?? null) : f.sortPosition ? id : f.empty;
					}
					ids.push(id);
				});
				return ids;
			}
			case 'BulkUpdateRecord': {
				const [tableId, rowIds, values] = args as [string, number[], Record<string, CellValue[]>];
				const table = tableOf(tableId);
				checkColumns(table, tableId, values ?? {});
				const given = Object.entries(values).map(([colId, arr]) => [table.columns.get(colId)!, arr] as const);
				const previous: [CellValue[], number, CellValue][] = [];
				undo.push(() => {
					for (const [cells, slot, v] of previous.reverse()) cells[slot] = v;
				});
				rowIds.forEach((id, i) => {
					const slot = table.slots.get(id);
					if (slot === undefined)
						throw new PasserelleError('grist_bad_request', `Invalid row id ${id} in ${tableId}`, false, {
							details: { status: 400 }
						});
					for (const [col, arr] of given) {
						previous.push([col.values, slot, col.values[slot] ?? null]);
						col.values[slot] = arr[i] ?? null;
					}
				});
				return null;
			}
			case 'BulkRemoveRecord': {
				const [tableId, rowIds] = args as [string, number[]];
				const table = tableOf(tableId);
				const gone: [number, number][] = [];
				undo.push(() => {
					for (const [id, slot] of gone.reverse()) {
						table.ids[slot] = id;
						table.slots.set(id, slot);
						table.removed--;
					}
				});
				for (const id of rowIds) {
					const slot = table.slots.get(id);
					if (slot === undefined) continue;
					table.ids[slot] = 0;
					table.slots.delete(id);
					table.removed++;
					gone.push([id, slot]);
				}
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
			undo = [];
			const refBefore = nextRef;
			try {
				const results = actions.map(applyOne);
				actionCount += actions.length;
				for (const table of tables.values()) compact(table);
				return results;
			} catch (error) {
				for (const step of undo.reverse()) step();
				nextRef = refBefore;
				throw error;
			} finally {
				undo = [];
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
			const whole = table.removed === 0 && table.sorted;
			const slots = whole ? null : liveSlots(table);
			const out: Record<string, CellValue[]> = {};
			for (const [colId, col] of table.columns) {
				if (colId === 'manualSort' && !options.hidden) continue;
				out[colId] = slots ? slots.map((slot) => col.values[slot] ?? null) : col.values.slice();
			}
			const ids = slots ? slots.map((slot) => table.ids[slot]!) : table.ids.slice();
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

/**
 * A GristBackend over an in-memory document, for unit tests and benchmarks. `keepLog: false`
 * (benchmarks) does not keep a copy of every batch: the log holds all data ever written.
 */
export function createMemoryBackend(
	doc: MemoryDocument = createMemoryDocument(),
	options: { keepLog?: boolean } = {}
): GristBackend & {
	doc: MemoryDocument;
	/** Every batch of actions applied, in order (empty with `keepLog: false`). */
	log: UserAction[][];
} {
	const log: UserAction[][] = [];
	const keepLog = options.keepLog ?? true;
	return {
		kind: 'memory',
		maxBodyBytes: REST_MAX_BODY_BYTES,
		doc,
		log,
		listTables: async () => doc.listTables(),
		fetchTable: async (tableId) => doc.fetchTable(tableId),
		applyUserActions: async (actions) => {
			if (keepLog) log.push(structuredClone(actions));
			return doc.apply(actions);
		}
	};
}
