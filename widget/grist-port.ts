import type {
	CellValue,
	GristColumn,
	GristRecord,
	GristTable,
	Row,
	TableColumns,
	UserAction
} from './grist-types.ts';
import { validateTableSpec, type ColumnSpec, type TableSpec } from './table-spec.ts';
import {
	addColumn,
	addTable,
	bulkAdd,
	bulkRemove,
	bulkUpdate,
	jsonBytes,
	modifyColumn,
	sliceByBytes
} from './user-actions.ts';

/**
 * The transport under a GristPort: what differs between the plugin API (in the widget) and
 * Grist's REST API (on the server). Everything else is shared.
 */
export interface GristBackend {
	readonly kind: 'plugin' | 'rest' | 'memory';
	/** Largest JSON body one `applyUserActions` call may carry (Grist's REST API refuses > 1 MB). */
	readonly maxBodyBytes: number;
	/** User tables with their visible and hidden columns (but not `manualSort`). */
	listTables(): Promise<GristTable[]>;
	/** Column-oriented data of one table. */
	fetchTable(tableId: string): Promise<TableColumns>;
	/** Applies actions atomically; resolves to Grist's retValues. */
	applyUserActions(actions: UserAction[]): Promise<unknown[]>;
}

/** A Grist column whose type is not the one Passerelle expects: reported, never overwritten. */
export interface ColumnConflict {
	table: string;
	column: string;
	expected: string;
	actual: string;
	/** French explanation for the user. */
	message: string;
}

/** What `ensureTable` changed. */
export interface EnsureResult {
	createdTable: boolean;
	addedColumns: string[];
	updatedColumns: string[];
	conflicts: ColumnConflict[];
}

/** What `upsert` wrote. */
export interface UpsertResult {
	added: number;
	updated: number;
	unchanged: number;
	/** Row id of every input key, `JSON.stringify(keyValues)` → row id. */
	rowIds: Map<string, number>;
}

/** Progress of a long write, for progress bars. */
export interface WriteProgress {
	table: string;
	done: number;
	total: number;
}

/** Options of `upsert`. */
export interface UpsertOptions {
	/** Columns whose values identify a row (e.g. `['number']`). */
	key: string[];
	onProgress?: (p: WriteProgress) => void;
	signal?: AbortSignal;
}

/** The contract every capability writes Grist through. */
export interface GristPort {
	readonly kind: 'plugin' | 'rest' | 'memory';
	listTables(): Promise<GristTable[]>;
	/** Creates the table and missing columns; updates labels and choices; never drops or retypes a user's column. */
	ensureTable(spec: TableSpec): Promise<EnsureResult>;
	/** Adds or updates rows by key; unchanged rows are not written. Columns in conflict are skipped. */
	upsert(tableId: string, rows: Row[], options: UpsertOptions): Promise<UpsertResult>;
	/** Removes rows by id, in batches. */
	deleteRows(tableId: string, rowIds: number[], signal?: AbortSignal): Promise<number>;
	/** Reads every row of a table (only the given columns' fields, when `columns` is set). */
	readRows(tableId: string, columns?: readonly string[]): Promise<GristRecord[]>;
	/**
	 * Reads columns of a table as Grist sends them, one array per column (and `id`): no object per
	 * row, for scans of large tables. A column the table lacks comes back as an array of nulls. In
	 * a session, served from the session's copy while it holds every row (do not modify the arrays).
	 */
	readColumns(tableId: string, columns: readonly string[]): Promise<ColumnsRead>;
	/**
	 * A port for one run of writes (e.g. one sync): each table is read once, at its first upsert,
	 * then its key index and values follow the session's own writes instead of being read again
	 * for every batch. Writes are the same as the port's. Changes made in Grist meanwhile by
	 * someone else are not seen until the table is read again (`readRows`, `ensureTable`, or a
	 * failed write, which is then retried once over a fresh read): keep sessions short-lived.
	 */
	session(): GristPort;
}

/** A cell the session did not write and has not read (a default Grist filled in). */
const UNKNOWN: unique symbol = Symbol('unknown cell');
type Cell = CellValue | typeof UNKNOWN;

