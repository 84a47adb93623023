import type { RequestHandler } from './$types';
import { extractQuote } from '#server/llm/llm-routes.ts';

/** `POST /api/llm/extract-quote` `{anonymisedText}`: structured reading of an anonymised devis. */
export const POST: RequestHandler = (event) => extractQuote(event);
