import type { Component } from 'svelte';
import DemarchesTab from './DemarchesTab.svelte';
import PlanificationTab from './PlanificationTab.svelte';
import DevisTab from './DevisTab.svelte';

/** One capability tab of the widget. */
export interface TabEntry {
	id: string;
	label: string;
	/** DSFR icon class. */
	icon: string;
	component: Component;
}

/** Capability tabs, in display order; Journal and Aide are appended by the shell. */
export const TABS: TabEntry[] = [
	{ id: 'demarches', label: 'Démarches', icon: 'fr-icon-survey-line', component: DemarchesTab },
	{ id: 'devis', label: 'Devis', icon: 'fr-icon-file-text-line', component: DevisTab },
	{ id: 'planification', label: 'Planification', icon: 'fr-icon-calendar-line', component: PlanificationTab }
];
