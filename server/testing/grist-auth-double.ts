import { createServer, type Server } from 'node:http';

/** A tiny stand-in for Grist's token check, as grist-core answers it (200 / 401 / 403 / 404). */
export interface GristAuthDouble {
	/** `http://127.0.0.1:<port>`. */
	origin: string;
	/** Paths (with query) of every request received, in order. */
	requests: string[];
	close(): Promise<void>;
}

/**
 * Serves `GET [/o/<org>]/api/docs/<docId>/tables?auth=<token>` on 127.0.0.1: the document's own
 * token → 200, another document's token → 403, anything else → 401, unknown document → 404.
 * `redirects` lists documents answered with a 302 to `redirectTo`.
 */
export async function startGristAuthDouble(options: {
	tokens: Record<string, string>;
	redirects?: Record<string, string>;
}): Promise<GristAuthDouble> {
	const requests: string[] = [];
	const server: Server = createServer((req, res) => {
		requests.push(req.url ?? '');
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const match = /^(?:\/o\/[^/]+)?\/api\/docs\/([^/]+)\/tables$/.exec(url.pathname);
		const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
			res.writeHead(status, { 'content-type': 'application/json', ...headers });
			res.end(JSON.stringify(body));
		};
		if (req.method !== 'GET' || !match?.[1]) return send(404, { error: 'not found' });
		const docId = match[1];
		const redirect = options.redirects?.[docId];
		if (redirect) return send(302, {}, { location: redirect });
		const expected = options.tokens[docId];
		if (expected === undefined) return send(404, { error: 'document not found' });
		const token = url.searchParams.get('auth');
		if (token === expected) return send(200, { tables: [{ id: 'Table1', fields: {} }] });
		if (token && Object.values(options.tokens).includes(token)) return send(403, { error: 'No view access' });
		return send(401, { error: 'Unauthorized' });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		origin: `http://127.0.0.1:${port}`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
