import type { RequestHandler } from './$types';
import { createConfig, listConfigs } from '#server/ds-configs/routes.ts';

export const GET: RequestHandler = (event) => listConfigs(event);
export const POST: RequestHandler = (event) => createConfig(event);
