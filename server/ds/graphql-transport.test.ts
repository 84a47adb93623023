import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import { CONNECTION_TEST_QUERY, DS_QUERY_DOCUMENTS } from '#worker/ds/ds-queries.ts';
import { createHttpProxyTransport } from '#worker/ds/ds-transport.ts';
import { resolveDsEndpoint } from './ds-endpoints.ts';
import { handleDsProxyRequest } from './ds-proxy.ts';
import { createDsGraphqlTransport } from './graphql-transport.ts';

type Reply = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A local HTTP server that answers like DS does in each case of ds.md §1.1, §1.9, §1.10. */
const replies: Record<string, Reply> = {
	ok: (req, res, body) => {
		if (req.headers.authorization !== 'Bearer jeton-secret') return replies.expired!(req, res, body);
		res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
		res.end(
			JSON.stringify({
				data: { demarche: { id: 'x', number: 42, title: 'Essai', state: 'publiee' } },
				extensions: { auth: req.headers.authorization, operation: JSON.parse(body).operationName ?? null }
			})
		);
	},
	expired: (_req, res) => {
		res.writeHead(401, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ errors: [{ message: 'Token expired' }] }));
	},
	network: (_req, res) => {
		res.writeHead(403, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ errors: [{ message: 'Ajoutez 10.0.0.0/8 aux réseaux autorisés' }] }));
	},
	hidden: (_req, res) => {
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(
			JSON.stringify({
				data: null,
				errors: [
					{
						message: 'An object of type Demarche was hidden due to permissions',
						path: ['demarche'],
						extensions: { code: 'unauthorized' }
					}
				]
			})
		);
	},
	throttled: (_req, res) => {
		res.writeHead(429, { 'Content-Type': 'text/plain', 'Retry-After': '17', 'RateLimit-Remaining': '0' });
		res.end('Retry later\n');
	},
	crash: (_req, res) => {
		res.writeHead(500, { 'Content-Type': 'application/json' });
		res.end(
			JSON.stringify({
				errors: [{ message: 'Internal server error', extensions: { code: 'internal_server_error' } }]
			})
		);
	},
	maintenance: (_req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/html' });
		res.end('<html><body>Maintenance en cours</body></html>');
	},
	badjson: (_req, res) => {
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end('{"data": ');
	},
	slow: (_req, res) => {
		setTimeout(() => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{"data":{}}');
		}, 500);
	}
};

let server: Server;
let origin = '';

