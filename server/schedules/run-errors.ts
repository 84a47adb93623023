import { PasserelleError } from '#widget/errors.ts';
import { redactText } from '../log.ts';

/** An error as stored on a run and shown on the schedule. */
export interface RunError {
	code: string;
	/** French, actionable, secrets masked. */
	message: string;
	retryable: boolean;
}

const MAX_MESSAGE = 1000;

/** Clearer wording for the errors a server-side run meets most, keyed by error code. */
const SERVER_WORDING: Record<string, string> = {
	grist_unauthorized:
		'Grist refuse la clé API enregistrée (clé révoquée ou erronée). Remplacez-la dans l’onglet Planification.',
	grist_forbidden:
		'La clé API Grist enregistrée n’a pas le droit d’écrire dans ce document : utilisez la clé d’un compte éditeur ou propriétaire du document.',
	grist_not_found:
		'Grist ne trouve pas ce document avec la clé API enregistrée : la clé appartient-elle à un compte qui a accès au document ?'
};

/** The error raised when a run exceeds its time limit. */
export function runTimeoutError(timeoutMs: number): PasserelleError {
	const hours = timeoutMs / 3_600_000;
	const label =
		hours >= 1 && Number.isInteger(hours)
			? `${hours} h`
			: `${Math.max(1, Math.round(timeoutMs / 60_000))} min`;
	return new PasserelleError(
		'run_timeout',
		`La synchronisation a dépassé la durée maximale (${label}) et a été arrêtée. Ce qui a été écrit dans Grist est conservé ; la prochaine exécution reprendra où celle-ci s’est arrêtée.`,
		false,
		{ details: { timeoutMs } }
	);
}

/** Turns anything a run threw into a code, a French message with secrets masked, and a retry flag. */
export function describeRunError(error: unknown, secretValues: Iterable<string> = []): RunError {
	let code = 'unexpected';
	let message: string;
	let retryable = false;
	if (error instanceof PasserelleError) {
		code = error.code;
		message = SERVER_WORDING[code] ?? error.userMessage;
		retryable = error.retryable;
	} else if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
		code = 'cancelled';
		message = 'Exécution interrompue (arrêt du serveur) : elle reprendra au prochain essai.';
		retryable = true;
	} else {
		const text = error instanceof Error ? error.message : String(error);
		message = `Erreur inattendue : ${text}`;
	}
	message = redactText(message, secretValues);
	if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE - 1)}…`;
	return { code, message, retryable };
}
