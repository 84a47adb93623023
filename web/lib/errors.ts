import { toErrorPayload, type ErrorPayload } from '#widget/errors.ts';
import { journal } from './journal.svelte.ts';

/**
 * The one place where UI errors end: turned into a French message, written to the journal,
 * and returned for display. Cancellations are not errors.
 */
export function handleError(error: unknown, context?: string): ErrorPayload {
	const payload = toErrorPayload(error);
	if (payload.code !== 'cancelled') {
		journal.add('erreur', context ? `${context} : ${payload.message}` : payload.message);
		console.error(context ?? 'Passerelle', error);
	}
	return payload;
}