/** Raised while diffing over a cell the session does not know: the table is read again. */
const RELOAD = new Error('table copy incomplete');

/**
 * A row's key inside the port: the number itself for a one-column key holding a finite number
 * (the common case, dossier numbers: no string built per row), else the JSON of the key cells.
 */
type IndexKey = string | number;

/** The public form of a key (`UpsertResult.rowIds`): always the JSON of the key cells. */
const publicKey = (k: IndexKey): string => (typeof k === 'number' ? `[${k}]` : k);

/** One key index of a table: key → row id of its first row. */
interface KeyIndex {
	key: string[];
	rows: Map<IndexKey, number>;
	/** Keys held by several rows (a deletion then rescans). */
	duplicated: Set<IndexKey>;
	stale: boolean;
}

/**
 * What an upsert compares against: a table's cells, where each row is, and key indexes. Rows the
 * session adds get a position and their keys, not their cells (a run would otherwise hold every
 * value it writes): the column arrays stop at the rows read, and a diff that needs a cell past
 * them reads the table again.
 */
interface TableState {
	/** Column arrays as read, and `id` with the added rows too; deleted rows leave `pos` only. */
	data: Record<string, Cell[]> & { id: number[] };
	/** Rows read: the length of every column array. */
	known: number;
	pos: Map<number, number>;
	indexes: Map<string, KeyIndex>;
}

function tableState(data: TableColumns): TableState {
	const pos = new Map<number, number>();
	data.id.forEach((rowId, i) => pos.set(rowId, i));
	return { data, known: data.id.length, pos, indexes: new Map() };
}

/** A cell of the copy; undefined for a column the table lacks; RELOAD when not known. */
function cellAt(state: TableState, column: string, i: number): CellValue | undefined {
	const cells = state.data[column];
	if (cells === undefined) return undefined;
	const value = i < state.known ? cells[i] : UNKNOWN;
	if (value === UNKNOWN) throw RELOAD;
	return value;
}

