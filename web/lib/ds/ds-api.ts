import { session } from '../grist-session.svelte.ts';

/** Filters of a démarche, as the server stores them. */
export interface DemarcheFilters {
	states?: string[];
	groupesInstructeurs?: number[];
	deposeSince?: string;
	deposeUntil?: string;
}

/** A démarche configuration as the server shows it (never the token). */
export interface DemarcheConfig {
	id: string;
	demarcheNumber: number;
	dsUrl: string;
	tablePrefix: string;
	filters: DemarcheFilters;
	hasToken: boolean;
	updatedAt: string;
}

/** What DS says of a démarche when the connection test passes. */
export interface DemarcheInfo {
	title: string;
	state: string;
	groupes: { number: number; label: string }[];
}

/** Input of the "add a démarche" form. */
export interface DemarcheForm {
	demarcheNumber: string;
	token: string;
	dsUrl: string;
	tablePrefix: string;
	filters: DemarcheFilters;
}

/** The official instances offered in the form; "autre" lets an admin-allowed URL through. */
export const DS_INSTANCES = [
	{ label: 'demarche.numerique.gouv.fr', url: 'https://demarche.numerique.gouv.fr/api/v2/graphql' },
	{ label: 'demarches-simplifiees.fr', url: 'https://www.demarches-simplifiees.fr/api/v2/graphql' }
];

/** French labels of dossier states. */
export const STATE_LABELS: Record<string, string> = {
	en_construction: 'En construction',
	en_instruction: 'En instruction',
	accepte: 'Accepté',
	refuse: 'Refusé',
	sans_suite: 'Classé sans suite'
};

export const listConfigs = () => session.api<{ configs: DemarcheConfig[] }>('/api/ds/configs');
export const createConfig = (form: DemarcheForm) =>
	session.api<{ config: DemarcheConfig; demarche: DemarcheInfo }>('/api/ds/configs', {
		method: 'POST',
		body: JSON.stringify(form)
	});
export const updateConfig = (id: string, changes: Partial<DemarcheForm>) =>
	session.api<{ config: DemarcheConfig }>(`/api/ds/configs/${id}`, {
		method: 'PATCH',
		body: JSON.stringify(changes)
	});
export const deleteConfig = (id: string) => session.api<null>(`/api/ds/configs/${id}`, { method: 'DELETE' });
export const testConfig = (id: string) =>
	session.api<{ demarche: DemarcheInfo }>(`/api/ds/configs/${id}/test`, { method: 'POST' });
