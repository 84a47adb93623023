import type { RequestHandler } from './$types';
import { readJsonBody, saveScheduleFor, scheduleRoute } from '#server/schedules/index.ts';

/** `PUT /api/schedules/:configId` `{ enabled, spec }`: saves the schedule of one démarche. */
export const PUT: RequestHandler = (event) =>
	scheduleRoute(event, async (deps, auth) =>
		saveScheduleFor(deps, auth, event.params.configId, await readJsonBody(event.request))
	);
