import type { GristBackend } from './grist-port.ts';
import type { GristDocApi } from './grist-plugin-api.ts';
import type { CellValue, UserAction } from './grist-types.ts';
import type { MemoryDocument } from './memory-backend.ts';

/**
 * A `grist.docApi` over an in-memory document, including the `_grist_Tables` and
 * `_grist_Tables_column` metadata tables the plugin backend reads: lets tests run the plugin
 * adapter without a browser.
 */
export function memoryDocApi(doc: MemoryDocument): GristDocApi {
	return {
		getDocName: async () => 'Mémoire',
		listTables: async () => doc.listTables().map((t) => t.id),
		async fetchTable(tableId) {
			if (tableId === '_grist_Tables') {
				const tables = doc.listTables();
				const refs = tables.map((t) => Number(doc.columnFields(t.id)[0]?.fields.parentId ?? 0));
				return { id: refs, tableId: tables.map((t) => t.id), summarySourceTable: tables.map(() => 0) };
			}
			if (tableId === '_grist_Tables_column') {
				const rows = doc
					.listTables()
					.flatMap((t) => doc.columnFields(t.id).map((c) => ({ id: c.id, ...c.fields })));
				const pick = (k: string) => rows.map((r) => (r as Record<string, unknown>)[k] as CellValue);
				return {
					id: pick('colRef'),
					parentId: pick('parentId'),
					colId: rows.map((r) => r.id),
					type: pick('type'),
					label: pick('label'),
					isFormula: pick('isFormula'),
					formula: pick('formula'),
					widgetOptions: pick('widgetOptions')
				};
			}
			const { id, ...rest } = doc.fetchTable(tableId);
			return { id, ...rest } as Record<string, CellValue[]>;
		},
		async applyUserActions(actions) {
			return { actionNum: doc.actionCount + 1, retValues: doc.apply(actions) };
		},
		getAccessToken: async () => {
			throw new Error('no access tokens');
		}
	};
}

/** Wraps a backend to record every batch of user actions it sends. */
export function recordingBackend(backend: GristBackend): GristBackend & { log: UserAction[][] } {
	const log: UserAction[][] = [];
	return {
		kind: backend.kind,
		maxBodyBytes: backend.maxBodyBytes,
		log,
		listTables: () => backend.listTables(),
		fetchTable: (t) => backend.fetchTable(t),
		applyUserActions: (actions) => {
			log.push(structuredClone(actions));
			return backend.applyUserActions(actions);
		}
	};
}
