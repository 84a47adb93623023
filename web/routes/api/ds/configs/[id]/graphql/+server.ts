import type { RequestHandler } from './$types';
import { proxyGraphql } from '#server/ds-configs/routes.ts';

export const POST: RequestHandler = (event) => proxyGraphql(event, event.params.id);
