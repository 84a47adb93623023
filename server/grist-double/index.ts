import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PasserelleError } from '#widget/errors.ts';
import type { CellValue, UserAction } from '#widget/grist-types.ts';
import { createMemoryDocument, type MemoryDocument } from '#widget/memory-backend.ts';
import { GRIST_BODY_LIMIT } from '#widget/rest-backend.ts';

/** One request the double received, for assertions on request shapes. */
export interface RecordedRequest {
	method: string;
	path: string;
	bytes: number;
	status: number;
	contentType: string | undefined;
}

/** A running local double of Grist's document REST API. */
export interface GristDouble {
	/** Origin to use as `gristUrl`, e.g. `http://127.0.0.1:41234`. */
	url: string;
	docId: string;
	apiKey: string;
	doc: MemoryDocument;
	requests: RecordedRequest[];
	/** Makes the next `n` requests answer with `status` (e.g. 502), to test retries. */
	failNext(n: number, status: number): void;
	close(): Promise<void>;
}

/** Options of the double. */
export interface GristDoubleOptions {
	docId?: string;
	apiKey?: string;
	/** Keys that may read but not write (a real Grist answers 403 to their writes). */
	readOnlyKeys?: string[];
	port?: number;
}

/**
 * Starts a local HTTP double of Grist's REST API (grist.md §9) on 127.0.0.1: the endpoints the
 * REST adapter uses, Grist's status codes and error bodies, and its 1 MB body limit.
 */
export async function startGristDouble(options: GristDoubleOptions = {}): Promise<GristDouble> {
	const docId = options.docId ?? 'docDouble1';
	const apiKey = options.apiKey ?? 'cle-api-double';
	const readOnly = new Set(options.readOnlyKeys ?? []);
	const doc = createMemoryDocument();
	const requests: RecordedRequest[] = [];
	let failures: { n: number; status: number } = { n: 0, status: 500 };

	const server = createServer((req, res) => {
		void handle(req, res);
	});

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		let bytes = 0;
		for await (const chunk of req) {
			bytes += (chunk as Buffer).length;
			chunks.push(chunk as Buffer);
		}
		const url = new URL(req.url ?? '/', 'http://double');
		const record = (status: number) =>
			requests.push({
				method: req.method ?? 'GET',
				path: url.pathname + url.search,
				bytes,
				status,
				contentType: req.headers['content-type']
			});
		const send = (status: number, body: unknown) => {
			record(status);
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (failures.n > 0) {
			failures = { n: failures.n - 1, status: failures.status };
			send(failures.status, { error: 'Injected failure' });
			return;
		}
		const auth = req.headers.authorization;
		if (!auth) return send(403, { error: 'No view access' });
		const key = auth.replace(/^Bearer\s+/i, '');
		if (key !== apiKey && !readOnly.has(key)) return send(401, { error: 'Bad API key' });

		const match = /^\/api\/docs\/([^/]+)(\/.*)?$/.exec(url.pathname);
		if (!match) return send(404, { error: 'not found' });
		if (decodeURIComponent(match[1]!) !== docId) return send(404, { error: 'document not found' });
		const rest = match[2] ?? '';
		const method = req.method ?? 'GET';
		const isWrite = method !== 'GET';
		if (isWrite && readOnly.has(key)) return send(403, { error: 'No write access' });
		if (bytes > GRIST_BODY_LIMIT) return send(413, { error: 'request entity too large' });
		let body: unknown = undefined;
		if (bytes > 0) {
			if (!String(req.headers['content-type'] ?? '').includes('application/json')) {
				return send(400, { error: 'Expected a JSON body' });
			}
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch {
				return send(400, { error: 'Invalid JSON' });
			}
		}
		try {
			const hidden = url.searchParams.get('hidden') === 'true';
			let m: RegExpExecArray | null;
			if (method === 'GET' && rest === '/tables') {
				return send(200, {
					tables: doc
						.listTables()
						.map((t) => ({ id: t.id, fields: { summarySourceTable: 0, onDemand: false } }))
				});
			}
			if (method === 'GET' && (m = /^\/tables\/([^/]+)\/columns$/.exec(rest))) {
				const cols = doc.columnFields(decodeURIComponent(m[1]!));
				return send(200, { columns: hidden ? cols : cols.filter((c) => c.id !== 'manualSort') });
			}
			if (method === 'GET' && (m = /^\/tables\/([^/]+)\/records$/.exec(rest))) {
				const data = doc.fetchTable(decodeURIComponent(m[1]!), { hidden });
				const cols = Object.keys(data).filter((c) => c !== 'id');
				const records = data.id.map((id, i) => ({
					id,
					fields: Object.fromEntries(cols.map((c) => [c, (data[c] as CellValue[])[i] ?? null]))
				}));
				return send(200, { records });
			}
			if (method === 'POST' && rest === '/apply') {
				if (!Array.isArray(body) || !body.every((a) => Array.isArray(a) && typeof a[0] === 'string')) {
					return send(400, { error: 'Expected a list of user actions' });
				}
				const retValues = doc.apply(body as UserAction[]);
				return send(200, { actionNum: doc.actionCount, actionHash: null, retValues, isUndo: false });
			}
			return send(404, { error: `Unknown endpoint ${method} ${rest}` });
		} catch (error) {
			if (error instanceof PasserelleError) {
				const status = Number(error.details.status ?? 400);
				return send(status, { error: error.userMessage });
			}
			return send(500, { error: String(error) });
		}
	}

	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		docId,
		apiKey,
		doc,
		requests,
		failNext(n, status) {
			failures = { n, status };
		},
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((e) => (e ? reject(e) : resolve()));
			})
	};
}
