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
	/** Reads every row of a table. */
	readRows(tableId: string): Promise<GristRecord[]>;
}

/** Builds the GristPort over a backend: the one place where Passerelle's write logic lives. */
export function createGristPort(backend: GristBackend): GristPort {
	// Columns found with a foreign type, per table: upserts leave them alone.
	const conflicted = new Map<string, Set<string>>();

	async function applySliced(
		items: number,
		build: (from: number, to: number) => UserAction,
		sizer: (i: number) => unknown,
		progress?: (done: number) => void,
		signal?: AbortSignal
	): Promise<unknown[]> {
		const indexes = Array.from({ length: items }, (_, i) => i);
		const overhead = jsonBytes(build(0, 0)) + 64;
		const slices = sliceByBytes(indexes, backend.maxBodyBytes, overhead, (i) => jsonBytes(sizer(i)) + 8);
		const results: unknown[] = [];
		let from = 0;
		for (const slice of slices) {
			signal?.throwIfAborted();
			const to = from + slice.length;
			const ret = await backend.applyUserActions([build(from, to)]);
			results.push(ret[0]);
			from = to;
			progress?.(from);
		}
		return results;
	}

	return {
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

		async upsert(tableId, rows, { key, onProgress, signal }) {
			const skip = conflicted.get(tableId) ?? new Set<string>();
			const data = await backend.fetchTable(tableId);
			const keyOf = (get: (c: string) => CellValue | undefined) =>
				JSON.stringify(key.map((k) => normaliseKey(get(k))));
			const existing = new Map<string, number>();
			const rowIndex = new Map<number, number>();
			data.id.forEach((rowId, i) => {
				const k = keyOf((c) => data[c]?.[i]);
				if (!existing.has(k)) existing.set(k, rowId);
				rowIndex.set(rowId, i);
			});
			// Last occurrence of a key wins.
			const incoming = new Map<string, Row>();
			for (const row of rows)
				incoming.set(
					keyOf((c) => row[c]),
					row
				);

			const toAdd: Row[] = [];
			const toUpdate: { id: number; row: Row }[] = [];
			let unchanged = 0;
			for (const [k, row] of incoming) {
				const clean = withoutColumns(row, skip);
				const rowId = existing.get(k);
				if (rowId === undefined) {
					toAdd.push(clean);
					continue;
				}
				const i = rowIndex.get(rowId) as number;
				const differs = Object.keys(clean).some((c) => !cellEquals(data[c]?.[i], clean[c] ?? null));
				if (differs) toUpdate.push({ id: rowId, row: clean });
				else unchanged++;
			}

			const total = toAdd.length + toUpdate.length;
			let done = 0;
			const report = (n: number) => onProgress?.({ table: tableId, done: n, total });
			const rowIds = new Map<string, number>();
			for (const [k, id] of existing) if (incoming.has(k)) rowIds.set(k, id);

			for (const group of groupByColumns(toUpdate, (u) => u.row)) {
				const cols = Object.keys(group[0]!.row);
				const base = done;
				await applySliced(
					group.length,
					(from, to) =>
						bulkUpdate(
							tableId,
							group.slice(from, to).map((u) => u.id),
							cols,
							group.slice(from, to).map((u) => u.row)
						),
					(i) => group[i]!.row,
					(n) => report((done = base + n)),
					signal
				);
			}
			for (const group of groupByColumns(toAdd, (r) => r)) {
				const cols = Object.keys(group[0]!);
				const base = done;
				const rets = await applySliced(
					group.length,
					(from, to) => bulkAdd(tableId, cols, group.slice(from, to)),
					(i) => group[i],
					(n) => report((done = base + n)),
					signal
				);
				const ids = rets.flatMap((r) => (Array.isArray(r) ? (r as number[]) : []));
				group.forEach((row, i) => {
					const id = ids[i];
					if (id !== undefined)
						rowIds.set(
							keyOf((c) => row[c]),
							id
						);
				});
			}
			return { added: toAdd.length, updated: toUpdate.length, unchanged, rowIds };
		},

		async deleteRows(tableId, rowIds, signal) {
			if (rowIds.length === 0) return 0;
			await applySliced(
				rowIds.length,
				(from, to) => bulkRemove(tableId, rowIds.slice(from, to)),
				(i) => rowIds[i],
				undefined,
				signal
			);
			return rowIds.length;
		},

		async readRows(tableId) {
			const data = await backend.fetchTable(tableId);
			const cols = Object.keys(data).filter((c) => c !== 'id' && c !== 'manualSort');
			return data.id.map((id, i) => ({
				id,
				fields: Object.fromEntries(cols.map((c) => [c, data[c]![i] ?? null]))
			}));
		}
	};
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
	for (const item of items) {
		const sig = Object.keys(rowOf(item)).sort().join('\u0000');
		const g = groups.get(sig);
		if (g) g.push(item);
		else groups.set(sig, [item]);
	}
	return [...groups.values()];
}
