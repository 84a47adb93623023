/** Request headers the widget may send cross-origin. */
export const CORS_ALLOWED_HEADERS = [
	'Content-Type',
	'X-Grist-Access-Token',
	'X-Grist-Base-Url',
	'X-Passerelle-Demo-Doc'
];
/** Methods the API answers cross-origin. */
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** True for http(s) origins on 127.0.0.0/8, localhost or [::1] (the demo and local Grist). */
export function isLoopbackOrigin(origin: string): boolean {
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		return false;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
	const host = url.hostname;
	return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * CORS headers for an `/api/*` response to `origin`, or undefined when that origin is neither
 * an allowed Grist origin nor loopback (the browser then blocks the call).
 */
export function corsHeaders(origin: string | null, gristOrigins: readonly string[]): Headers | undefined {
	if (!origin || (!gristOrigins.includes(origin) && !isLoopbackOrigin(origin))) return undefined;
	return new Headers({
		'Access-Control-Allow-Origin': origin,
		'Access-Control-Allow-Methods': CORS_ALLOWED_METHODS.join(', '),
		'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS.join(', '),
		'Access-Control-Max-Age': '600',
		Vary: 'Origin'
	});
}

/**
 * Wraps an `/api/*` request: answers preflights (204) itself, otherwise runs `next` and adds
 * the CORS headers when the caller's origin is allowed.
 */
export async function withCors(
	request: Request,
	gristOrigins: readonly string[],
	next: () => Response | Promise<Response>
): Promise<Response> {
	const origin = request.headers.get('origin');
	const headers = corsHeaders(origin, gristOrigins);
	if (request.method === 'OPTIONS') {
		return new Response(null, { status: 204, headers: headers ?? { Vary: 'Origin' } });
	}
	let response = await next();
	if (!origin) return response;
	try {
		response.headers.append('Vary', 'Origin');
	} catch {
		// Responses passed through from fetch() have immutable headers: copy them.
		response = new Response(response.body, response);
		response.headers.append('Vary', 'Origin');
	}
	if (headers) {
		for (const [name, value] of headers) if (name !== 'vary') response.headers.set(name, value);
	}
	return response;
}
