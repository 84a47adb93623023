import type { ColumnConflict, GristPort, UpsertResult } from '#widget/grist-port.ts';
import type { Row } from '#widget/grist-types.ts';
import { dateTimeCell } from './champ-values.ts';
import { dossierToRows, labelsCell } from './dossier-rows.ts';
import { yieldToEventLoop } from './ds-prefetch.ts';
import type { DsDeletedDossier, DsDossier } from './ds-types.ts';
import { planTableSpecs, type FormPlan } from './form-plan.ts';

/** Row counts written to the data tables during a run. */
export interface WriteCounts {
	added: number;
	updated: number;
	deleted: number;
}

/** What Grist holds for one dossier, as far as deletions and labels are concerned. */
export interface DossierEntry {
	rowId: number;
	deleted: boolean;
	pending: boolean;
	labels: string;
}

/** Writes one démarche's dossiers into its Grist tables through the GristPort. */
export interface DsGristWriter {
	readonly counts: WriteCounts;
	/** Creates or completes every table of the plan; returns the columns left alone. */
	ensureTables(): Promise<ColumnConflict[]>;
	/**
	 * Reads what dossier writes need (each table's rows by key, block rows by dossier) ahead of
	 * the first write, e.g. while DS prepares the first page; `writeDossiers` waits for it.
	 */
	prime(): Promise<void>;
	/** Upserts dossiers with their champs, annotations and block rows; drops block rows gone from DS. */
	writeDossiers(dossiers: DsDossier[]): Promise<void>;
	/** Dossiers present in Grist, by number. */
	readDossiers(): Promise<Map<number, DossierEntry>>;
	/** Deletes dossiers and every child row (champs, annotations, blocks). */
	removeDossiers(numbers: Iterable<number>): Promise<number>;
	/** Marks dossiers present in Grist as deleted on DS, with date and reason. */
	flagDeleted(deleted: DsDeletedDossier[]): Promise<number>;
	/** Sets the "in DS's trash" flag on these dossiers and clears it on every other one. */
	flagPending(pending: Set<number>): Promise<number>;
	/** Rewrites the labels of dossiers present in Grist (unchanged ones are not written). */
	writeLabels(labels: Map<number, string[]>, present: Map<number, DossierEntry>): Promise<number>;
}

const keyOf = (value: number | string) => JSON.stringify([value]);

/** What `readDossiers` needs of the dossiers table. */
const DOSSIER_ENTRY_COLUMNS = ['numero', 'supprime', 'en_attente_suppression', 'etiquettes'] as const;

/**
 * Builds the writer of one run over a GristPort and a plan. It writes through a session of the
 * port: each table is read once per run, not once per batch (a batch's cost stays flat as the
 * table grows).
 */
