/**
 * The local DS HTTP server: `POST /api/v2/graphql` with DS's transport behaviour (tokens,
 * 401/403, per-token rate limit with plain-text 429, latency, injectable faults, request
 * counters) and `/__control/*` endpoints so tests in other processes can drive it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { fakeFileContent } from './champ-values.ts';
import {
	DsStore,
	type DeletedDossierReason,
	type DossierTarget,
	type FakeDeletedDossier,
	type FakeDossier
} from './dossier-store.ts';
import {
	controllerError,
	executeRequest,
	loadDsSchema,
	type GraphQLRequestBody,
	type PoisonMode
} from './ds-graphql.ts';
import { createRng, type Rng } from './rng.ts';

/** Faults to inject; `setFaults` replaces the whole configuration (`{}` clears it). */
export interface FaultConfig {
	/** Seed of the fault dice (default: the server seed). Setting it restarts the sequence. */
	seed?: number;
	/** Probability that a request gets a spurious 429 (same response as the real limiter). */
	rateLimitProbability?: number;
	/** Probability of an HTTP error from the platform, status drawn from `serverErrorStatuses`. */
	serverErrorProbability?: number;
	/** Statuses for `serverErrorProbability` (default 500, 502, 503). */
	serverErrorStatuses?: readonly number[];
	/** Probability that the request hangs until the client gives up (or `hangMs` elapses, then 504). */
	hangProbability?: number;
	/** Upper bound of a hang before a 504 (default: hang until the client or the server closes). */
	hangMs?: number;
	/** Probability of a GraphQL `timeout` error (HTTP 200). */
	timeoutProbability?: number;
	/** With a timeout: `partial` keeps what resolved before it (default), `null` returns `data: null`. */
	timeoutData?: 'partial' | 'null';
	/** Any response that would include one of these dossiers fails (clients must split pages to isolate it). */
	poisonDossiers?: readonly number[];
	/** `invalid_null` (the dossier comes back null with an error, as DS on bad data) or `http_500`. */
	poisonMode?: PoisonMode;
	/** Overrides the start option `latencyMs` while set. */
	latencyMs?: number;
}

/** Options of `startFakeDs`. */
export interface FakeDsOptions {
	/** TCP port (0 = any free port; default 0). */
	port?: number;
	/** Interface to bind (default 127.0.0.1). */
	host?: string;
	/** Seed of the data generator (same seed → same data). Default 1. */
	seed?: number;
	/** Visible dossiers to generate (default 500). */
	dossiers?: number;
	/** Delay added to every GraphQL response (ms). */
	latencyMs?: number;
	/** POST requests allowed per minute per `Authorization` header (default 400, as DS). */
	rateLimitPerMinute?: number;
	/** Rate-limit window in seconds (default 60; windows are aligned on the epoch, as rack-attack). */
	rateLimitWindowSeconds?: number;
	/** Execution budget per request before a `timeout` error (default 30,000 ms). */
	timeoutMs?: number;
	faults?: FaultConfig;
	/** Démarche number (default 1234). */
	demarcheNumber?: number;
	/** Fixed tokens instead of random ones. */
	tokens?: Partial<FakeDsTokens>;
	/** Path of the SDL (default `DS_SCHEMA_PATH` or `../shared/ds/schema.graphql`). */
	schemaPath?: string;
	/** Adds permissive CORS headers (real DS is called server-side; off by default). */
	cors?: boolean;
	/**
	 * Renders every dossier before listening (benchmarks): DS's rows exist before anyone asks,
	 * so the first client to read them should not pay for generating them.
	 */
	prerender?: boolean;
}

/** The three tokens of a server: covering the démarche, covering nothing, expired. */
export interface FakeDsTokens {
	valid: string;
	noAccess: string;
	expired: string;
}

/** Request counters (GraphQL endpoint only). */
export interface FakeDsStats {
	/** POST requests received on the GraphQL endpoint. */
	total: number;
	/** By `operationName` (or the document's operation name, `(anonymous)`, `(invalid)`…). */
	byOperation: Record<string, number>;
	/** By HTTP status sent (`"200"`, `"429"`…); hung requests count under `"hang"` until answered. */
	byStatus: Record<string, number>;
	/** 429 answers of the real limiter. */
	rateLimited: number;
	/** Injected faults that fired. */
	faults: { rateLimit: number; serverError: number; hang: number; timeout: number; poison: number };
}

/** Final and pending deletions, as served. */
export interface FakeDsDeletions {
	deleted: FakeDeletedDossier[];
	pending: FakeDeletedDossier[];
}

