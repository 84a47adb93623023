import type { RequestHandler } from './$types';
import { llmStatus } from '#server/llm/llm-routes.ts';

/** `GET /api/llm/status`: `{configured, provider, model, …}` for the UI. */
export const GET: RequestHandler = (event) => llmStatus(event);
