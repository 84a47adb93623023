import { createHash } from 'node:crypto';
import { PasserelleError } from '#widget/errors.ts';
import { dsStateKey, loadDsState, parseDsState, saveDsState } from '#worker/ds/ds-state.ts';
import {
	parseDsRunCheckpoint,
	runDsSync,
	type DsSyncFilters,
	type DsSyncResult
} from '#worker/ds/ds-sync.ts';
import { sharedRateLimiter, type Clock } from '#worker/ds/ds-throttle.ts';
import type { DsTransport } from '#worker/ds/ds-transport.ts';
import type { Database } from '../db/database.ts';
import { createDsGraphqlTransport } from '../ds/graphql-transport.ts';
import type { SecretsStore } from '../secrets/secrets-store.ts';
import type { RunSummary, SyncJobHandler } from './sync-job.ts';

/** Dependencies of the DS handler. */
export interface DsSyncHandlerDeps {
	database: Database;
	secrets: SecretsStore;
	/** Builds the token-holding transport (tests may inject a fetch). */
	transportFor?: (endpoint: string, token: string) => DsTransport;
	/** DS request budget per token and per minute (default 200; DS allows 400). */
	requestsPerMinute?: number;
	/** Least time between two saved in-run checkpoints (default 3 s; the end of a pass always saves). */
	checkpointEveryMs?: number;
	clock?: Clock;
}

interface ConfigRow extends Record<string, unknown> {
	demarche_number: number;
	ds_url: string;
	token_secret_id: string | null;
	table_prefix: string;
	filters: DsSyncFilters | null;
}

const fmt = (n: number) => n.toLocaleString('fr-FR');

/** The French one-line summary of a server-side DS run. */
export function dsRunMessage(result: DsSyncResult): string {
	const mode = result.mode === 'full' ? 'complète' : 'incrémentale';
	const what = `${fmt(result.dossiersSeen)} dossiers lus, ${fmt(result.rowsAdded)} lignes ajoutées, ${fmt(result.rowsUpdated)} modifiées, ${fmt(result.rowsDeleted)} supprimées`;
	if (result.status === 'partial') {
		const culprits = result.culprits.map((c) => c.number).join(', ');
		return `Synchronisation ${mode} partielle : ${what}. Dossiers en erreur : ${culprits || 'voir Passerelle_syncs'}.`;
	}
	return `Synchronisation ${mode} réussie : ${what}.`;
}

/**
 * The production handler: one démarche synced by the same engine as the widget (`runDsSync`),
 * with the DS token decrypted on the server and the REST GristPort of the run. The incremental
 * state is read from and saved to the document's `Passerelle_etat` table, shared with the widget
 * (and copied to `demarche_configs.sync_state`); the engine records the run in `Passerelle_syncs`.
 * While it runs, the engine's checkpoint (pass, cursor after the last dossier written, dossiers
 * written so far) is saved with the run: an attempt taken over after a crash goes on from there.
 * Pages are upserted by key, so the page redone at most is neither duplicated nor lost.
 */
export function createDsSyncHandler(deps: DsSyncHandlerDeps): SyncJobHandler {
	const transportFor =
		deps.transportFor ?? ((endpoint, token) => createDsGraphqlTransport({ endpoint, token }));
	return async (job, ctx) => {
		const [config] = await deps.database.query<ConfigRow>(
			'SELECT demarche_number, ds_url, token_secret_id, table_prefix, filters FROM demarche_configs WHERE id = $1 AND doc_id = $2',
			[job.configId, job.docId]
		);
		if (!config) {
			throw new PasserelleError(
				'config_not_found',
				'La configuration de cette démarche a été supprimée : la planification ne peut plus s’exécuter.',
				false
			);
		}
		if (!config.token_secret_id) {
			throw new PasserelleError(
				'ds_token_missing',
				`Aucun jeton Démarches Simplifiées n’est enregistré pour la démarche ${config.demarche_number} : saisissez-le dans l’onglet Démarches.`,
				false
			);
		}
		const token = await deps.secrets.getSecret(config.token_secret_id, { docId: job.docId });
		ctx.log.addSecretValue(token);
		const demarche = config.demarche_number;
		const key = dsStateKey(demarche, config.table_prefix);
		const checkpoint = ctx.checkpoint as { dsState?: unknown; run?: unknown } | null;
		const saved = parseDsState(checkpoint?.dsState);
		const state = saved ?? (await loadDsState(ctx.grist, key));
		// Interrupted in the dossier pass: go on from its cursor (the engine checks it still applies).
		const resumeFrom = saved ? null : parseDsRunCheckpoint(checkpoint?.run);
		// The budget is per DS token: every run of this process with the same token shares it.
		const fingerprint = createHash('sha256').update(token).digest('hex').slice(0, 16);
		const result = await runDsSync({
			transport: transportFor(config.ds_url, token),
			grist: ctx.grist,
			demarche,
			state,
			clock: deps.clock,
			signal: ctx.signal,
			resumeFrom,
			onCheckpoint: (run) => ctx.saveCheckpoint({ run }),
			options: {
				mode: 'auto',
				tablePrefix: config.table_prefix,
				filters: config.filters ?? {},
				rateLimiter: sharedRateLimiter(fingerprint, deps.requestsPerMinute ?? 200),
				checkpointEveryMs: deps.checkpointEveryMs ?? 3000
			},
			onProgress: (p) => {
				if (p.log) ctx.log.info(p.log, { phase: p.phase, dossiers: p.dossiers });
			}
		});
		if (result.status === 'cancelled') {
			ctx.signal.throwIfAborted();
			throw new PasserelleError('cancelled', 'Synchronisation annulée.', true);
		}
		if (result.state) {
			await saveDsState(ctx.grist, key, result.state, ctx.now());
			await deps.database.query(
				'UPDATE demarche_configs SET sync_state = $3::jsonb, updated_at = $4 WHERE id = $1 AND doc_id = $2',
				[job.configId, job.docId, JSON.stringify(result.state), new Date(ctx.now())]
			);
			await ctx.saveCheckpoint({ dsState: result.state });
		}
		const summary: RunSummary = {
			status: result.status === 'partial' ? 'partielle' : 'reussie',
			dossiers: result.dossiersSeen,
			rowsWritten: result.rowsAdded + result.rowsUpdated + result.rowsDeleted,
			message: dsRunMessage(result),
			details: {
				mode: result.mode,
				rowsAdded: result.rowsAdded,
				rowsUpdated: result.rowsUpdated,
				rowsDeleted: result.rowsDeleted,
				requests: result.requests,
				pages: result.pages,
				culprits: result.culprits.map((c) => c.number),
				conflicts: result.conflicts.map((c) => c.message)
			}
		};
		return summary;
	};
}
