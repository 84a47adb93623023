import { session } from '../grist-session.svelte.ts';
import type {
	ConfigSchedule,
	DocumentAccess,
	RunView,
	SchedulePreview,
	SchedulesOverview,
	ScheduleSpec
} from './schedule-types.ts';

/** `GET /api/schedules`: the document's démarches with their schedules and last runs. */
export const loadSchedules = () => session.api<SchedulesOverview>('/api/schedules');

/** Validates a spec on the server and gets its next fires. */
export const previewSchedule = (spec: ScheduleSpec) =>
	session.api<SchedulePreview>('/api/schedules/preview', { method: 'POST', body: JSON.stringify({ spec }) });

/** Saves the schedule of one démarche. */
export const saveSchedule = (configId: string, enabled: boolean, spec: ScheduleSpec) =>
	session.api<ConfigSchedule>(`/api/schedules/${encodeURIComponent(configId)}`, {
		method: 'PUT',
		body: JSON.stringify({ enabled, spec })
	});

/** « Exécuter maintenant ». */
export const runNow = (configId: string) =>
	session.api<RunView>(`/api/schedules/${encodeURIComponent(configId)}/run`, { method: 'POST', body: '{}' });

/** « Réactiver » after an automatic pause. */
export const resumeSchedule = (configId: string) =>
	session.api<ConfigSchedule>(`/api/schedules/${encodeURIComponent(configId)}/resume`, {
		method: 'POST',
		body: '{}'
	});

/** Sends the API key once; the answer never contains it. */
export const saveApiKey = (apiKey: string) =>
	session.api<DocumentAccess>('/api/schedules/api-key', { method: 'PUT', body: JSON.stringify({ apiKey }) });

/** Forgets the document's API key. */
export const deleteApiKey = () => session.api<DocumentAccess>('/api/schedules/api-key', { method: 'DELETE' });
