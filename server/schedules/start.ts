import type { AppContext } from '../context.ts';
import { createDsSyncHandler } from './ds-sync-handler.ts';
import {
	currentScheduleService,
	startScheduleService,
	type ScheduleService,
	type ScheduleServiceOptions
} from './schedule-service.ts';

/**
 * Starts this process's scheduler and job runner with the DS handler, once (later calls return
 * the running service). Call it at server startup after `getContext()`; stop it on shutdown.
 */
export async function startSchedules(
	ctx: AppContext,
	options: ScheduleServiceOptions = {}
): Promise<ScheduleService> {
	const running = currentScheduleService();
	if (running) return running;
	return startScheduleService(
		{
			database: ctx.db,
			secrets: ctx.secrets,
			log: ctx.log,
			handler: createDsSyncHandler({ database: ctx.db, secrets: ctx.secrets })
		},
		{ databaseUrl: ctx.config.databaseUrl, ...options }
	);
}
