import { PasserelleError, toErrorPayload } from '#widget/errors.ts';
import { isKnownDsQuery } from '#worker/ds/ds-queries.ts';
import type { DsProxyResponse, DsTransport } from '#worker/ds/ds-transport.ts';

/** What the route answers: an HTTP status, a JSON body, and extra headers. */
export interface DsProxyAnswer {
	status: number;
	body: DsProxyResponse;
	headers: Record<string, string>;
}

const STATUS: Record<string, number> = {
	ds_unauthorized: 401,
	ds_forbidden_demarche: 403,
	ds_not_found: 404,
	ds_rate_limited: 429,
	ds_timeout: 504,
	ds_server_error: 502,
	ds_bad_response: 502,
	ds_network: 502,
	ds_bad_request: 400,
	ds_invalid_input: 400,
	ds_query_refused: 400
};

/**
 * Handles `POST /api/ds/graphql` for the widget's worker: forwards only Passerelle's own query
 * documents (never a mutation, whatever the token allows) through the server's DS transport,
 * and answers `{data, errors}` or `{error}` with a French message.
 */
export async function handleDsProxyRequest(
	body: unknown,
	transport: DsTransport,
	signal?: AbortSignal
): Promise<DsProxyAnswer> {
	try {
		const { query, variables } = (body ?? {}) as { query?: unknown; variables?: unknown };
		if (
			typeof query !== 'string' ||
			(variables !== undefined && (typeof variables !== 'object' || variables === null))
		) {
			throw new PasserelleError('ds_bad_request', 'Requête invalide : { query, variables } attendu.');
		}
		if (!isKnownDsQuery(query)) {
			throw new PasserelleError(
				'ds_query_refused',
				'Cette requête n’est pas une requête Passerelle : le serveur ne la transmet pas à Démarches Simplifiées.'
			);
		}
		const result = await transport.request(query, (variables ?? {}) as Record<string, unknown>, { signal });
		return {
			status: 200,
			body: { data: result.data, ...(result.errors.length ? { errors: result.errors } : {}) },
			headers: {}
		};
	} catch (error) {
		const payload = toErrorPayload(error);
		const retryAfter = Number(payload.details?.retryAfterMs);
		return {
			status: STATUS[payload.code] ?? 500,
			body: { error: payload },
			headers: Number.isFinite(retryAfter) ? { 'Retry-After': String(Math.ceil(retryAfter / 1000)) } : {}
		};
	}
}