/** Builds the GristPort over a backend: the one place where Passerelle's write logic lives. */
export function createGristPort(backend: GristBackend): GristPort {
	// Columns found with a foreign type, per table: upserts leave them alone.
	const conflicted = new Map<string, Set<string>>();

	/**
	 * Sends `build(from, to)` over consecutive slices of `items` whose bodies stay under the
	 * backend's limit (`sliceByBytes` with each item's JSON size).
	 */
	async function applySliced(
		items: readonly unknown[],
		build: (from: number, to: number) => UserAction,
		progress?: (done: number) => void,
		signal?: AbortSignal
	): Promise<unknown[]> {
		const overhead = jsonBytes(build(0, 0)) + 64;
		const results: unknown[] = [];
		let from = 0;
		for (const size of sliceSizes(items, backend.maxBodyBytes, overhead)) {
			signal?.throwIfAborted();
			const to = from + size;
			const ret = await backend.applyUserActions([build(from, to)]);
			results.push(ret[0]);
			from = to;
			progress?.(from);
		}
		return results;
	}

	/** A row's IndexKey (a one-column key's number as is, `[v]` otherwise, without building the list). */
	const keyOfRow = (key: string[]) => {
		const [only] = key;
		if (key.length === 1 && only !== undefined) {
			return (get: (c: string) => CellValue | undefined): IndexKey => oneKey(get(only));
		}
		return (get: (c: string) => CellValue | undefined): IndexKey =>
			JSON.stringify(key.map((k) => normaliseKey(get(k))));
	};

	/** Key → row id of the table's first row with that key (built once per session and key). */
	function keyIndex(state: TableState, key: string[]): KeyIndex {
		const sig = JSON.stringify(key);
		let index = state.indexes.get(sig);
		if (index && !index.stale) return index;
		const keyOf = keyOfRow(key);
		const rows = new Map<IndexKey, number>();
		const duplicated = new Set<IndexKey>();
		const ids = state.data.id;
		// Without holes (no row deleted since the read), every position is a live row.
		const dense = state.pos.size === ids.length;
		// A one-column key present in the table reads its column directly.
		const column = key.length === 1 ? state.data[key[0]!] : undefined;
		for (let i = 0; i < ids.length; i++) {
			const rowId = ids[i]!;
			if (!dense && state.pos.get(rowId) !== i) continue;
			let k: IndexKey;
			if (column) {
				const v = i < state.known ? column[i] : UNKNOWN;
				if (v === UNKNOWN) throw RELOAD;
				k = oneKey(v);
			} else {
				k = keyOf((c) => cellAt(state, c, i));
			}
			if (rows.has(k)) duplicated.add(k);
			else rows.set(k, rowId);
		}
		index = { key, rows, duplicated, stale: false };
		state.indexes.set(sig, index);
		return index;
	}

	/**
	 * Diffs `rows` against `state`, writes what changed and, for a session (`track`), brings
	 * `state` up to date with what was written. Throws RELOAD before writing anything when
	 * `state` lacks a cell the diff needs.
	 */
	async function upsertInto(
		state: TableState,
		tableId: string,
		rows: Row[],
		{ key, onProgress, signal }: UpsertOptions,
		track: boolean
	): Promise<UpsertResult> {
		const skip = conflicted.get(tableId) ?? new Set<string>();
		const keyOf = keyOfRow(key);
		const existing = keyIndex(state, key).rows;
		// Last occurrence of a key wins.
		const incoming = new Map<IndexKey, Row>();
		for (const row of rows)
			incoming.set(
				keyOf((c) => row[c]),
				row
			);

		const toAdd: Row[] = [];
		const toUpdate: { id: number; row: Row }[] = [];
		const found: [IndexKey, number][] = [];
		let unchanged = 0;
		for (const [k, row] of incoming) {
			const clean = withoutColumns(row, skip);
			const rowId = existing.get(k);
			if (rowId === undefined) {
				toAdd.push(clean);
				continue;
			}
			found.push([k, rowId]);
			const i = state.pos.get(rowId) as number;
			const differs = Object.keys(clean).some((c) => !cellEquals(cellAt(state, c, i), clean[c] ?? null));
			if (differs) toUpdate.push({ id: rowId, row: clean });
			else unchanged++;
		}

		const total = toAdd.length + toUpdate.length;
		let done = 0;
		const report = (n: number) => onProgress?.({ table: tableId, done: n, total });
		// Rows found come in table order (as a scan of the table lists them), then added ones.
		found.sort((a, b) => (state.pos.get(a[1]) as number) - (state.pos.get(b[1]) as number));
		const rowIds = new Map<string, number>(found.map(([k, id]) => [publicKey(k), id]));

		for (const group of groupByColumns(toUpdate, (u) => u.row)) {
			const cols = Object.keys(group[0]!.row);
			const base = done;
			await applySliced(
				group.map((u) => u.row),
				(from, to) =>
					bulkUpdate(
						tableId,
						group.slice(from, to).map((u) => u.id),
						cols,
						group.slice(from, to).map((u) => u.row)
					),
				(n) => report((done = base + n)),
				signal
			);
			if (track) for (const u of group) setCells(state, state.pos.get(u.id) as number, u.row);
		}
		for (const group of groupByColumns(toAdd, (r) => r)) {
			const cols = Object.keys(group[0]!);
			const base = done;
			const rets = await applySliced(
				group,
				(from, to) => bulkAdd(tableId, cols, group.slice(from, to)),
				(n) => report((done = base + n)),
				signal
			);
			const ids = rets.flatMap((r) => (Array.isArray(r) ? (r as number[]) : []));
			group.forEach((row, i) => {
				const id = ids[i];
				if (id !== undefined) rowIds.set(publicKey(keyOf((c) => row[c])), id);
			});
			if (track) appendRows(state, group, ids);
		}
		return { added: toAdd.length, updated: toUpdate.length, unchanged, rowIds };
	}

	/** Writes an updated row's cells into the copy, if its cells are kept (read, not added). */
	function setCells(state: TableState, i: number, row: Row): void {
		for (const c in row) {
			const column = state.data[c];
			const v = row[c] ?? null;
			if (column) {
				if (i < state.known) column[i] = v;
			} else {
				// A column new to the copy: known for this row only.
				const cells = new Array<Cell>(state.known).fill(UNKNOWN);
				if (i < state.known) cells[i] = v;
				state.data[c] = cells;
			}
		}
	}

	/** Rows the session added: a position and their keys (their cells are not kept). */
	function appendRows(state: TableState, rows: Row[], ids: (number | undefined)[]): void {
		const added = rows.flatMap((row, r) => (ids[r] === undefined ? [] : [{ row, id: ids[r]! }]));
		for (const { id } of added) {
			state.pos.set(id, state.data.id.length);
			state.data.id.push(id);
		}
		for (const index of state.indexes.values()) {
			if (index.stale) continue;
			const keyOf = keyOfRow(index.key);
			for (const { row, id } of added) {
				const k = keyOf((c) => row[c]);
				if (!index.rows.has(k)) index.rows.set(k, id);
			}
		}
	}

	/** Drops deleted rows from the copy and from its key indexes. */
	function forgetRows(state: TableState, rowIds: number[]): void {
		for (const id of rowIds) {
			const i = state.pos.get(id);
			if (i === undefined) continue;
			for (const index of state.indexes.values()) {
				if (index.stale) continue;
				let k: IndexKey;
				try {
					k = keyOfRow(index.key)((c) => cellAt(state, c, i));
				} catch {
					index.stale = true;
					continue;
				}
				if (index.rows.get(k) !== id) continue;
				if (index.duplicated.has(k)) index.stale = true;
				else index.rows.delete(k);
			}
			state.pos.delete(id);
		}
	}

	const port: GristPort = {
		kind: backend.kind,
		listTables: () => backend.listTables(),

		async ensureTable(spec) {
			const problems = validateTableSpec(spec);
			if (problems.length > 0) throw new Error(problems.join(' '));
			const tables = await backend.listTables();
			const existing = tables.find((t) => t.id === spec.id);
			const result: EnsureResult = {
				createdTable: false,
				addedColumns: [],
				updatedColumns: [],
				conflicts: []
			};
			const actions: UserAction[] = [];
			if (!existing) {
				result.createdTable = true;
				actions.push(addTable(spec.id, spec.columns));
				for (const col of spec.columns) actions.push(modifyColumn(spec.id, col.id, labelFields(col)));
				result.addedColumns = spec.columns.map((c) => c.id);
			} else {
				const byId = new Map(existing.columns.map((c) => [c.id, c]));
				const conflicts = new Set<string>();
				for (const col of spec.columns) {
					const current = byId.get(col.id);
					if (!current) {
						actions.push(addColumn(spec.id, col));
						result.addedColumns.push(col.id);
						continue;
					}
					if (!sameType(current, col)) {
						conflicts.add(col.id);
						result.conflicts.push({
							table: spec.id,
							column: col.id,
							expected: col.type,
							actual: current.type,
							message: `La colonne « ${current.label || col.id} » de la table ${spec.id} est de type ${current.type} au lieu de ${col.type} : Passerelle ne l’écrase pas et n’y écrit rien. Changez son type ou renommez-la.`
						});
						continue;
					}
					const changes = columnChanges(current, col);
					if (changes) {
						actions.push(modifyColumn(spec.id, col.id, changes));
						result.updatedColumns.push(col.id);
					}
				}
				conflicted.set(spec.id, conflicts);
			}
			if (actions.length > 0) await backend.applyUserActions(actions);
			return result;
		},

		async upsert(tableId, rows, options) {
			return upsertInto(tableState(await backend.fetchTable(tableId)), tableId, rows, options, false);
		},

		async deleteRows(tableId, rowIds, signal) {
			if (rowIds.length === 0) return 0;
			await applySliced(rowIds, (from, to) => bulkRemove(tableId, rowIds.slice(from, to)), undefined, signal);
			return rowIds.length;
		},

		async readRows(tableId, columns) {
			return toRecords(await backend.fetchTable(tableId), columns);
		},

		async readColumns(tableId, columns) {
			return pickColumns(await backend.fetchTable(tableId), columns);
		},

		session: () => openSession()
	};

	function openSession(): GristPort {
		const copies = new Map<string, TableState>();
		const session: GristPort = {
			kind: backend.kind,
			listTables: () => backend.listTables(),
			async ensureTable(spec) {
				try {
					const result = await port.ensureTable(spec);
					// New columns (filled with Grist's defaults) or a new table: read it again when needed.
					if (result.createdTable || result.addedColumns.length > 0) copies.delete(spec.id);
					return result;
				} catch (error) {
					copies.delete(spec.id);
					throw error;
				}
			},
			async upsert(tableId, rows, options) {
				for (let attempt = 0; ; attempt++) {
					let state = copies.get(tableId);
					const cached = state !== undefined;
					if (!state) {
						state = tableState(await backend.fetchTable(tableId));
						copies.set(tableId, state);
					}
					try {
						return await upsertInto(state, tableId, rows, options, true);
					} catch (error) {
						copies.delete(tableId);
						// An incomplete or possibly stale copy: once more over a fresh read.
						const again = error === RELOAD || (cached && !options.signal?.aborted);
						if (!again || attempt >= 2) throw error;
					}
				}
			},
			async deleteRows(tableId, rowIds, signal) {
				try {
					const n = await port.deleteRows(tableId, rowIds, signal);
					const state = copies.get(tableId);
					if (state) forgetRows(state, rowIds);
					return n;
				} catch (error) {
					copies.delete(tableId);
					throw error;
				}
			},
			async readRows(tableId, columns) {
				const data = await backend.fetchTable(tableId);
				const records = toRecords(data, columns);
				copies.set(tableId, tableState(data));
				return records;
			},
			async readColumns(tableId, columns) {
				// The session's copy, when it still holds every row as read (it follows the session's
				// own updates; rows it added or deleted make it incomplete): no second read.
				const copy = copies.get(tableId);
				if (
					copy &&
					copy.known === copy.data.id.length &&
					copy.pos.size === copy.known &&
					columns.every((c) => !copy.data[c]?.includes(UNKNOWN))
				) {
					return pickColumns(copy.data as TableColumns, columns);
				}
				const data = await backend.fetchTable(tableId);
				copies.set(tableId, tableState(data));
				return pickColumns(data, columns);
			},
			session: () => openSession()
		};
		return session;
	}

	return port;
}

