import { ClientError, GraphQLClient } from 'graphql-request';
import { PasserelleError } from '#widget/errors.ts';
import { dsError, dsHttpError } from '#worker/ds/ds-errors.ts';
import { contextOf, readDsBody, type DsTransport } from '#worker/ds/ds-transport.ts';
import type { DsGraphqlError } from '#worker/ds/ds-types.ts';

/** Options of the Node-side DS transport. */
export interface DsGraphqlTransportOptions {
	/** GraphQL endpoint (see `resolveDsEndpoint`). */
	endpoint: string;
	/** DS API token; only ever sent as `Authorization: Bearer`. */
	token: string;
	/** Client timeout per request (DS stops at 30 s; default 60 s, ds.md §2.6). */
	timeoutMs?: number;
	fetch?: typeof fetch;
	/** Clock for `RateLimit-Reset` arithmetic. */
	now?: () => number;
}

/**
 * The DS transport that holds the token (server side), over graphql-request: maps HTTP
 * statuses, timeouts, network failures and garbage bodies to typed French errors.
 */
export function createDsGraphqlTransport(options: DsGraphqlTransportOptions): DsTransport {
	const endpoint = options.endpoint;
	const client = new GraphQLClient(endpoint, {
		headers: { Authorization: `Bearer ${options.token}`, Accept: 'application/json' },
		fetch: options.fetch,
		// GraphQL errors come back with the data: the engine decides what they mean.
		errorPolicy: 'all'
	});
	const now = options.now ?? Date.now;

	return {
		async request<T>(
			query: string,
			variables: Record<string, unknown>,
			requestOptions: { signal?: AbortSignal } = {}
		) {
			const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
			const signal = requestOptions.signal ? AbortSignal.any([requestOptions.signal, timeout]) : timeout;
			const context = { ...contextOf(variables), endpoint };
			try {
				const response = await client.rawRequest<T>({ query, variables, signal });
				return readDsBody<T>(
					{
						data: response.data,
						...(response.errors ? { errors: response.errors as unknown as DsGraphqlError[] } : {})
					},
					variables,
					endpoint
				);
			} catch (error) {
				if (requestOptions.signal?.aborted) throw requestOptions.signal.reason;
				if (error instanceof PasserelleError) throw error;
				if (error instanceof ClientError) {
					const { status, headers, body } = error.response as {
						status: number;
						headers?: Headers;
						body?: string;
					};
					if (status >= 200 && status < 300) throw dsError('ds_bad_response', context, error);
					throw dsHttpError(status, (name) => headers?.get(name) ?? null, String(body ?? ''), {
						...context,
						nowMs: now()
					});
				}
				if (timeout.aborted || (error instanceof Error && error.name === 'TimeoutError')) {
					throw dsError('ds_timeout', context, error);
				}
				if (error instanceof TypeError) throw dsError('ds_network', context, error);
				// graphql-request throws a plain Error when a 2xx body is not a GraphQL result.
				throw dsError('ds_bad_response', context, error);
			}
		}
	};
}
