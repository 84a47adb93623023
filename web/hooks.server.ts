import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { PasserelleError } from '#widget/errors.ts';
import { withCors } from '#server/auth/cors.ts';
import { getConfig, getContext, peekContext } from '#server/context.ts';
import { createLogger } from '#server/log.ts';
import { startSchedules } from '#server/schedules/index.ts';

/** Used until the context is up (or when it never comes up). */
const fallbackLog = createLogger({ base: { service: 'passerelle' } });

/**
 * Startup: read the configuration (production without PASSERELLE_SECRET_KEY stops here with a
 * French message), open and migrate the database, start the scheduler. A failure prevents the
 * server from starting.
 */
export const init: ServerInit = async () => {
	try {
		const ctx = await getContext();
		// Nightly syncs run on the server, whether or not a browser is open.
		const schedules = await startSchedules(ctx);
		process.once('sveltekit:shutdown', () => void schedules.stop());
	} catch (error) {
		const message = error instanceof PasserelleError ? error.userMessage : String(error);
		fallbackLog.error(`Passerelle ne peut pas démarrer : ${message}`, { error });
		throw error;
	}
};

/** CORS for `/api/*`: the widget iframe may be served from another origin than this server. */
export const handle: Handle = async ({ event, resolve }) => {
	if (!event.url.pathname.startsWith('/api/')) return resolve(event);
	return withCors(event.request, getConfig().gristOrigins, () => resolve(event));
};

/**
 * The one server error handler: logs with redaction, answers `{ message, code }` in French,
 * showing a PasserelleError's own message and hiding everything else.
 */
export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status === 404 && !(error instanceof PasserelleError)) {
		const notFound: App.Error & { code: string } = { message: 'Page introuvable.', code: 'not_found' };
		return notFound;
	}
	const log = peekContext()?.log ?? fallbackLog;
	log.error('Erreur serveur', {
		error,
		status,
		method: event.request.method,
		path: event.url.pathname,
		route: event.route.id
	});
	const body: App.Error & { code: string } =
		error instanceof PasserelleError
			? { message: error.userMessage, code: error.code }
			: { message: 'Erreur interne du serveur. L’incident a été journalisé.', code: 'internal' };
	return body;
};
