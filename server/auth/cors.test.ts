import { describe, expect, it } from 'vitest';
import { DEMO_DOC_HEADER, GRIST_BASE_URL_HEADER, GRIST_TOKEN_HEADER } from './authorize.ts';
import { CORS_ALLOWED_HEADERS, isLoopbackOrigin, withCors } from './cors.ts';

const GRIST = 'https://grist.numerique.gouv.fr';
const ok = () =>
	Promise.resolve(new Response('{"a":1}', { headers: { 'content-type': 'application/json' } }));
const call = (method: string, origin?: string) =>
	new Request('http://127.0.0.1:3000/api/health', { method, headers: origin ? { origin } : {} });

describe('withCors', () => {
	it('answers preflights from allowed origins with the widget headers', async () => {
		const response = await withCors(call('OPTIONS', GRIST), [GRIST], ok);
		expect(response.status).toBe(204);
		expect(Object.fromEntries(response.headers)).toStrictEqual({
			'access-control-allow-origin': GRIST,
			'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
			'access-control-allow-headers':
				'Content-Type, X-Grist-Access-Token, X-Grist-Base-Url, X-Passerelle-Demo-Doc',
			'access-control-max-age': '600',
			vary: 'Origin'
		});
	});

	it('grants nothing to other origins, preflight or not', async () => {
		const preflight = await withCors(call('OPTIONS', 'https://evil.example'), [GRIST], ok);
		expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toStrictEqual([
			204,
			null
		]);
		const get = await withCors(call('GET', 'https://evil.example'), [GRIST], ok);
		expect([
			get.status,
			get.headers.get('access-control-allow-origin'),
			get.headers.get('vary')
		]).toStrictEqual([200, null, 'Origin']);
	});

	it('adds CORS headers to real responses for loopback origins, even immutable ones', async () => {
		const immutable = async () => {
			const response = await fetch('data:application/json,{"a":1}');
			return response;
		};
		const response = await withCors(call('GET', 'http://127.0.0.1:5173'), [], immutable);
		expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
		expect(await response.json()).toStrictEqual({ a: 1 });
		const sameOrigin = await withCors(call('GET'), [GRIST], ok);
		expect(sameOrigin.headers.get('access-control-allow-origin')).toBeNull();
	});

	it('lists every header authorisation reads', () => {
		const lower = CORS_ALLOWED_HEADERS.map((h) => h.toLowerCase());
		expect([GRIST_TOKEN_HEADER, GRIST_BASE_URL_HEADER, DEMO_DOC_HEADER].every((h) => lower.includes(h))).toBe(
			true
		);
	});

	it('recognises loopback origins only', () => {
		const origins = [
			'http://127.0.0.1:8484',
			'http://localhost:3000',
			'http://[::1]:80',
			'https://127.1.2.3',
			'http://127.0.0.1.evil.fr',
			'http://10.0.0.1',
			'null'
		];
		expect(origins.map(isLoopbackOrigin)).toStrictEqual([true, true, true, true, false, false, false]);
	});
});
