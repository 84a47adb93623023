import { json } from '@sveltejs/kit';
import { PasserelleError, toErrorPayload } from '#widget/errors.ts';
import { authorizeRequest, type AuthContext } from '../auth/authorize.ts';
import { getContext, type AppContext } from '../context.ts';

/** What a route handler gets: the app context and the proven Grist document. */
export interface ApiCall {
	ctx: AppContext;
	auth: AuthContext;
	request: Request;
}

/** The parts of a SvelteKit RequestEvent the API layer uses. */
export interface ApiEvent {
	request: Request;
	getClientAddress(): string;
}

/**
 * Runs an API handler for the Grist document the caller proves access to (`access: 'write'`:
 * proven editor or owner). Every error ends here as `{code, message, retryable}` with a French
 * message and a meaningful status; nothing else (no stack, no secret) leaves the server.
 */
export async function withDocument(
	event: ApiEvent,
	handler: (call: ApiCall) => Promise<unknown>,
	options: { access?: 'read' | 'write' } = {}
): Promise<Response> {
	let ctx: AppContext | undefined;
	try {
		ctx = await getContext();
		const auth = await authorizeRequest(
			{
				headers: event.request.headers,
				clientAddress: event.getClientAddress(),
				access: options.access ?? 'read'
			},
			ctx.config
		);
		const body = await handler({ ctx, auth, request: event.request });
		return json(body ?? null, { headers: { 'cache-control': 'no-store' } });
	} catch (error) {
		const payload = toErrorPayload(error);
		const status =
			error instanceof PasserelleError && typeof error.details.status === 'number'
				? error.details.status
				: payload.retryable
					? 503
					: 400;
		if (status >= 500 || !(error instanceof PasserelleError))
			ctx?.log.error('Erreur API', { code: payload.code, error: String(error) });
		return json({ code: payload.code, message: payload.message, retryable: payload.retryable }, { status });
	}
}

/** Reads a JSON body, or fails with a French 400. */
export async function readJson<T = Record<string, unknown>>(request: Request): Promise<T> {
	try {
		return (await request.json()) as T;
	} catch {
		throw new PasserelleError('bad_json', 'Requête invalide : corps JSON attendu.', false, {
			details: { status: 400 }
		});
	}
}
