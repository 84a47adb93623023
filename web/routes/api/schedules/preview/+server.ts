import type { RequestHandler } from './$types';
import { previewSchedule, readJsonBody, scheduleRoute } from '#server/schedules/index.ts';

/** `POST /api/schedules/preview` `{ spec }`: French issues, or the cron and the next fires. */
export const POST: RequestHandler = (event) =>
	scheduleRoute(event, async () => previewSchedule(await readJsonBody(event.request)), { access: 'read' });