beforeAll(async () => {
	server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => {
			const name = (req.url ?? '').split('/').pop() ?? '';
			if (name === 'proxy') {
				const transport = createDsGraphqlTransport({ endpoint: `${origin}/ok`, token: 'jeton-secret' });
				void handleDsProxyRequest(JSON.parse(body), transport).then((answer) => {
					res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
					res.end(JSON.stringify(answer.body));
				});
				return;
			}
			(replies[name] ?? replies.ok!)(req, res, body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

async function outcome(path: string, timeoutMs = 5000): Promise<unknown> {
	const transport = createDsGraphqlTransport({
		endpoint: `${origin}/${path}`,
		token: 'jeton-secret',
		timeoutMs,
		now: () => 0
	});
	try {
		const result = await transport.request(CONNECTION_TEST_QUERY, { demarche: 42 });
		return result;
	} catch (error) {
		if (!(error instanceof PasserelleError)) throw error;
		return {
			code: error.code,
			retryable: error.retryable,
			message: error.userMessage,
			retryAfterMs: error.details.retryAfterMs
		};
	}
}

describe('DS transport over graphql-request', () => {
	test('sends the token as Bearer and returns data', async () => {
		const transport = createDsGraphqlTransport({ endpoint: `${origin}/ok`, token: 'jeton-secret' });
		expect(await transport.request(CONNECTION_TEST_QUERY, { demarche: 42 })).toStrictEqual({
			data: { demarche: { id: 'x', number: 42, title: 'Essai', state: 'publiee' } },
			errors: []
		});
	});

	test.each([
		['expired', { code: 'ds_unauthorized', retryable: false }],
		['network', { code: 'ds_unauthorized', retryable: false }],
		['hidden', { code: 'ds_forbidden_demarche', retryable: false }],
		['throttled', { code: 'ds_rate_limited', retryable: true, retryAfterMs: 17_000 }],
		['crash', { code: 'ds_server_error', retryable: true }],
		['maintenance', { code: 'ds_bad_response', retryable: false }],
		['badjson', { code: 'ds_bad_response', retryable: false }]
	])('%s → typed error', async (path, expected) => {
		expect(await outcome(path)).toMatchObject(expected);
	});

	test('French messages say what to do', async () => {
		expect(((await outcome('hidden')) as { message: string }).message).toBe(
			'Le jeton n’a pas accès à la démarche n° 42 : vérifiez que cette démarche fait partie du périmètre du jeton (profil administrateur sur Démarches Simplifiées).'
		);
		expect(((await outcome('network')) as { message: string }).message).toBe(
			'Démarches Simplifiées refuse l’accès (403) : Ajoutez 10.0.0.0/8 aux réseaux autorisés. Vérifiez le jeton et, s’il est restreint à certaines adresses IP, ajoutez celle du serveur Passerelle dans votre profil.'
		);
		expect(((await outcome('throttled')) as { message: string }).message).toBe(
			'Démarches Simplifiées limite le nombre de requêtes : nouvel essai dans 17 s.'
		);
	});

	test('timeouts and unreachable hosts', async () => {
		expect(await outcome('slow', 100)).toMatchObject({ code: 'ds_timeout', retryable: true });
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		const transport = createDsGraphqlTransport({
			endpoint: `http://127.0.0.1:${port}/api/v2/graphql`,
			token: 't'
		});
		await expect(transport.request(CONNECTION_TEST_QUERY, { demarche: 1 })).rejects.toMatchObject({
			code: 'ds_network',
			userMessage: `Impossible de joindre Démarches Simplifiées (http://127.0.0.1:${port}/api/v2/graphql) : vérifiez l’adresse et la connexion réseau.`
		});
	});

	test('endpoint presets, origins and bad URLs', () => {
		expect([
			resolveDsEndpoint(undefined),
			resolveDsEndpoint('demarches-simplifiees.fr'),
			resolveDsEndpoint('https://demarches.adullact.org'),
			resolveDsEndpoint('http://127.0.0.1:4000/graphql')
		]).toStrictEqual([
			'https://demarche.numerique.gouv.fr/api/v2/graphql',
			'https://www.demarches-simplifiees.fr/api/v2/graphql',
			'https://demarches.adullact.org/api/v2/graphql',
			'http://127.0.0.1:4000/graphql'
		]);
		expect(() => resolveDsEndpoint('pas une adresse')).toThrow(
			'Adresse de l’API Démarches Simplifiées invalide : « pas une adresse ».'
		);
	});
});

describe('proxy route and browser transport', () => {
	test('the worker transport goes through our route, which holds the token', async () => {
		const transport = createHttpProxyTransport(fetch, `${origin}/proxy`);
		const result = await transport.request<{ demarche: { title: string } }>(CONNECTION_TEST_QUERY, {
			demarche: 42
		});
		expect(result.data?.demarche.title).toBe('Essai');
	});

	test('the route refuses anything but our documents, with a French error the worker rebuilds', async () => {
		const transport = createHttpProxyTransport(fetch, `${origin}/proxy`);
		await expect(
			transport.request(
				'mutation { dossierArchiver(input: {dossierId: "x", instructeurId: "y"}) { errors { message } } }',
				{}
			)
		).rejects.toMatchObject({
			code: 'ds_query_refused',
			userMessage:
				'Cette requête n’est pas une requête Passerelle : le serveur ne la transmet pas à Démarches Simplifiées.'
		});
	});

	test('errors keep their code and Retry-After across the route', async () => {
		const throttled = createDsGraphqlTransport({ endpoint: `${origin}/throttled`, token: 't', now: () => 0 });
		const answer = await handleDsProxyRequest(
			{ query: DS_QUERY_DOCUMENTS.PasserelleConnectionTest, variables: { demarche: 1 } },
			throttled
		);
		expect([answer.status, answer.headers, 'error' in answer.body && answer.body.error.code]).toStrictEqual([
			429,
			{ 'Retry-After': '17' },
			'ds_rate_limited'
		]);
	});
});
