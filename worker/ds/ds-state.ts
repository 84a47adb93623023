import type { GristPort } from '#widget/grist-port.ts';
import type { TableSpec } from '#widget/table-spec.ts';

/**
 * What a DS sync remembers between runs: a plain JSON object the caller persists (server
 * database, or the `Passerelle_etat` table so the widget and the server share it).
 */
export interface DsSyncState {
	version: 1;
	demarche: number;
	/** Hash of what shapes the tables (prefix, filters, deletion mode): a change forces a full sync. */
	configKey: string;
	planVersion: string | null;
	/** Fixed `updatedSince` of the incremental chain (already minus the safety margin), ISO. */
	updatedSinceAnchor: string | null;
	/** Last non-null `endCursor` of the `updatedSince` chain (never overwritten by null). */
	endCursor: string | null;
	/** Start of the previous run, ISO: the next `deletedDossiers` pass starts there (minus the margin). */
	deletedSince: string | null;
	lastPendingCheckAt: string | null;
	lastLabelsAt: string | null;
	lastFullSyncAt: string | null;
	lastRunAt: string | null;
	/** Dossiers written by the last full sync: lets the next full sync show an ETA. */
	dossierCount: number | null;
}

/** A state that forces a full sync. */
export function emptyDsState(demarche: number): DsSyncState {
	return {
		version: 1,
		demarche,
		configKey: '',
		planVersion: null,
		updatedSinceAnchor: null,
		endCursor: null,
		deletedSince: null,
		lastPendingCheckAt: null,
		lastLabelsAt: null,
		lastFullSyncAt: null,
		lastRunAt: null,
		dossierCount: null
	};
}

/** Reads a persisted state; anything malformed counts as no state (the next run is full). */
export function parseDsState(raw: unknown): DsSyncState | null {
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			return null;
		}
	}
	if (!value || typeof value !== 'object') return null;
	const v = value as Record<string, unknown>;
	if (v.version !== 1 || typeof v.demarche !== 'number') return null;
	const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : null);
	return {
		version: 1,
		demarche: v.demarche,
		configKey: str('configKey') ?? '',
		planVersion: str('planVersion'),
		updatedSinceAnchor: str('updatedSinceAnchor'),
		endCursor: str('endCursor'),
		deletedSince: str('deletedSince'),
		lastPendingCheckAt: str('lastPendingCheckAt'),
		lastLabelsAt: str('lastLabelsAt'),
		lastFullSyncAt: str('lastFullSyncAt'),
		lastRunAt: str('lastRunAt'),
		dossierCount: typeof v.dossierCount === 'number' ? v.dossierCount : null
	};
}

/** Grist table holding engine states as JSON, one row per key. */
export const STATE_TABLE = 'Passerelle_etat';

/** Spec of the state table. */
export const STATE_TABLE_SPEC: TableSpec = {
	id: STATE_TABLE,
	columns: [
		{ id: 'cle', type: 'Text', label: 'Clé' },
		{ id: 'valeur', type: 'Text', label: 'État (JSON)' },
		{ id: 'mis_a_jour', type: 'DateTime:Europe/Paris', label: 'Mis à jour le' }
	]
};

/** State key of one démarche synced into one set of tables. */
export function dsStateKey(demarche: number, tablePrefix: string): string {
	return `ds:${demarche}:${tablePrefix}`;
}

/** Loads a state from `Passerelle_etat` (null when the table or the row is missing). */
export async function loadDsState(grist: GristPort, key: string): Promise<DsSyncState | null> {
	const tables = await grist.listTables();
	if (!tables.some((t) => t.id === STATE_TABLE)) return null;
	const rows = await grist.readRows(STATE_TABLE);
	const row = rows.find((r) => r.fields.cle === key);
	return row ? parseDsState(row.fields.valeur) : null;
}

/** Saves a state into `Passerelle_etat` (creates the table on first use). */
export async function saveDsState(
	grist: GristPort,
	key: string,
	state: DsSyncState,
	nowMs: number
): Promise<void> {
	await grist.ensureTable(STATE_TABLE_SPEC);
	await grist.upsert(
		STATE_TABLE,
		[{ cle: key, valeur: JSON.stringify(state), mis_a_jour: Math.round(nowMs / 1000) }],
		{ key: ['cle'] }
	);
}

/** Grist table logging every sync run (shared by démarches and engines). */
export const SYNCS_TABLE = 'Passerelle_syncs';

/** Statuses of a run as written in `Passerelle_syncs`. */
export const RUN_STATUSES = ['en_cours', 'reussie', 'partielle', 'echouee', 'annulee'] as const;

/** Spec of the sync-runs table. */
export const SYNCS_TABLE_SPEC: TableSpec = {
	id: SYNCS_TABLE,
	columns: [
		{ id: 'run_id', type: 'Text', label: 'Identifiant' },
		{ id: 'source', type: 'Choice', label: 'Source', choices: ['ds'] },
		{ id: 'demarche', type: 'Int', label: 'Démarche' },
		{ id: 'tables', type: 'Text', label: 'Préfixe des tables' },
		{ id: 'mode', type: 'Choice', label: 'Mode', choices: ['complete', 'incrementale'] },
		{ id: 'statut', type: 'Choice', label: 'Statut', choices: [...RUN_STATUSES] },
		{ id: 'debut', type: 'DateTime:Europe/Paris', label: 'Début' },
		{ id: 'fin', type: 'DateTime:Europe/Paris', label: 'Fin' },
		{ id: 'duree_s', type: 'Numeric', label: 'Durée (s)' },
		{ id: 'dossiers', type: 'Int', label: 'Dossiers reçus' },
		{ id: 'lignes_ajoutees', type: 'Int', label: 'Lignes ajoutées' },
		{ id: 'lignes_modifiees', type: 'Int', label: 'Lignes modifiées' },
		{ id: 'lignes_supprimees', type: 'Int', label: 'Lignes supprimées' },
		{ id: 'requetes', type: 'Int', label: 'Requêtes DS' },
		{ id: 'pages', type: 'Int', label: 'Pages' },
		{ id: 'dossiers_en_erreur', type: 'Text', label: 'Dossiers en erreur' },
		{ id: 'erreurs', type: 'Text', label: 'Erreurs' }
	]
};
