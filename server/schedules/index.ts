/** server/schedules — nightly syncs: schedules in Paris time, a scheduler and a job runner on pg-boss. */
export * from './schedule-spec.ts';
export * from './next-fire.ts';
export * from './schema.ts';
export * from './sync-job.ts';
export * from './run-errors.ts';
export * from './schedule-store.ts';
export * from './scheduler.ts';
export * from './job-runner.ts';
export * from './schedule-service.ts';
export * from './schedule-api.ts';
export * from './http.ts';
export * from './ds-sync-handler.ts';
export * from './start.ts';
