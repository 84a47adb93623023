import type { AppContext } from '../context.ts';
import { createDsSyncHandler } from './ds-sync-handler.ts';
import {
	startScheduleService,
	type ScheduleService,
	type ScheduleServiceOptions
} from './schedule-service.ts';

let starting: Promise<ScheduleService> | undefined;

/**
 * Starts this process's scheduler and job runner with the DS handler, once (later calls return
 * the same service; a failed start is retried on the next call). Call it at server startup after
 * `getContext()`; stop the returned service on shutdown.
 */
export function startSchedules(
	ctx: AppContext,
	options: ScheduleServiceOptions = {}
): Promise<ScheduleService> {
	if (!starting) {
		const attempt = startScheduleService(
			{
				database: ctx.db,
				secrets: ctx.secrets,
				log: ctx.log,
				handler: createDsSyncHandler({ database: ctx.db, secrets: ctx.secrets })
			},
			{ databaseUrl: ctx.config.databaseUrl, ...options }
		);
		starting = attempt;
		attempt.catch(() => {
			if (starting === attempt) starting = undefined;
		});
	}
	return starting;
}
