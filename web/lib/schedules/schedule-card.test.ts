import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import RunsTable from './RunsTable.svelte';
import ScheduleCard from './ScheduleCard.svelte';
import type { ConfigSchedule, RunView } from './schedule-types.ts';

const failed: RunView = {
	id: 'r2',
	trigger: 'planifiee',
	fireTime: '2026-06-15T00:30:00.000Z',
	status: 'echouee',
	attempts: 1,
	requestedAt: '2026-06-15T00:30:01.000Z',
	startedAt: '2026-06-15T00:30:02.000Z',
	finishedAt: '2026-06-15T00:30:03.000Z',
	durationMs: 1200,
	dossiers: null,
	rowsWritten: null,
	message: null,
	errorCode: 'grist_unauthorized',
	errorMessage: 'Grist refuse la clé API enregistrée (clé révoquée ou erronée).'
};
const succeeded: RunView = {
	...failed,
	id: 'r1',
	trigger: 'manuelle',
	status: 'reussie',
	attempts: 2,
	durationMs: 125_000,
	dossiers: 1234,
	rowsWritten: 56,
	errorCode: null,
	errorMessage: null,
	message: 'Synchronisation incrémentale réussie.'
};

const entry = (schedule: Partial<ConfigSchedule['schedule']> | null): ConfigSchedule => ({
	configId: 'c1',
	demarcheNumber: 4242,
	tablePrefix: 'Demarche_4242',
	hasToken: true,
	schedule: schedule && {
		id: 's1',
		configId: 'c1',
		enabled: true,
		spec: { kind: 'quotidien', time: '02:30' },
		cron: '30 2 * * *',
		description: 'Chaque jour à 02:30 (heure de Paris)',
		timeZone: 'Europe/Paris',
		timeoutSeconds: 7200,
		nextFireAt: '2026-10-25T00:30:00.000Z',
		lastFireAt: null,
		consecutiveFailures: 0,
		pausedAt: null,
		pauseReason: null,
		...schedule
	},
	upcoming: [],
	runs: [succeeded, failed]
});

const props = { canRun: true, cannotRunReason: '', onChanged: () => {}, onRunRequested: () => {} };

describe('ScheduleCard (server-rendered markup)', () => {
	it('shows the next run in Paris time and the last runs with status, duration, counts and error', () => {
		const { body } = render(ScheduleCard, { props: { ...props, entry: entry({}) } });
		expect(body).toContain('Prochaine exécution : <strong>dimanche 25 octobre 2026 à 02:30</strong>');
		expect(body).not.toContain('data-testid="schedule-paused"');
		expect(body).toContain('Réussie');
		expect(body).toContain('Manuelle · 2 essais');
		expect(body).toContain('2 min 05 s');
		expect(body).toMatch(/1\s234/);
		expect(body).toContain('Échouée');
		expect(body).toContain('Grist refuse la clé API enregistrée (clé révoquée ou erronée).');
	});

	it('shows an auto-paused schedule with its reason and « Réactiver »', () => {
		const { body } = render(ScheduleCard, {
			props: {
				...props,
				entry: entry({
					pausedAt: '2026-06-16T00:31:00.000Z',
					nextFireAt: null,
					consecutiveFailures: 3,
					pauseReason: 'Planification suspendue automatiquement après 3 échecs consécutifs.'
				})
			}
		});
		expect(body).toContain('data-testid="schedule-paused"');
		expect(body).toContain('Planification suspendue automatiquement après 3 échecs consécutifs.');
		expect(body).toContain('Réactiver');
		expect(body).toContain('Aucune exécution prévue tant que la planification est suspendue.');
	});

	it('disables « Exécuter maintenant » and says why when the server cannot write', () => {
		const { body } = render(ScheduleCard, {
			props: {
				...props,
				canRun: false,
				cannotRunReason: 'Enregistrez d’abord la clé API.',
				entry: entry(null)
			}
		});
		expect(body).toMatch(
			/<button[^>]*disabled[^>]*data-testid="run-now"|<button[^>]*data-testid="run-now"[^>]*disabled/
		);
		expect(body).toContain('Enregistrez d’abord la clé API.');
		expect(body).toContain('Planification désactivée');
	});

	it('says so when there is no run yet', () => {
		const { body } = render(RunsTable, { props: { runs: [] } });
		expect(body).toContain('Aucune exécution pour l’instant.');
	});
});
