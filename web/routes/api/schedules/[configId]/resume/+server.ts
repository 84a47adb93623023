import type { RequestHandler } from './$types';
import { resumeFor, scheduleRoute } from '#server/schedules/index.ts';

/** `POST /api/schedules/:configId/resume`: « Réactiver » a schedule paused after repeated failures. */
export const POST: RequestHandler = (event) =>
	scheduleRoute(event, (deps, auth) => resumeFor(deps, auth, event.params.configId));
