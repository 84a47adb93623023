/** web/lib/schedules — the « Planification » tab's pieces: API calls, formatting, components. */
export * from './schedule-types.ts';
export * from './schedule-format.ts';
export * from './schedules-api.ts';
export { default as ApiKeyPanel } from './ApiKeyPanel.svelte';
export { default as RunsTable } from './RunsTable.svelte';
export { default as ScheduleCard } from './ScheduleCard.svelte';
