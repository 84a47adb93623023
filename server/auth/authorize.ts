import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { PasserelleError } from '#widget/errors.ts';
import type { ServerConfig } from '../config.ts';

/** Header carrying the widget's Grist access token (`grist.docApi.getAccessToken()`). */
export const GRIST_TOKEN_HEADER = 'x-grist-access-token';
/** Header carrying the token's `baseUrl`: `<grist origin>[/o/<org>]/api/docs/<docId>`. */
export const GRIST_BASE_URL_HEADER = 'x-grist-base-url';
/** Header naming the document in demo mode (grist-static has no access tokens). */
export const DEMO_DOC_HEADER = 'x-passerelle-demo-doc';

/** How long a verified token is trusted without asking Grist again. */
export const TOKEN_CACHE_TTL_MS = 60_000;
/** How long Grist may take to confirm a token. */
export const VERIFY_TIMEOUT_MS = 10_000;

/** The parts of an incoming request authorisation looks at. */
export interface AuthRequest {
	headers: Headers;
	/** The TCP peer (SvelteKit `getClientAddress()`). */
	clientAddress: string;
	/**
	 * What the call needs (default `read`): `write` for anything that changes what the server
	 * holds or does for the document (schedules, API key, DS configurations and their token).
	 */
	access?: 'read' | 'write';
}

/** Who may act, on which document: proven by Grist, or granted to a loopback caller in demo mode. */
export type AuthContext =
	| {
			mode: 'grist';
			docId: string;
			gristOrigin: string;
			/** `<origin>[/o/<org>]/api/docs/<docId>`, rebuilt from its checked parts. */
			docApiUrl: string;
			/** The widget's short-lived token, to call Grist on the user's behalf. */
			accessToken: string;
	  }
	| { mode: 'demo'; docId: string; gristOrigin: null };

/** A Grist document API address, checked against the allow-list. */
export interface GristDocAddress {
	origin: string;
	/** `/o/<org>` or empty. */
	orgPrefix: string;
	docId: string;
	docApiUrl: string;
}

/** Remembers tokens Grist confirmed (by SHA-256 and scope: document, or document + write), for at most the TTL. */
export interface TokenCache {
	get(token: string, docApiUrl: string, now: number): boolean;
	set(token: string, docApiUrl: string, expiresAt: number): void;
	clear(): void;
	readonly size: number;
}

/** Dependencies of `authorizeRequest`, replaceable in tests. */
export interface AuthDeps {
	fetch?: typeof fetch;
	cache?: TokenCache;
	now?: () => number;
	timeoutMs?: number;
}

function refused(code: string, status: number, message: string, retryable = false, cause?: unknown) {
	return new PasserelleError(code, message, retryable, { cause, details: { status } });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** An in-memory TokenCache bounded in size (oldest entries go first). */
export function createTokenCache(maxEntries = 1000): TokenCache {
	const entries = new Map<string, { docApiUrl: string; expiresAt: number }>();
	return {
		get(token, docApiUrl, now) {
			const key = `${sha256(token)} ${docApiUrl}`;
			const entry = entries.get(key);
			if (!entry) return false;
			if (entry.expiresAt <= now) {
				entries.delete(key);
				return false;
			}
			// A token proven for one document says nothing about another.
			return entry.docApiUrl === docApiUrl;
		},
		set(token, docApiUrl, expiresAt) {
			const key = `${sha256(token)} ${docApiUrl}`;
			entries.delete(key);
			entries.set(key, { docApiUrl, expiresAt });
			while (entries.size > maxEntries) {
				const oldest = entries.keys().next().value;
				if (oldest === undefined) break;
				entries.delete(oldest);
			}
		},
		clear: () => entries.clear(),
		get size() {
			return entries.size;
		}
	};
}

const defaultCache = createTokenCache();

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** True for 127.0.0.0/8, ::1 and IPv4-mapped ::ffff:127.x addresses. */
export function isLoopbackAddress(address: string): boolean {
	const bare = address
		.trim()
		.replace(/^\[(.*)\]$/, '$1')
		.replace(/%.*$/, '');
	const family = isIP(bare);
	if (family === 4) return loopback.check(bare, 'ipv4');
	if (family === 6) return loopback.check(bare, 'ipv6');
	return false;
}

/** Addresses a proxy says it forwarded for; any non-loopback one means the caller is remote. */
function forwardedAddresses(headers: Headers): string[] {
	const out: string[] = [];
	for (const name of ['x-forwarded-for', 'x-real-ip']) {
		const value = headers.get(name);
		if (value) out.push(...value.split(',').map((v) => v.trim()));
	}
	const forwarded = headers.get('forwarded');
	if (forwarded) {
		for (const match of forwarded.matchAll(/for=("?)([^;,"]+)\1/gi)) out.push(match[2]!.replace(/:\d+$/, ''));
		if (out.length === 0) out.push('unknown');
	}
	return out;
}

