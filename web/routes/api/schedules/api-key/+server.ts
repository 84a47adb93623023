import type { RequestHandler } from './$types';
import { deleteApiKeyFor, readJsonBody, saveApiKeyFor, scheduleRoute } from '#server/schedules/index.ts';

/** `PUT /api/schedules/api-key` `{ apiKey }`: checks the key with Grist, stores it encrypted; never answers it. */
export const PUT: RequestHandler = (event) =>
	scheduleRoute(event, async (deps, auth) => saveApiKeyFor(deps, auth, await readJsonBody(event.request)));

/** `DELETE /api/schedules/api-key`: forgets the document's key. */
export const DELETE: RequestHandler = (event) => scheduleRoute(event, deleteApiKeyFor);