export function createDsGristWriter(
	port: GristPort,
	plan: FormPlan,
	signal?: AbortSignal,
	/** A session of `port` already under way (tables read ahead); a new one otherwise. */
	session?: GristPort
): DsGristWriter {
	const grist = session ?? port.session();
	const counts: WriteCounts = { added: 0, updated: 0, deleted: 0 };
	const t = plan.tables;
	// Block rows per dossier, loaded once per run: finds rows DS no longer has.
	const blockIndexes = new Map<string, Promise<Map<number, Map<string, number>>>>();
	let priming: Promise<void> | null = null;

	const count = (r: UpsertResult) => {
		counts.added += r.added;
		counts.updated += r.updated;
	};

	async function upsert(table: string, rows: Row[], key: string): Promise<UpsertResult> {
		// Between tables, hand the thread back: the next DS page may be waiting to be read.
		await yieldToEventLoop();
		const result = await grist.upsert(table, rows, { key: [key], signal });
		count(result);
		return result;
	}

	function blockIndex(tableId: string): Promise<Map<number, Map<string, number>>> {
		let index = blockIndexes.get(tableId);
		if (!index) {
			index = (async () => {
				const lines = new Map<number, Map<string, number>>();
				const { id, numero, ligne } = await grist.readColumns(tableId, ['numero', 'ligne']);
				for (let i = 0; i < id.length; i++) {
					const n = Number(numero![i]);
					let byLigne = lines.get(n);
					if (!byLigne) lines.set(n, (byLigne = new Map()));
					byLigne.set(String(ligne![i] ?? ''), id[i]!);
				}
				return lines;
			})();
			// A failed read is tried again at the next use.
			index.catch(() => blockIndexes.delete(tableId));
			blockIndexes.set(tableId, index);
		}
		return index;
	}

	async function deleteRows(table: string, ids: number[]): Promise<number> {
		if (ids.length === 0) return 0;
		const n = await grist.deleteRows(table, ids, signal);
		counts.deleted += n;
		return n;
	}

	const writer: DsGristWriter = {
		counts,

		async ensureTables() {
			const conflicts: ColumnConflict[] = [];
			for (const spec of planTableSpecs(plan)) conflicts.push(...(await grist.ensureTable(spec)).conflicts);
			return conflicts;
		},

		prime() {
			priming ??= (async () => {
				const byNumber = [t.dossiers, t.champs, t.annotations].map((table) => upsert(table, [], 'numero'));
				// Block tables: their rows by dossier, then (from the same read) by ligne.
				const blocks = plan.blocks.map(async (b) => {
					await blockIndex(b.tableId);
					await upsert(b.tableId, [], 'ligne');
				});
				await Promise.all([...byNumber, ...blocks]);
			})();
			return priming;
		},

		async writeDossiers(dossiers) {
			if (priming) await priming;
			if (dossiers.length === 0) return;
			// A dossier listed twice (modified again during the run) is written once, as last seen.
			const latest = new Map(dossiers.map((d) => [d.number, d]));
			const rows = [...latest.values()].map((d) => dossierToRows(d, plan));
			const parent = await upsert(
				t.dossiers,
				rows.map((r) => r.dossier),
				'numero'
			);
			const ref = (n: number) => parent.rowIds.get(keyOf(n)) ?? null;
			// The rows were built for this write: the Ref cell is set on them, as the last column.
			const withRef = (row: Row, n: number): Row => {
				row.dossier = ref(n);
				return row;
			};
			await upsert(
				t.champs,
				rows.map((r) => withRef(r.champs, r.number)),
				'numero'
			);
			await upsert(
				t.annotations,
				rows.map((r) => withRef(r.annotations, r.number)),
				'numero'
			);
			for (const block of plan.blocks) {
				const index = await blockIndex(block.tableId);
				const blockRows = rows.flatMap((r) =>
					(r.blocks.get(block.tableId) ?? []).map((b) => withRef(b, r.number))
				);
				const written = blockRows.length > 0 ? await upsert(block.tableId, blockRows, 'ligne') : null;
				const stale: number[] = [];
				for (const r of rows) {
					const lignes = (r.blocks.get(block.tableId) ?? []).map((b) => String(b.ligne));
					const keep = new Set(lignes);
					for (const [ligne, id] of index.get(r.number) ?? []) if (!keep.has(ligne)) stale.push(id);
					const now = new Map<string, number>();
					for (const l of lignes) {
						const id = written?.rowIds.get(keyOf(l));
						if (id !== undefined) now.set(l, id);
					}
					index.set(r.number, now);
				}
				await deleteRows(block.tableId, stale);
			}
		},

		async readDossiers() {
			const out = new Map<number, DossierEntry>();
			const cols = await grist.readColumns(t.dossiers, DOSSIER_ENTRY_COLUMNS);
			for (let i = 0; i < cols.id.length; i++) {
				const labels = cols.etiquettes![i];
				out.set(Number(cols.numero![i]), {
					rowId: cols.id[i]!,
					deleted: cols.supprime![i] === true,
					pending: cols.en_attente_suppression![i] === true,
					labels: JSON.stringify(Array.isArray(labels) && labels.length > 1 ? labels : null)
				});
			}
			return out;
		},

		async removeDossiers(numbers) {
			const gone = new Set(numbers);
			if (gone.size === 0) return 0;
			let removed = 0;
			// Children first, so no Ref ever points at a missing dossier.
			const tables = [...plan.blocks.map((b) => b.tableId), t.annotations, t.champs, t.dossiers];
			for (const table of tables) {
				const { id, numero } = await grist.readColumns(table, ['numero']);
				const ids = id.filter((_, i) => gone.has(Number(numero![i])));
				removed += await deleteRows(table, ids);
			}
			for (const index of blockIndexes.values()) {
				const lines = await index.catch(() => null);
				for (const n of gone) lines?.delete(n);
			}
			return removed;
		},

		async flagDeleted(deleted) {
			const present = await writer.readDossiers();
			const rows = deleted
				.filter((d) => present.has(d.number))
				.map((d) => ({
					numero: d.number,
					supprime: true,
					date_suppression: dateTimeCell(d.dateSupression),
					motif_suppression: d.reason,
					en_attente_suppression: false
				}));
			if (rows.length === 0) return 0;
			const r = await upsert(t.dossiers, rows, 'numero');
			return r.updated;
		},

		async flagPending(pending) {
			const present = await writer.readDossiers();
			const rows: Row[] = [];
			for (const [n, entry] of present) {
				const wanted = pending.has(n) && !entry.deleted;
				if (wanted !== entry.pending) rows.push({ numero: n, en_attente_suppression: wanted });
			}
			if (rows.length === 0) return 0;
			const r = await upsert(t.dossiers, rows, 'numero');
			return r.updated;
		},

		async writeLabels(labels, present) {
			const rows: Row[] = [];
			for (const [n, names] of labels) {
				const entry = present.get(n);
				if (!entry) continue;
				const cell = labelsCell(names);
				if (JSON.stringify(cell) !== entry.labels) rows.push({ numero: n, etiquettes: cell });
			}
			if (rows.length === 0) return 0;
			const r = await upsert(t.dossiers, rows, 'numero');
			return r.updated;
		}
	};
	return writer;
}