/** A running fake DS. Mutations are synchronous and return the dossier numbers they hit. */
export interface FakeDs {
	/** Full GraphQL endpoint, e.g. http://127.0.0.1:4010/api/v2/graphql. */
	url: string;
	/** e.g. http://127.0.0.1:4010 */
	origin: string;
	demarcheNumber: number;
	tokens: FakeDsTokens;
	stats(): FakeDsStats;
	resetStats(): void;
	setFaults(f: FaultConfig): void;
	/** Edits one champ/annotation of each target and bumps its `updated_at`. */
	touch(target: DossierTarget): number[];
	/** Final deletion (moves to `deletedDossiers`). */
	remove(target: DossierTarget, reason?: DeletedDossierReason): number[];
	/** To the trash (`pendingDeletedDossiers`). */
	softDelete(target: DossierTarget): number[];
	/** Out of the trash (back in `dossiers`, `updated_at` bumped). */
	restore(target: DossierTarget): number[];
	/** New labels, `updated_at` untouched. */
	relabel(target: DossierTarget): number[];
	/** Renames a descriptor of the active revision (same id). */
	renameChampLabel(descriptorId: string, newLabel: string): void;
	/** Deposits new dossiers now. */
	addDossiers(n: number): number[];
	/** The dossiers `dossiers` serves now, fully rendered, ordered by (dépôt, number). */
	truth(): FakeDossier[];
	/** Final and pending deletions. */
	deletions(): FakeDsDeletions;
	/** The underlying store (advanced tests). */
	store: DsStore;
	close(): Promise<void>;
}

const GRAPHQL_PATH = '/api/v2/graphql';
const MAX_BODY = 2 * 1024 * 1024;
const COWBOY =
	"Calme toi, cowboy ! T'enchaines un peu trop les requêtes. Respire un peu réessaie dans un petit moment.\n" +
	"Calm down, cowboy! You're making too many requests. Take a breather and try again soon.\n";

const emptyStats = (): FakeDsStats => ({
	total: 0,
	byOperation: {},
	byStatus: {},
	rateLimited: 0,
	faults: { rateLimit: 0, serverError: 0, hang: 0, timeout: 0, poison: 0 }
});

