import { PasserelleError } from '#widget/errors.ts';
import { authorizeRequest, type AuthContext } from '../auth/authorize.ts';
import { getContext, type AppContext } from '../context.ts';
import type { ScheduleApiDeps } from './schedule-api.ts';
import { currentScheduleService } from './schedule-service.ts';

/** The parts of a SvelteKit request event the schedule routes use. */
export interface ScheduleRouteEvent {
	request: Request;
	getClientAddress(): string;
}

/** Options of `scheduleRoute`, mostly for tests. */
export interface ScheduleRouteOptions {
	/** HTTP status of a success (default 200). */
	status?: number;
	context?: () => Promise<AppContext>;
	/** Passed to `authorizeRequest` (tests). */
	fetch?: typeof fetch;
	/** Access the route needs (default: `read` for GET, `write` for anything else). */
	access?: 'read' | 'write';
}

/** Largest JSON body a schedule route reads. */
const MAX_BODY_BYTES = 16_000;

/** Reads a small JSON body; a French 400 when it is not JSON. */
export async function readJsonBody(request: Request): Promise<unknown> {
	const text = await request.text();
	if (text.length > MAX_BODY_BYTES) {
		throw new PasserelleError('body_too_large', 'Requête trop volumineuse.', false, {
			details: { status: 413 }
		});
	}
	if (text.trim() === '') return {};
	try {
		return JSON.parse(text);
	} catch {
		throw new PasserelleError('body_invalid', 'Requête illisible : JSON attendu.', false, {
			details: { status: 400 }
		});
	}
}

/** The dependencies of the schedule API, from the process context. */
export function scheduleApiDeps(ctx: AppContext): ScheduleApiDeps {
	return {
		database: ctx.db,
		secrets: ctx.secrets,
		log: ctx.log,
		nudge: () => currentScheduleService()?.nudge()
	};
}

/**
 * Runs a schedule route: proves the caller's access to a Grist document (401/403 otherwise;
 * changing anything needs write access, proven with Grist: a viewer may only look),
 * calls `action` scoped to that document, and answers JSON. A PasserelleError carrying
 * `details.status` becomes `{ code, message, retryable, issues? }` with that status; anything
 * else goes to the server's `handleError` hook (500, logged).
 */
export async function scheduleRoute<T>(
	event: ScheduleRouteEvent,
	action: (deps: ScheduleApiDeps, auth: AuthContext) => Promise<T> | T,
	options: ScheduleRouteOptions = {}
): Promise<Response> {
	try {
		const ctx = await (options.context ?? getContext)();
		const auth = await authorizeRequest(
			{
				headers: event.request.headers,
				clientAddress: event.getClientAddress(),
				access: options.access ?? (event.request.method === 'GET' ? 'read' : 'write')
			},
			ctx.config,
			options.fetch ? { fetch: options.fetch } : {}
		);
		const body = await action(scheduleApiDeps(ctx), auth);
		return Response.json(body, { status: options.status ?? 200, headers: { 'cache-control': 'no-store' } });
	} catch (error) {
		if (error instanceof PasserelleError && typeof error.details.status === 'number') {
			const issues = error.details.issues;
			return Response.json(
				{
					code: error.code,
					message: error.userMessage,
					retryable: error.retryable,
					...(Array.isArray(issues) ? { issues } : {})
				},
				{ status: error.details.status, headers: { 'cache-control': 'no-store' } }
			);
		}
		throw error;
	}
}
