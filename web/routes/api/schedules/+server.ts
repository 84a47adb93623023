import type { RequestHandler } from './$types';
import { scheduleRoute, schedulesOverview } from '#server/schedules/index.ts';

/** `GET /api/schedules`: the document's démarche configurations, their schedules and last runs. */
export const GET: RequestHandler = (event) => scheduleRoute(event, schedulesOverview);