const DOC_ID = /^[A-Za-z0-9][A-Za-z0-9_~-]{0,199}$/;
const ORG = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/**
 * Checks an `X-Grist-Base-Url` value: an allowed origin exactly, then `[/o/<org>]/api/docs/<docId>`
 * and nothing else (no credentials, query, fragment, encoded characters or dot segments).
 */
export function parseGristBaseUrl(value: string, allowedOrigins: readonly string[]): GristDocAddress {
	const invalid = () =>
		refused(
			'auth_invalid_base_url',
			400,
			'Adresse du document Grist invalide : attendu <adresse Grist>/api/docs/<identifiant du document>.'
		);
	// Parse the raw text ourselves too: URL() would silently resolve `..` and percent-encodings.
	if (value.length > 2000 || /[\s%\\]/.test(value)) throw invalid();
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw invalid();
	}
	if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
		throw invalid();
	if (!allowedOrigins.includes(url.origin)) {
		throw refused(
			'auth_origin_refused',
			403,
			`Ce serveur Passerelle n’accepte pas les documents de ${url.origin}. ` +
				'L’administrateur doit ajouter cette adresse à GRIST_ORIGINS.'
		);
	}
	const rest = value.slice(value.indexOf('//') + 2);
	const rawPath = rest.includes('/') ? rest.slice(rest.indexOf('/')) : '';
	if (url.search || url.hash || rawPath !== url.pathname) throw invalid();
	const match = /^(\/o\/([^/]+))?\/api\/docs\/([^/]+)\/?$/.exec(url.pathname);
	const org = match?.[2];
	const docId = match?.[3];
	if (!match || !docId || !DOC_ID.test(docId) || (org !== undefined && !ORG.test(org))) throw invalid();
	const orgPrefix = org === undefined ? '' : `/o/${org}`;
	return { origin: url.origin, orgPrefix, docId, docApiUrl: `${url.origin}${orgPrefix}/api/docs/${docId}` };
}

