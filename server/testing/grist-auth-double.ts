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
 * Serves `GET [/o/<org>]/api/docs/<docId>/tables?auth=<token>` and `POST …/apply?auth=<token>`
 * on 127.0.0.1 as grist-core does: an editor's token (`tokens`) → 200 to both (`/apply []`
 * changes nothing); a viewer's token (`viewerTokens`) → 200 to reads, 403 `No write access` to
 * `/apply` (Grist's `canEdit` check comes before the body is read); another document's token
 * → 403, anything else → 401, unknown document → 404. `redirects` lists documents answered
 * with a 302 to `redirectTo`. Every request is recorded as `METHOD path?query` for writes.
 */
export async function startGristAuthDouble(options: {
	tokens: Record<string, string>;
	viewerTokens?: Record<string, string>;
	redirects?: Record<string, string>;
}): Promise<GristAuthDouble> {
	const requests: string[] = [];
	const known = [...Object.values(options.tokens), ...Object.values(options.viewerTokens ?? {})];
	const server: Server = createServer((req, res) => {
		requests.push(req.method === 'GET' ? (req.url ?? '') : `${req.method} ${req.url ?? ''}`);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const match = /^(?:\/o\/[^/]+)?\/api\/docs\/([^/]+)\/(tables|apply)$/.exec(url.pathname);
		const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
			res.writeHead(status, { 'content-type': 'application/json', ...headers });
			res.end(JSON.stringify(body));
		};
		const write = match?.[2] === 'apply';
		if (!match?.[1] || req.method !== (write ? 'POST' : 'GET')) return send(404, { error: 'not found' });
		const docId = match[1];
		const redirect = options.redirects?.[docId];
		if (redirect) return send(302, {}, { location: redirect });
		const editor = options.tokens[docId];
		const viewer = options.viewerTokens?.[docId];
		if (editor === undefined && viewer === undefined) return send(404, { error: 'document not found' });
		const token = url.searchParams.get('auth');
		if (token && token === viewer && write) return send(403, { error: 'No write access' });
		if (token && (token === editor || token === viewer)) {
			return write
				? send(200, { actionNum: 0, retValues: [], isModification: false })
				: send(200, { tables: [{ id: 'Table1', fields: {} }] });
		}
		if (token && known.includes(token)) return send(403, { error: 'No view access' });
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
