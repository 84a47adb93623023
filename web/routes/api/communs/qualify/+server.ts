import type { RequestHandler } from './$types';
import { qualify } from '#server/communs/communs-routes.ts';

/** `POST /api/communs/qualify` `{nom, description}`: M57 compétences and leviers with scores. */
export const POST: RequestHandler = (event) => qualify(event);
