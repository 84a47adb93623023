import { PasserelleError } from '#widget/errors.ts';
import type { DsGraphqlError } from './ds-types.ts';

/** Error codes of the DS transport and sync, each with a French message. */
export type DsErrorCode =
	| 'ds_unauthorized'
	| 'ds_forbidden_demarche'
	| 'ds_not_found'
	| 'ds_rate_limited'
	| 'ds_timeout'
	| 'ds_server_error'
	| 'ds_bad_response'
	| 'ds_bad_request'
	| 'ds_graphql'
	| 'ds_network'
	| 'ds_invalid_input';

/** Facts that make a French message precise. */
export interface DsErrorContext {
	demarche?: number;
	dossier?: number;
	status?: number;
	endpoint?: string;
	retryAfterMs?: number;
	detail?: string;
}

const RETRYABLE: ReadonlySet<DsErrorCode> = new Set([
	'ds_rate_limited',
	'ds_timeout',
	'ds_server_error',
	'ds_network'
]);

function message(code: DsErrorCode, c: DsErrorContext): string {
	const demarche = c.demarche === undefined ? 'demandée' : `n° ${c.demarche}`;
	switch (code) {
		case 'ds_unauthorized':
			return 'Jeton API Démarches Simplifiées refusé ou expiré : créez un nouveau jeton dans « Voir mon profil » sur Démarches Simplifiées, puis enregistrez-le ici.';
		case 'ds_forbidden_demarche':
			return `Le jeton n’a pas accès à la démarche ${demarche} : vérifiez que cette démarche fait partie du périmètre du jeton (profil administrateur sur Démarches Simplifiées).`;
		case 'ds_not_found':
			return c.dossier !== undefined
				? `Dossier n° ${c.dossier} introuvable sur Démarches Simplifiées.`
				: `Démarche ${demarche} introuvable sur Démarches Simplifiées : vérifiez le numéro.`;
		case 'ds_rate_limited':
			return `Démarches Simplifiées limite le nombre de requêtes : nouvel essai dans ${Math.ceil((c.retryAfterMs ?? 60_000) / 1000)} s.`;
		case 'ds_timeout':
			return 'Démarches Simplifiées met trop de temps à répondre : nouvel essai avec des pages plus petites.';
		case 'ds_server_error':
			return `Démarches Simplifiées a rencontré une erreur${c.status ? ` (${c.status})` : ''} : nouvel essai bientôt.`;
		case 'ds_bad_response':
			return `Réponse illisible de Démarches Simplifiées${c.endpoint ? ` (${c.endpoint})` : ''} : l’adresse de l’API est peut-être incorrecte, ou le service en maintenance.`;
		case 'ds_bad_request':
			return `Démarches Simplifiées a refusé la requête${c.detail ? ` : ${c.detail}` : ''}.`;
		case 'ds_graphql':
			return `Démarches Simplifiées a renvoyé une erreur${c.detail ? ` : ${c.detail}` : ''}.`;
		case 'ds_network':
			return `Impossible de joindre Démarches Simplifiées${c.endpoint ? ` (${c.endpoint})` : ''} : vérifiez l’adresse et la connexion réseau.`;
		case 'ds_invalid_input':
			return c.detail ?? 'Paramètre invalide.';
	}
}

/** Builds the typed error for a DS failure, with its French message and retry flag. */
export function dsError(code: DsErrorCode, context: DsErrorContext = {}, cause?: unknown): PasserelleError {
	const details: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(context)) if (v !== undefined) details[k] = v;
	return new PasserelleError(code, message(code, context), RETRYABLE.has(code), { cause, details });
}

/** True for a PasserelleError raised by the DS layer with the given code(s). */
export function isDsError(error: unknown, ...codes: DsErrorCode[]): error is PasserelleError {
	return (
		error instanceof PasserelleError && (codes.length === 0 || codes.includes(error.code as DsErrorCode))
	);
}

/** Reads `Retry-After` (seconds or HTTP date) or `RateLimit-Reset` (epoch seconds) into a delay. */
export function retryAfterMs(get: (name: string) => string | null, nowMs: number): number {
	const after = get('retry-after');
	if (after) {
		const seconds = Number(after);
		if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
		const date = Date.parse(after);
		if (Number.isFinite(date)) return Math.max(0, date - nowMs);
	}
	const reset = Number(get('ratelimit-reset'));
	if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - nowMs);
	return 60_000;
}

/** Maps a non-2xx HTTP answer of DS to a typed error (ds.md §1.1, §1.9, §1.10). */
export function dsHttpError(
	status: number,
	get: (name: string) => string | null,
	body: string,
	context: DsErrorContext & { nowMs: number }
): PasserelleError {
	const { nowMs, ...ctx } = context;
	const detail = firstGraphqlMessage(body) ?? body.slice(0, 200).trim();
	if (status === 401) return dsError('ds_unauthorized', { ...ctx, status, detail });
	if (status === 403) {
		// 403 = request from a network outside the token's allow-list, or no token at all.
		return new PasserelleError(
			'ds_unauthorized',
			`Démarches Simplifiées refuse l’accès (403)${detail ? ` : ${detail}` : ''}. Vérifiez le jeton et, s’il est restreint à certaines adresses IP, ajoutez celle du serveur Passerelle dans votre profil.`,
			false,
			{ details: { ...ctx, status, detail } }
		);
	}
	if (status === 429)
		return dsError('ds_rate_limited', { ...ctx, status, retryAfterMs: retryAfterMs(get, nowMs) });
	if (status === 408 || status === 504) return dsError('ds_timeout', { ...ctx, status });
	if (status >= 500) return dsError('ds_server_error', { ...ctx, status, detail });
	if (status === 404) return dsError('ds_bad_response', { ...ctx, status, detail });
	return dsError('ds_bad_request', { ...ctx, status, detail });
}

function firstGraphqlMessage(body: string): string | undefined {
	try {
		const parsed = JSON.parse(body) as { errors?: { message?: unknown }[] };
		const m = parsed?.errors?.[0]?.message;
		return typeof m === 'string' ? m : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Raises the GraphQL errors that make the whole request meaningless (token scope, unknown
 * démarche, timeout); leaves the others (bad data on one dossier, complexity) to the caller,
 * which shrinks the page or isolates the dossier.
 */
export function raiseFatalGraphqlErrors(errors: DsGraphqlError[], context: DsErrorContext): void {
	for (const e of errors) {
		const code = e.extensions?.code;
		const text = e.message ?? '';
		// DS's timeout stops the whole execution, wherever it struck (« Timeout on X.field »):
		// the request timed out, and may be tried again (smaller, or later).
		if (code === 'timeout') throw dsError('ds_timeout', { ...context, detail: text });
		// A nested error (e.g. a linked dossier outside the token's scope) concerns one dossier only.
		if ((e.path?.length ?? 0) > 1) continue;
		if (code === 'unauthorized' || /hidden due to permissions/i.test(text)) {
			throw dsError('ds_forbidden_demarche', { ...context, detail: text });
		}
		if (code === 'deprecated_token' || /token expired|invalid token/i.test(text)) {
			throw dsError('ds_unauthorized', { ...context, detail: text });
		}
		if (code === 'not_found') throw dsError('ds_not_found', { ...context, detail: text });
		if (code === 'forbidden') throw dsError('ds_unauthorized', { ...context, detail: text });
	}
}

/** True when an error list says the query was too big (complexity or depth), so a smaller page may pass. */
export function isComplexityError(errors: DsGraphqlError[]): boolean {
	return errors.some((e) => /complexity|too deep|depth/i.test(e.message ?? ''));
}