/** Starts a fake DS server on 127.0.0.1 (by default on a free port). */
export async function startFakeDs(options: FakeDsOptions = {}): Promise<FakeDs> {
	const host = options.host ?? '127.0.0.1';
	const seed = options.seed ?? 1;
	const demarcheNumber = options.demarcheNumber ?? 1234;
	const limit = options.rateLimitPerMinute ?? 400;
	const windowSeconds = options.rateLimitWindowSeconds ?? 60;
	const timeoutMs = options.timeoutMs ?? 30_000;
	const schema: GraphQLSchema = loadDsSchema(options.schemaPath);
	const token = (): string => randomBytes(24).toString('base64url');
	const tokens: FakeDsTokens = {
		valid: options.tokens?.valid ?? token(),
		noAccess: options.tokens?.noAccess ?? token(),
		expired: options.tokens?.expired ?? token()
	};
	let faults: FaultConfig = {};
	let dice: Rng = createRng(seed, 'faults');
	const setFaults = (f: FaultConfig): void => {
		faults = { ...f };
		dice = createRng(f.seed ?? seed, 'faults');
	};
	setFaults(options.faults ?? {});
	let stats = emptyStats();
	const windows = new Map<string, { window: number; count: number }>();
	const hung = new Set<ServerResponse>();
	const sockets = new Set<Socket>();
	let store: DsStore | null = null;

	const count = (status: number | string): void => {
		const key = String(status);
		stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1;
	};

	const send = (
		res: ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string> = {}
	): void => {
		if (res.writableEnded || res.destroyed) return;
		// Encoded once: its length is the header, the bytes are the body.
		const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
		const type =
			typeof body === 'string'
				? (headers['content-type'] ?? 'text/plain; charset=utf-8')
				: 'application/json; charset=utf-8';
		res.writeHead(status, {
			'content-type': type,
			'content-length': String(bytes.length),
			...(options.cors ? corsHeaders() : {}),
			...headers
		});
		res.end(bytes);
	};

	const tooMany = (res: ServerResponse, nowMs: number): void => {
		const now = Math.floor(nowMs / 1000);
		const reset = now + (windowSeconds - (now % windowSeconds));
		count(429);
		send(res, 429, COWBOY, {
			'content-type': 'text/plain; charset=utf-8',
			'retry-after': String(reset - now),
			'ratelimit-remaining': '0',
			'ratelimit-reset': String(reset)
		});
	};

	const handleGraphql = async (req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> => {
		stats.total++;
		const authorization = req.headers.authorization;
		const nowMs = Date.now();
		// rack-attack: a fixed window per Authorization header; requests without one are not throttled.
		if (authorization) {
			const window = Math.floor(nowMs / 1000 / windowSeconds);
			const entry = windows.get(authorization);
			const current = entry && entry.window === window ? entry : { window, count: 0 };
			current.count++;
			windows.set(authorization, current);
			if (current.count > limit) {
				stats.rateLimited++;
				return tooMany(res, nowMs);
			}
		}
		const latency = faults.latencyMs ?? options.latencyMs ?? 0;
		if (latency > 0) await sleep(latency);
		if (faults.rateLimitProbability && dice.chance(faults.rateLimitProbability)) {
			stats.faults.rateLimit++;
			return tooMany(res, Date.now());
		}
		if (faults.serverErrorProbability && dice.chance(faults.serverErrorProbability)) {
			stats.faults.serverError++;
			const status = dice.pick(faults.serverErrorStatuses ?? [500, 502, 503]);
			count(status);
			return platformError(res, status, send);
		}
		if (faults.hangProbability && dice.chance(faults.hangProbability)) {
			stats.faults.hang++;
			count('hang');
			hung.add(res);
			res.on('close', () => hung.delete(res));
			if (faults.hangMs !== undefined) {
				const timer = setTimeout(() => {
					hung.delete(res);
					count(504);
					send(res, 504, GATEWAY_TIMEOUT, { 'content-type': 'text/html; charset=utf-8' });
				}, faults.hangMs);
				res.on('close', () => clearTimeout(timer));
			}
			return;
		}
		const presented = bearerToken(authorization);
		if (presented === tokens.expired) {
			count(401);
			return send(res, 401, controllerError('Token expired', 'unauthorized'));
		}
		let body: GraphQLRequestBody;
		try {
			body = JSON.parse(raw.toString('utf8') || '{}') as GraphQLRequestBody;
			if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('JSON object expected');
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			count(400);
			stats.byOperation['(invalid)'] = (stats.byOperation['(invalid)'] ?? 0) + 1;
			return send(res, 400, controllerError(message, 'bad_request'));
		}
		const known = presented === tokens.valid || presented === tokens.noAccess;
		if (!known && !body.queryId) {
			count(403);
			const op = typeof body.operationName === 'string' ? body.operationName : '(anonymous)';
			stats.byOperation[op] = (stats.byOperation[op] ?? 0) + 1;
			return send(
				res,
				403,
				controllerError('Without a token, only persisted queries are allowed', 'forbidden')
			);
		}
		const timeoutFault = faults.timeoutProbability ? dice.chance(faults.timeoutProbability) : false;
		if (timeoutFault) stats.faults.timeout++;
		const outcome = executeRequest(schema, requireStore(), body, {
			procedureIds: presented === tokens.valid ? [demarcheNumber] : [],
			timeoutMs,
			forcedTimeoutAfter: timeoutFault ? (faults.timeoutData === 'null' ? 0 : dice.int(10, 500)) : Infinity,
			poison: faults.poisonDossiers,
			poisonMode: faults.poisonMode
		});
		if (outcome.poisoned) stats.faults.poison++;
		stats.byOperation[outcome.operationName] = (stats.byOperation[outcome.operationName] ?? 0) + 1;
		count(outcome.status);
		send(res, outcome.status, outcome.body);
	};

	const requireStore = (): DsStore => {
		if (!store) throw new Error('store not ready');
		return store;
	};

	const handleControl = (action: string, res: ServerResponse, raw: Buffer): void => {
		const ds = requireStore();
		let input: Record<string, unknown> = {};
		if (raw.length > 0) {
			try {
				input = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
			} catch {
				return send(res, 400, { error: 'Corps JSON invalide.' });
			}
		}
		const target = (): DossierTarget => {
			if (Array.isArray(input.numbers)) return input.numbers.map(Number);
			return { count: Number(input.count ?? 1) };
		};
		try {
			switch (action) {
				case 'info':
					return send(res, 200, { url: api.url, origin: api.origin, demarcheNumber, tokens });
				case 'stats':
					return send(res, 200, api.stats());
				case 'resetStats':
					api.resetStats();
					return send(res, 200, { ok: true });
				case 'setFaults':
					api.setFaults(input as FaultConfig);
					return send(res, 200, { ok: true });
				case 'touch':
					return send(res, 200, { numbers: api.touch(target()) });
				case 'remove':
					return send(res, 200, {
						numbers: api.remove(target(), input.reason as DeletedDossierReason | undefined)
					});
				case 'softDelete':
					return send(res, 200, { numbers: api.softDelete(target()) });
				case 'restore':
					return send(res, 200, { numbers: api.restore(target()) });
				case 'relabel':
					return send(res, 200, { numbers: api.relabel(target()) });
				case 'renameChampLabel':
					api.renameChampLabel(String(input.descriptorId), String(input.label ?? input.newLabel));
					return send(res, 200, { ok: true });
				case 'addDossiers':
					return send(res, 200, { numbers: api.addDossiers(Number(input.count ?? 1)) });
				case 'truth':
					return send(res, 200, ds.servedTruth());
				case 'deletions':
					return send(res, 200, api.deletions());
				default:
					return send(res, 404, { error: `Action inconnue : ${action}` });
			}
		} catch (error) {
			return send(res, 400, { error: error instanceof Error ? error.message : String(error) });
		}
	};

	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (options.cors && req.method === 'OPTIONS') {
			res.writeHead(204, corsHeaders());
			res.end();
			return;
		}
		readBody(req)
			.then(async (raw) => {
				if (raw === null) return send(res, 413, { error: 'Corps trop volumineux.' });
				if (url.pathname === GRAPHQL_PATH && req.method === 'POST') return handleGraphql(req, res, raw);
				if (url.pathname.startsWith('/__control/')) {
					return handleControl(url.pathname.slice('/__control/'.length), res, raw);
				}
				const file = /^\/fake-files\/([^/]+)\/([^/]+)$/.exec(url.pathname);
				if (file && req.method === 'GET') {
					const filename = decodeURIComponent(file[2] ?? 'fichier.pdf');
					const content = fakeFileContent(seed, decodeURIComponent(file[1] ?? ''), filename);
					res.writeHead(200, {
						'content-type': filename.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream',
						'content-length': String(content.length)
					});
					res.end(content);
					return;
				}
				send(res, 404, { error: 'Not found' });
			})
			.catch((error: unknown) => {
				count(500);
				send(
					res,
					500,
					controllerError(error instanceof Error ? error.message : String(error), 'internal_server_error')
				);
			});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
	try {
		store = new DsStore({ seed, dossiers: options.dossiers ?? 500, demarcheNumber, origin });
		if (options.prerender) store.prerender();
	} catch (error) {
		await new Promise<void>((resolve) => server.close(() => resolve()));
		throw error;
	}
	const ds = store;

	const api: FakeDs = {
		url: `${origin}${GRAPHQL_PATH}`,
		origin,
		demarcheNumber,
		tokens,
		store: ds,
		stats: () => structuredClone(stats),
		resetStats: () => {
			stats = emptyStats();
		},
		setFaults,
		touch: (t) => ds.touch(t),
		remove: (t, reason) => ds.remove(t, reason),
		softDelete: (t) => ds.softDelete(t),
		restore: (t) => ds.restore(t),
		relabel: (t) => ds.relabel(t),
		renameChampLabel: (id, label) => ds.renameChampLabel(id, label),
		addDossiers: (n) => ds.addDossiers(n),
		truth: () => ds.truth(),
		deletions: () => ({
			deleted: ds
				.deletedRecords()
				.sort((a, b) => a.deletedAt - b.deletedAt || a.id - b.id)
				.map((d) => ds.deletedAsJson(d)),
			pending: ds
				.pendingRecords()
				.sort((a, b) => DsStore.hiddenAt(a) - DsStore.hiddenAt(b) || a.number - b.number)
				.map((r) => ds.pendingAsDeleted(r))
		}),
		close: () =>
			new Promise<void>((resolve) => {
				for (const res of hung) res.destroy();
				hung.clear();
				server.close(() => resolve());
				server.closeAllConnections();
				for (const socket of sockets) socket.destroy();
			})
	};
	return api;
}

const GATEWAY_TIMEOUT =
	'<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center></body></html>\n';

/** What the platform in front of DS answers: Rails' JSON 500, or proxy HTML pages. */
function platformError(
	res: ServerResponse,
	status: number,
	send: (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => void
): void {
	if (status === 500) {
		return send(
			res,
			500,
			controllerError('Internal Server Error', 'internal_server_error', { exception_id: crypto.randomUUID() })
		);
	}
	const titles: Record<number, string> = {
		502: 'Bad Gateway',
		503: 'Service Temporarily Unavailable',
		504: 'Gateway Time-out'
	};
	const title = `${status} ${titles[status] ?? 'Error'}`;
	send(
		res,
		status,
		`<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>\n`,
		{
			'content-type': 'text/html; charset=utf-8'
		}
	);
}

/** Token from `Bearer <t>`, `Bearer token=<t>` or `Token token="<t>"` (Rails' parser accepts all). */
export function bearerToken(header: string | undefined): string | null {
	if (!header) return null;
	const match = /^(?:Bearer|Token)\s+(.+)$/i.exec(header.trim());
	if (!match) return null;
	const rest = (match[1] ?? '').trim();
	const named = /^token="?([^",\s]+)"?/.exec(rest);
	return named ? (named[1] ?? null) : rest;
}

function corsHeaders(): Record<string, string> {
	return {
		'access-control-allow-origin': '*',
		'access-control-allow-headers': 'authorization, content-type',
		'access-control-allow-methods': 'POST, GET, OPTIONS',
		'access-control-expose-headers': 'retry-after, ratelimit-remaining, ratelimit-reset'
	};
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooBig = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY) tooBig = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