/** Columns of a table: `id`, then one array per requested column. */
export type ColumnsRead = { id: number[] } & Record<string, CellValue[]>;

function pickColumns(data: TableColumns, columns: readonly string[]): ColumnsRead {
	const out = { id: data.id } as ColumnsRead;
	for (const c of columns) {
		if (c === 'id') continue;
		out[c] = (data[c] as CellValue[] | undefined) ?? new Array<CellValue>(data.id.length).fill(null);
	}
	return out;
}

function toRecords(data: TableColumns, columns?: readonly string[]): GristRecord[] {
	const cols = (columns ?? Object.keys(data)).filter((c) => c !== 'id' && c !== 'manualSort' && c in data);
	return data.id.map((id, i) => ({
		id,
		fields: Object.fromEntries(cols.map((c) => [c, data[c]![i] ?? null]))
	}));
}

function labelFields(col: ColumnSpec): Record<string, unknown> {
	const fields: Record<string, unknown> = { label: col.label ?? col.id, untieColIdFromLabel: true };
	if (col.choices) fields.widgetOptions = JSON.stringify({ choices: col.choices });
	if (col.description) fields.description = col.description;
	return fields;
}

/** Grist reports an empty new column as type Any until it gets data; that counts as ours. */
function sameType(current: GristColumn, col: ColumnSpec): boolean {
	if (current.type === col.type) return true;
	return current.type === 'Any' && !current.isFormula;
}

