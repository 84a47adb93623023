import type { RequestHandler } from './$types';
import { rgeCheck } from '#server/external/external-routes.ts';

/** `POST /api/external/rge` `{siret}`: ADEME RGE history, cached; "non_verifie" when ADEME is down. */
export const POST: RequestHandler = (event) => rgeCheck(event);
