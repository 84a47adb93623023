import type { RequestHandler } from './$types';
import { deleteConfig, updateConfig } from '#server/ds-configs/routes.ts';

export const PATCH: RequestHandler = (event) => updateConfig(event, event.params.id);
export const DELETE: RequestHandler = (event) => deleteConfig(event, event.params.id);