/** The fields of a column that must change to match the spec (label, choices, type of an empty Any column). */
function columnChanges(current: GristColumn, col: ColumnSpec): Record<string, unknown> | null {
	const changes: Record<string, unknown> = {};
	if (current.type !== col.type) changes.type = col.type;
	const label = col.label ?? col.id;
	if (current.label !== label) {
		changes.label = label;
		changes.untieColIdFromLabel = true;
	}
	if (col.choices) {
		const existing = Array.isArray(current.widgetOptions.choices)
			? (current.widgetOptions.choices as string[])
			: [];
		const merged = [...existing, ...col.choices.filter((c) => !existing.includes(c))];
		if (merged.length !== existing.length) {
			changes.widgetOptions = JSON.stringify({ ...current.widgetOptions, choices: merged });
		}
	}
	return Object.keys(changes).length > 0 ? changes : null;
}

/** `JSON.stringify` of a cell (finite numbers written directly, as JSON writes them). */
function cellJson(v: CellValue): string {
	return typeof v === 'number' && Number.isFinite(v) ? String(v) : JSON.stringify(v);
}

/** A one-column key: a finite number as is, anything else as `[json]` (as `publicKey` writes numbers). */
function oneKey(v: CellValue | undefined): IndexKey {
	if (typeof v === 'number' && Number.isFinite(v)) return v;
	return `[${cellJson(normaliseKey(v))}]`;
}