/** Seconds-since-epoch `exp` of a JWT, when the token is one; Grist access tokens are. */
function jwtExpiry(token: string): number | undefined {
	const payload = token.split('.')[1];
	if (!payload) return undefined;
	try {
		const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
		return typeof exp === 'number' ? exp * 1000 : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Asks Grist whether the token may read the document (`GET <doc>/tables`) or, for `write`, edit
 * it: `POST <doc>/apply` with an empty list of actions, which Grist refuses with 403 to anyone
 * below editor before looking at the body, and which changes nothing for an editor.
 */
async function verifyToken(
	address: GristDocAddress,
	token: string,
	deps: AuthDeps,
	access: 'read' | 'write' = 'read'
): Promise<void> {
	const url = new URL(`${address.docApiUrl}/${access === 'write' ? 'apply' : 'tables'}`);
	url.searchParams.set('auth', token);
	let response: Response;
	try {
		response = await (deps.fetch ?? fetch)(url, {
			method: access === 'write' ? 'POST' : 'GET',
			headers: {
				accept: 'application/json',
				...(access === 'write' ? { 'content-type': 'application/json' } : {})
			},
			...(access === 'write' ? { body: '[]' } : {}),
			// Never follow: a redirect could lead the server anywhere (SSRF).
			redirect: 'manual',
			signal: AbortSignal.timeout(deps.timeoutMs ?? VERIFY_TIMEOUT_MS)
		});
	} catch (cause) {
		throw refused(
			'grist_unreachable',
			503,
			`Grist (${address.origin}) ne répond pas : l’accès au document n’a pas pu être vérifié. Réessayez dans un instant.`,
			true,
			cause
		);
	}
	await response.body?.cancel().catch(() => {});
	const { status } = response;
	if (status === 200) return;
	if (status === 401) {
		throw refused(
			'auth_token_invalid',
			401,
			'Votre accès au document Grist n’a pas pu être vérifié (jeton expiré ou invalide). Rechargez la page Grist.'
		);
	}
	if (access === 'write' && status === 403) {
		throw refused(
			'auth_read_only',
			403,
			'Votre accès à ce document Grist est en lecture seule : seuls ses éditeurs et propriétaires peuvent modifier ce réglage.'
		);
	}
	if (status === 403 || status === 404) {
		throw refused('auth_forbidden', 403, 'Vous n’avez pas accès à ce document Grist.');
	}
	if (status >= 300 && status < 400) {
		throw refused(
			'grist_redirect',
			502,
			`Grist (${address.origin}) a répondu par une redirection, que Passerelle ne suit pas. Vérifiez l’adresse dans GRIST_ORIGINS.`
		);
	}
	throw refused(
		'grist_unavailable',
		502,
		`Grist (${address.origin}) n’a pas pu vérifier l’accès au document (erreur ${status}). Réessayez plus tard.`,
		status >= 500 || status === 429
	);
}

function authorizeDemo(request: AuthRequest, demoDoc: string): AuthContext {
	const remote =
		!isLoopbackAddress(request.clientAddress) ||
		forwardedAddresses(request.headers).some((address) => !isLoopbackAddress(address));
	if (remote) {
		throw refused(
			'auth_demo_remote',
			403,
			'Le mode démo n’accepte que les appels venant de cette machine (127.0.0.1).'
		);
	}
	const id = demoDoc.trim();
	if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
		throw refused('auth_demo_invalid', 400, 'Identifiant de document de démo invalide.');
	}
	return { mode: 'demo', docId: `demo:${id}`, gristOrigin: null };
}

/**
 * Authorises a widget→server call for the Grist document it concerns: the widget's access
 * token is proven by Grist itself (`GET <baseUrl>/tables?auth=`, plus `POST <baseUrl>/apply []`
 * when the call needs write access) on an allowed origin only; in demo mode, loopback callers
 * naming a demo document pass. Throws a PasserelleError whose
 * `details.status` is the HTTP status to answer (400, 401, 403, 502, 503).
 */
export async function authorizeRequest(
	request: AuthRequest,
	config: Pick<ServerConfig, 'demo' | 'gristOrigins'>,
	deps: AuthDeps = {}
): Promise<AuthContext> {
	const token = request.headers.get(GRIST_TOKEN_HEADER)?.trim();
	const baseUrl = request.headers.get(GRIST_BASE_URL_HEADER)?.trim();
	const demoDoc = request.headers.get(DEMO_DOC_HEADER);

	if (demoDoc !== null && !config.demo) {
		throw refused('auth_demo_disabled', 403, 'Le mode démo n’est pas activé sur ce serveur.');
	}
	if (!token && !baseUrl && demoDoc !== null) return authorizeDemo(request, demoDoc);
	if (!token || !baseUrl) {
		throw refused(
			'auth_missing',
			401,
			'Accès refusé : la requête ne vient pas d’un document Grist. Ouvrez Passerelle depuis un widget Grist.'
		);
	}
	if (token.length > 8192 || !/^[\x21-\x7e]+$/.test(token)) {
		throw refused('auth_token_invalid', 401, 'Jeton d’accès Grist illisible. Rechargez la page Grist.');
	}
	const address = parseGristBaseUrl(baseUrl, config.gristOrigins);
	const cache = deps.cache ?? defaultCache;
	const now = (deps.now ?? Date.now)();
	const expiresAt = Math.min(now + TOKEN_CACHE_TTL_MS, jwtExpiry(token) ?? Infinity);
	if (!cache.get(token, address.docApiUrl, now)) {
		await verifyToken(address, token, deps);
		if (expiresAt > now) cache.set(token, address.docApiUrl, expiresAt);
	}
	// Write access is proven separately (and cached under its own key): reading proves nothing of it.
	const writeKey = `${address.docApiUrl}#write`;
	if (request.access === 'write' && !cache.get(token, writeKey, now)) {
		await verifyToken(address, token, deps, 'write');
		if (expiresAt > now) cache.set(token, writeKey, expiresAt);
	}
	return {
		mode: 'grist',
		docId: address.docId,
		gristOrigin: address.origin,
		docApiUrl: address.docApiUrl,
		accessToken: token
	};
}
