import { createDsClient, type DsClient } from '#worker/ds/ds-client.ts';
import type { DsSyncFilters, DsSyncProgress, DsSyncResult } from '#worker/ds/ds-sync.ts';
import { handleError } from '../errors.ts';
import { session } from '../grist-session.svelte.ts';
import { journal } from '../journal.svelte.ts';
import type { DemarcheConfig } from './ds-api.ts';

/** What the card of one démarche shows about its current or last run. */
export interface RunView {
	running: boolean;
	progress: DsSyncProgress | null;
	phaseLabel: string;
	/** Dossiers the last complete run saw: the denominator of the progress bar. */
	expectedDossiers: number;
	log: string[];
	summary: { ok: boolean; text: string } | null;
	error: string | null;
}

const PHASES: Record<DsSyncProgress['phase'], string> = {
	schema: 'lecture du formulaire',
	tables: 'préparation des tables',
	dossiers: 'import des dossiers',
	deletions: 'dossiers supprimés',
	pending: 'dossiers en corbeille',
	labels: 'étiquettes',
	reconcile: 'rapprochement',
	done: 'terminé'
};

const fmt = (n: number) => n.toLocaleString('fr-FR');

/** French one-line summary of a run. */
export function summarise(result: DsSyncResult): { ok: boolean; text: string } {
	const what = `${fmt(result.dossiersSeen)} dossiers lus, ${fmt(result.rowsAdded)} lignes ajoutées, ${fmt(result.rowsUpdated)} modifiées, ${fmt(result.rowsDeleted)} supprimées, ${fmt(result.requests)} requêtes`;
	const mode = result.mode === 'full' ? 'complète' : 'incrémentale';
	if (result.status === 'cancelled')
		return { ok: false, text: `Synchronisation annulée : ${what}. Ce qui a été écrit est conservé.` };
	if (result.status === 'partial') {
		const culprits = result.culprits.map((c) => c.number).join(', ');
		return {
			ok: false,
			text: `Synchronisation ${mode} partielle en ${result.seconds.toFixed(1)} s : ${what}. Dossiers en erreur : ${culprits || 'voir le journal'}.`
		};
	}
	return { ok: true, text: `Synchronisation ${mode} réussie en ${result.seconds.toFixed(1)} s : ${what}.` };
}

/** Runs démarche syncs in the DS Web Worker, one client per démarche, with live progress. */
class DsRunner {
	runs = $state<Record<string, RunView>>({});
	#clients = new Map<string, DsClient>();

	async start(config: DemarcheConfig, mode: 'auto' | 'full'): Promise<DsSyncResult | null> {
		if (!session.backend) return null;
		const previous = this.runs[config.id];
		const view: RunView = {
			running: true,
			progress: null,
			phaseLabel: '',
			expectedDossiers: previous?.expectedDossiers ?? 0,
			log: [],
			summary: null,
			error: null
		};
		this.runs[config.id] = view;
		const run = this.runs[config.id]!;
		const client = createDsClient();
		this.#clients.set(config.id, client);
		journal.add('info', `Synchronisation de la démarche ${config.demarcheNumber} lancée.`);
		try {
			const result = await client.run(
				{
					demarche: config.demarcheNumber,
					options: {
						mode,
						// Someone pressed the button: refresh labels too (they don't bump updated_at; ~N/100 requests).
						labelsEveryMs: 0,
						tablePrefix: config.tablePrefix,
						filters: { ...config.filters, states: config.filters.states as DsSyncFilters['states'] }
					},
					proxy: {
						url: new URL(`/api/ds/configs/${config.id}/graphql`, window.location.origin).href,
						headers: await session.authHeaders()
					}
				},
				session.backend,
				(p) => {
					run.progress = p;
					run.phaseLabel = PHASES[p.phase];
					if (p.log) run.log = [...run.log, p.log];
				}
			);
			run.summary = summarise(result);
			run.log = [...run.log, ...result.log.filter((l) => !run.log.includes(l))];
			if (result.status !== 'cancelled' && result.mode === 'full') run.expectedDossiers = result.dossiersSeen;
			journal.add(
				run.summary.ok ? 'succes' : 'alerte',
				`Démarche ${config.demarcheNumber} : ${run.summary.text}`
			);
			return result;
		} catch (e) {
			run.error = handleError(e, `Synchronisation de la démarche ${config.demarcheNumber}`).message;
			return null;
		} finally {
			run.running = false;
			client.dispose();
			this.#clients.delete(config.id);
		}
	}

	async cancel(configId: string): Promise<void> {
		await this.#clients.get(configId)?.cancel();
	}
}

export const dsRunner = new DsRunner();