function normaliseKey(v: CellValue | undefined): CellValue {
	if (v === undefined || v === '') return null;
	return v;
}

/** Cell equality as Grist stores values: '' and null are both "empty" for our purpose. */
export function cellEquals(a: CellValue | undefined, b: CellValue): boolean {
	const x = a === undefined || a === '' ? null : a;
	const y = b === '' ? null : b;
	if (x === y) return true;
	if (Array.isArray(x) && Array.isArray(y)) return JSON.stringify(x) === JSON.stringify(y);
	return false;
}

function withoutColumns(row: Row, skip: Set<string>): Row {
	if (skip.size === 0) return row;
	return Object.fromEntries(Object.entries(row).filter(([c]) => !skip.has(c)));
}

/** Groups items whose rows carry the same column set (one bulk action per group). */
function groupByColumns<T>(items: T[], rowOf: (item: T) => Row): T[][] {
	const groups = new Map<string, T[]>();
	// Rows of one producer list their columns in the same order: sort once per order seen.
	let lastKeys: string[] = [];
	let lastSig = '';
	for (const item of items) {
		const keys = Object.keys(rowOf(item));
		if (keys.length !== lastKeys.length || keys.some((k, i) => k !== lastKeys[i])) {
			lastKeys = keys;
			lastSig = [...keys].sort().join('\u0000');
		}
		const g = groups.get(lastSig);
		if (g) g.push(item);
		else groups.set(lastSig, [item]);
	}
	return [...groups.values()];
}

/**
 * Slice lengths `sliceByBytes` gives for `items` (each costing its JSON size + 8): computed
 * from one serialisation of the whole list when it fits in one body, else item by item.
 */
function sliceSizes(items: readonly unknown[], maxBytes: number, overhead: number): number[] {
	if (items.length === 0) return [];
	const cost = (item: unknown) => utf8Length(JSON.stringify(item)) + 8;
	// Clearly too big for one body (judging by the first item): straight to item by item.
	if (overhead + cost(items[0]) * items.length <= 2 * maxBytes) {
		// JSON of a list = its items' JSON joined by commas, in brackets.
		const itemBytes = utf8Length(JSON.stringify(items)) - 2 - (items.length - 1);
		if (overhead + itemBytes + 8 * items.length <= maxBytes) return [items.length];
	}
	return sliceByBytes([...items], maxBytes, overhead, cost).map((slice) => slice.length);
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(1 << 16);

/** Bytes of a string in UTF-8 (what `jsonBytes` counts), encoded into a reused buffer. */
function utf8Length(text: string): number {
	// At most 3 bytes per UTF-16 code unit.
	if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
	return encoder.encodeInto(text, scratch).written;
}
