import type { RequestHandler } from './$types';
import { externalStatus } from '#server/external/external-routes.ts';

/** `GET /api/external/status`: are the online RGE and company checks on (`EXTERNAL_CHECKS`)? */
export const GET: RequestHandler = (event) => externalStatus(event);
