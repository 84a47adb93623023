/**
 * The typed error every room throws: a stable `code`, whether retrying may help, and a French
 * message for the user. widget/ is the bottom room, so the base class lives here.
 */
export class PasserelleError extends Error {
	override readonly name = 'PasserelleError';
	/** Stable machine code, e.g. `grist_unauthorized`, `ds_rate_limited`. */
	readonly code: string;
	/** French sentence a user can act on. */
	readonly userMessage: string;
	/** True when the same call may succeed later (network, 429, 5xx, timeouts). */
	readonly retryable: boolean;
	/** Extra facts for logs and the UI (never secrets). */
	readonly details: Record<string, unknown>;

	constructor(
		code: string,
		userMessage: string,
		retryable = false,
		options?: { cause?: unknown; details?: Record<string, unknown> }
	) {
		super(userMessage, options?.cause === undefined ? undefined : { cause: options.cause });
		this.code = code;
		this.userMessage = userMessage;
		this.retryable = retryable;
		this.details = options?.details ?? {};
	}
}

/** Serialisable form of an error, for worker boundaries, HTTP bodies and logs. */
export interface ErrorPayload {
	code: string;
	message: string;
	retryable: boolean;
	details?: Record<string, unknown>;
}

/** Turns anything thrown into an ErrorPayload with a French message. */
export function toErrorPayload(error: unknown): ErrorPayload {
	if (error instanceof PasserelleError) {
		return {
			code: error.code,
			message: error.userMessage,
			retryable: error.retryable,
			details: error.details
		};
	}
	if (error && typeof error === 'object' && 'code' in error && 'message' in error && 'retryable' in error) {
		const e = error as ErrorPayload;
		return {
			code: String(e.code),
			message: String(e.message),
			retryable: Boolean(e.retryable),
			details: e.details
		};
	}
	if (error instanceof Error && error.name === 'AbortError') {
		return { code: 'cancelled', message: 'Opération annulée.', retryable: false };
	}
	const text = error instanceof Error ? error.message : String(error);
	return { code: 'unexpected', message: `Erreur inattendue : ${text}`, retryable: false };
}

/** Rebuilds a PasserelleError from its payload (the other side of a worker or HTTP boundary). */
export function fromErrorPayload(payload: ErrorPayload): PasserelleError {
	return new PasserelleError(payload.code, payload.message, payload.retryable, { details: payload.details });
}
