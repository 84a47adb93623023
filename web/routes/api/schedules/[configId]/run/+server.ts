import type { RequestHandler } from './$types';
import { runNowFor, scheduleRoute } from '#server/schedules/index.ts';

/** `POST /api/schedules/:configId/run`: « Exécuter maintenant » (202, the pending run). */
export const POST: RequestHandler = (event) =>
	scheduleRoute(event, (deps, auth) => runNowFor(deps, auth, event.params.configId), { status: 202 });
