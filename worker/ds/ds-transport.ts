import { fromErrorPayload, type ErrorPayload } from '#widget/errors.ts';
import { dsError, raiseFatalGraphqlErrors } from './ds-errors.ts';
import type { DsGraphqlError } from './ds-types.ts';

/** What one GraphQL call to DS gives back once transport failures are ruled out. */
export interface DsResult<T> {
	data: T | null;
	errors: DsGraphqlError[];
}

/** Options of one DS call. */
export interface DsRequestOptions {
	signal?: AbortSignal;
}

/**
 * The port the DS engine talks through. Implementations raise typed PasserelleErrors
 * (`ds_unauthorized`, `ds_forbidden_demarche`, `ds_not_found`, `ds_rate_limited` with
 * `details.retryAfterMs`, `ds_timeout`, `ds_server_error`, `ds_bad_response`, `ds_network`) and
 * return the remaining GraphQL errors (partial data) for the caller to judge.
 */
export interface DsTransport {
	request<T>(
		query: string,
		variables: Record<string, unknown>,
		options?: DsRequestOptions
	): Promise<DsResult<T>>;
}

/** The JSON body our server route `POST /api/ds/graphql` accepts. */
export interface DsProxyRequest {
	query: string;
	variables: Record<string, unknown>;
}

/** The JSON body our server route answers: a DS result, or a serialised PasserelleError. */
export type DsProxyResponse = { data: unknown; errors?: DsGraphqlError[] } | { error: ErrorPayload };

/** Context for French messages taken from the variables of a call. */
export function contextOf(variables: Record<string, unknown>): { demarche?: number; dossier?: number } {
	const n = (v: unknown) => (typeof v === 'number' ? v : undefined);
	return { demarche: n(variables.demarche), dossier: n(variables.number) };
}

/**
 * Checks a parsed DS body: it must be a GraphQL result object; fatal errors are raised, the
 * others returned with the data.
 */
export function readDsBody<T>(
	body: unknown,
	variables: Record<string, unknown>,
	endpoint?: string
): DsResult<T> {
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		throw dsError('ds_bad_response', { ...contextOf(variables), endpoint });
	}
	const { data, errors } = body as { data?: unknown; errors?: unknown };
	if (errors !== undefined && !Array.isArray(errors)) {
		throw dsError('ds_bad_response', { ...contextOf(variables), endpoint });
	}
	const list = (errors ?? []) as DsGraphqlError[];
	if (data === undefined && list.length === 0) {
		throw dsError('ds_bad_response', { ...contextOf(variables), endpoint });
	}
	raiseFatalGraphqlErrors(list, contextOf(variables));
	return { data: (data ?? null) as T | null, errors: list };
}

/**
 * The browser-side transport: posts `{query, variables}` to our server, which holds the DS token
 * and forwards only our own documents.
 */
export function createHttpProxyTransport(
	fetchFn: typeof fetch,
	url: string,
	headers: Record<string, string> = {}
): DsTransport {
	return {
		async request<T>(query: string, variables: Record<string, unknown>, options: DsRequestOptions = {}) {
			let response: Response;
			try {
				response = await fetchFn(url, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
					body: JSON.stringify({ query, variables } satisfies DsProxyRequest),
					signal: options.signal
				});
			} catch (cause) {
				if (options.signal?.aborted) throw options.signal.reason;
				throw dsError('ds_network', { ...contextOf(variables), endpoint: url }, cause);
			}
			const text = await response.text();
			let body: unknown;
			try {
				body = JSON.parse(text);
			} catch (cause) {
				if (response.status >= 500) throw dsError('ds_server_error', { status: response.status }, cause);
				throw dsError('ds_bad_response', { ...contextOf(variables), endpoint: url }, cause);
			}
			if (body && typeof body === 'object' && 'error' in body) {
				throw fromErrorPayload((body as { error: ErrorPayload }).error);
			}
			if (!response.ok) throw dsError('ds_server_error', { status: response.status });
			return readDsBody<T>(body, variables, url);
		}
	};
}

/**
 * A transport that waits for `limiter` before each call: the server wraps its token-holding
 * transport with `sharedRateLimiter(<token fingerprint>)` so that every widget and job using one
 * DS token stays under DS's per-token limit together.
 */
export function rateLimitedTransport(
	transport: DsTransport,
	limiter: { take(signal?: AbortSignal): Promise<void> }
): DsTransport {
	return {
		async request<T>(query: string, variables: Record<string, unknown>, options: DsRequestOptions = {}) {
			await limiter.take(options.signal);
			return transport.request<T>(query, variables, options);
		}
	};
}
