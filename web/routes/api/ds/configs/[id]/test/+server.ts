import type { RequestHandler } from './$types';
import { testConfig } from '#server/ds-configs/routes.ts';

export const POST: RequestHandler = (event) => testConfig(event, event.params.id);
