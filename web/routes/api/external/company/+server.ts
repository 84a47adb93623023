import type { RequestHandler } from './$types';
import { companyCheck } from '#server/external/external-routes.ts';

/** `POST /api/external/company` `{siret}`: company state, cached; "non_verifie" when the directory is down. */
export const POST: RequestHandler = (event) => companyCheck(event);
