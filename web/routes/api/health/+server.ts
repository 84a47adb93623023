import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { checkHealth } from '#server/context.ts';

/** `GET /api/health`: `{ status, version, database, demo }` after a real `select 1`; 503 otherwise. */
export const GET: RequestHandler = async () => {
	const { status, body } = await checkHealth();
	return json(body, { status, headers: { 'cache-control': 'no-store' } });
};
