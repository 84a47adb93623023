import type { RunStatus, RunView } from './schedule-types.ts';

const PARIS = 'Europe/Paris';

const dateTime = new Intl.DateTimeFormat('fr-FR', {
	timeZone: PARIS,
	weekday: 'long',
	day: 'numeric',
	month: 'long',
	year: 'numeric',
	hour: '2-digit',
	minute: '2-digit'
});
const shortDateTime = new Intl.DateTimeFormat('fr-FR', {
	timeZone: PARIS,
	day: '2-digit',
	month: '2-digit',
	year: 'numeric',
	hour: '2-digit',
	minute: '2-digit'
});

/** « lundi 15 juin 2026 à 06:15 », Paris time. */
export function formatDateTime(iso: string | null): string {
	return iso ? dateTime.format(new Date(iso)) : '—';
}

/** « 15/06/2026 06:15 », Paris time. */
export function formatShort(iso: string | null): string {
	return iso ? shortDateTime.format(new Date(iso)) : '—';
}

/** « 2 min 05 s », « 42 s », « 1 h 03 min ». */
export function formatDuration(ms: number | null): string {
	if (ms === null) return '—';
	const s = Math.round(ms / 1000);
	if (s < 60) return `${s} s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
	return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** A number in French, or a dash. */
export function formatCount(n: number | null): string {
	return n === null ? '—' : n.toLocaleString('fr-FR');
}

/** French label and DSFR badge of each run status. */
export const STATUS_BADGES: Record<RunStatus, { label: string; badge: string }> = {
	en_attente: { label: 'En attente', badge: 'fr-badge--new' },
	en_cours: { label: 'En cours', badge: 'fr-badge--info' },
	nouvel_essai: { label: 'Nouvel essai prévu', badge: 'fr-badge--warning' },
	reussie: { label: 'Réussie', badge: 'fr-badge--success' },
	partielle: { label: 'Partielle', badge: 'fr-badge--warning' },
	echouee: { label: 'Échouée', badge: 'fr-badge--error' },
	ignoree: { label: 'Ignorée', badge: 'fr-badge--no-icon' }
};

/** What the last column of a run shows: its error, or its message. */
export function runNote(run: RunView): string {
	return run.errorMessage ?? run.message ?? '';
}

/** French names of ISO weekdays (1 = lundi). */
export const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
