import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import { startGristAuthDouble, type GristAuthDouble } from '../testing/grist-auth-double.ts';
import {
	authorizeRequest,
	createTokenCache,
	isLoopbackAddress,
	parseGristBaseUrl,
	type AuthDeps,
	type AuthRequest
} from './authorize.ts';

const TOKEN_A = 'jeton-du-document-a';
const TOKEN_B = 'jeton-du-document-b';
const VIEWER_A = 'jeton-lecteur-du-document-a';

function jwt(payload: Record<string, unknown>): string {
	const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
	return `${part({ alg: 'HS256' })}.${part(payload)}.c2lnbmF0dXJl`;
}

function request(headers: Record<string, string | undefined>, clientAddress = '203.0.113.7'): AuthRequest {
	const defined = Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined);
	return { headers: new Headers(defined), clientAddress };
}

async function refusal(
	promise: Promise<unknown>
): Promise<{ code: string; status: unknown; message: string }> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e
	);
	if (!(error instanceof PasserelleError)) throw new Error(`expected a refusal, got ${String(error)}`);
	return { code: error.code, status: error.details.status, message: error.userMessage };
}

describe('authorizeRequest against a Grist double', () => {
	let grist: GristAuthDouble;
	let elsewhere: GristAuthDouble;
	let deps: AuthDeps;
	let clock = 1_000_000;
	const jwtA = jwt({ docId: 'docA', exp: 1_000_000 / 1000 + 30 });
	const config = () => ({ demo: false, gristOrigins: [grist.origin] });
	const gristHeaders = (token: string, base: string) => ({
		'X-Grist-Access-Token': token,
		'X-Grist-Base-Url': base
	});

	beforeAll(async () => {
		grist = await startGristAuthDouble({
			tokens: { docA: TOKEN_A, docB: TOKEN_B, docJ: jwtA },
			viewerTokens: { docA: VIEWER_A },
			redirects: { moved: 'http://127.0.0.1:9/api/docs/moved/tables' }
		});
		elsewhere = await startGristAuthDouble({ tokens: { docA: TOKEN_A } });
	});
	afterAll(async () => {
		await grist.close();
		await elsewhere.close();
	});
	beforeEach(() => {
		clock = 1_000_000;
		grist.requests.length = 0;
		elsewhere.requests.length = 0;
		deps = { cache: createTokenCache(), now: () => clock };
	});

	it('authorises a valid token for its document, with or without an /o/<org> prefix', async () => {
		const plain = await authorizeRequest(
			request(gristHeaders(TOKEN_A, `${grist.origin}/api/docs/docA`)),
			config(),
			deps
		);
		expect(plain).toStrictEqual({
			mode: 'grist',
			docId: 'docA',
			gristOrigin: grist.origin,
			docApiUrl: `${grist.origin}/api/docs/docA`,
			accessToken: TOKEN_A
		});
		const org = await authorizeRequest(
			request(gristHeaders(TOKEN_B, `${grist.origin}/o/equipe/api/docs/docB/`)),
			config(),
			deps
		);
		expect([org.docId, org.mode === 'grist' && org.docApiUrl]).toStrictEqual([
			'docB',
			`${grist.origin}/o/equipe/api/docs/docB`
		]);
		expect(grist.requests).toStrictEqual([
			`/api/docs/docA/tables?auth=${TOKEN_A}`,
			`/o/equipe/api/docs/docB/tables?auth=${TOKEN_B}`
		]);
	});

	it('refuses an altered token (401) and another document’s token (403)', async () => {
		expect(
			await refusal(
				authorizeRequest(
					request(gristHeaders(TOKEN_A + 'x', `${grist.origin}/api/docs/docA`)),
					config(),
					deps
				)
			)
		).toStrictEqual({
			code: 'auth_token_invalid',
			status: 401,
			message:
				'Votre accès au document Grist n’a pas pu être vérifié (jeton expiré ou invalide). Rechargez la page Grist.'
		});
		expect(
			await refusal(
				authorizeRequest(request(gristHeaders(TOKEN_B, `${grist.origin}/api/docs/docA`)), config(), deps)
			)
		).toStrictEqual({
			code: 'auth_forbidden',
			status: 403,
			message: 'Vous n’avez pas accès à ce document Grist.'
		});
		expect(
			(
				await refusal(
					authorizeRequest(request(gristHeaders(TOKEN_A, `${grist.origin}/api/docs/inconnu`)), config(), deps)
				)
			).code
		).toBe('auth_forbidden');
	});

	it('caches a success by token for 60 s at most, and only for the same document', async () => {
		const headers = gristHeaders(TOKEN_A, `${grist.origin}/api/docs/docA`);
		await authorizeRequest(request(headers), config(), deps);
		clock += 59_000;
		await authorizeRequest(request(headers), config(), deps);
		expect(grist.requests).toHaveLength(1);
		clock += 2_000;
		await authorizeRequest(request(headers), config(), deps);
		expect(grist.requests).toHaveLength(2);
		// The cached token does not open another document.
		const other = await refusal(
			authorizeRequest(request(gristHeaders(TOKEN_A, `${grist.origin}/api/docs/docB`)), config(), deps)
		);
		expect(other.code).toBe('auth_forbidden');
		expect(grist.requests).toHaveLength(3);
	});

	it('proves write access with Grist for calls that change something; a viewer may read, not write', async () => {
		const write = (token: string) => ({
			...request(gristHeaders(token, `${grist.origin}/api/docs/docA`)),
			access: 'write' as const
		});
		// A viewer's token reads…
		const read = await authorizeRequest(
			request(gristHeaders(VIEWER_A, `${grist.origin}/api/docs/docA`)),
			config(),
			deps
		);
		expect(read.docId).toBe('docA');
		// …but Grist refuses it the (empty) write, and so do we, in French.
		expect(await refusal(authorizeRequest(write(VIEWER_A), config(), deps))).toStrictEqual({
			code: 'auth_read_only',
			status: 403,
			message:
				'Votre accès à ce document Grist est en lecture seule : seuls ses éditeurs et propriétaires peuvent modifier ce réglage.'
		});
		// An editor's token passes; both proofs are cached on their own (read, then write).
		await authorizeRequest(write(TOKEN_A), config(), deps);
		await authorizeRequest(write(TOKEN_A), config(), deps);
		await authorizeRequest(request(gristHeaders(TOKEN_A, `${grist.origin}/api/docs/docA`)), config(), deps);
		expect(grist.requests).toStrictEqual([
			`/api/docs/docA/tables?auth=${VIEWER_A}`,
			`POST /api/docs/docA/apply?auth=${VIEWER_A}`,
			`/api/docs/docA/tables?auth=${TOKEN_A}`,
			`POST /api/docs/docA/apply?auth=${TOKEN_A}`
		]);
		// A refused write is not cached as a success: asked again, Grist is asked again.
		await refusal(authorizeRequest(write(VIEWER_A), config(), deps));
		expect(grist.requests.at(-1)).toBe(`POST /api/docs/docA/apply?auth=${VIEWER_A}`);
		// The write proof of one document does not open another.
		expect(
			(
				await refusal(
					authorizeRequest(
						{
							...write(TOKEN_A),
							...request(gristHeaders(TOKEN_A, `${grist.origin}/api/docs/docB`)),
							access: 'write'
						},
						config(),
						deps
					)
				)
			).code
		).toBe('auth_forbidden');
	});

	it('never caches a JWT beyond its own expiry', async () => {
		const headers = gristHeaders(jwtA, `${grist.origin}/api/docs/docJ`);
		await authorizeRequest(request(headers), config(), deps);
		clock += 29_000;
		await authorizeRequest(request(headers), config(), deps);
		expect(grist.requests).toHaveLength(1);
		clock += 2_000; // past exp (30 s), well before the 60 s cache limit
		await authorizeRequest(request(headers), config(), deps);
		expect(grist.requests).toHaveLength(2);
	});

	it('refuses origins outside GRIST_ORIGINS without contacting them', async () => {
		const outcome = await refusal(
			authorizeRequest(request(gristHeaders(TOKEN_A, `${elsewhere.origin}/api/docs/docA`)), config(), deps)
		);
		expect(outcome).toStrictEqual({
			code: 'auth_origin_refused',
			status: 403,
			message: `Ce serveur Passerelle n’accepte pas les documents de ${elsewhere.origin}. L’administrateur doit ajouter cette adresse à GRIST_ORIGINS.`
		});
		expect(elsewhere.requests).toStrictEqual([]);
	});

	it('rejects base URLs that try to smuggle another host or path, contacting nobody', async () => {
		const host = grist.origin.slice('http://'.length);
		const port = host.split(':')[1];
		const tricks: [string, string][] = [
			[`http://${host}@${elsewhere.origin.slice(7)}/api/docs/docA`, 'auth_invalid_base_url'],
			[`http://user:pass@${host}/api/docs/docA`, 'auth_invalid_base_url'],
			[`http://localhost:${port}/api/docs/docA`, 'auth_origin_refused'],
			[`https://${host}/api/docs/docA`, 'auth_origin_refused'],
			[`${grist.origin}/api/docs/docA/../../admin`, 'auth_invalid_base_url'],
			[`${grist.origin}/api/docs/%2e%2e/docA`, 'auth_invalid_base_url'],
			[`${grist.origin}/api/docs/docA?x=1`, 'auth_invalid_base_url'],
			[`${grist.origin}/api/docs/docA#frag`, 'auth_invalid_base_url'],
			[`${grist.origin}/api/docs/docA/tables`, 'auth_invalid_base_url'],
			[`${grist.origin}/autre/api/docs/docA`, 'auth_invalid_base_url'],
			[`${grist.origin}/api/docs/`, 'auth_invalid_base_url'],
			[`file:///etc/passwd`, 'auth_invalid_base_url'],
			['pas une adresse', 'auth_invalid_base_url']
		];
		const codes = await Promise.all(
			tricks.map(
				async ([base]) =>
					(await refusal(authorizeRequest(request(gristHeaders(TOKEN_A, base)), config(), deps))).code
			)
		);
		expect(codes).toStrictEqual(tricks.map(([, code]) => code));
		expect([grist.requests, elsewhere.requests]).toStrictEqual([[], []]);
	});

	it('does not follow redirects', async () => {
		const outcome = await refusal(
			authorizeRequest(request(gristHeaders(TOKEN_A, `${grist.origin}/api/docs/moved`)), config(), deps)
		);
		expect([outcome.code, outcome.status]).toStrictEqual(['grist_redirect', 502]);
		expect(grist.requests).toStrictEqual([`/api/docs/moved/tables?auth=${TOKEN_A}`]);
	});

	it('asks for credentials when the headers are missing or incomplete', async () => {
		for (const headers of [
			{},
			{ 'X-Grist-Access-Token': TOKEN_A },
			{ 'X-Grist-Base-Url': `${grist.origin}/api/docs/docA` }
		]) {
			expect((await refusal(authorizeRequest(request(headers), config(), deps))).status).toBe(401);
		}
	});

	it('reports an unreachable Grist as retryable 503', async () => {
		const dead = 'http://127.0.0.1:9';
		const error = await authorizeRequest(
			request(gristHeaders(TOKEN_A, `${dead}/api/docs/docA`)),
			{ demo: false, gristOrigins: [dead] },
			{ ...deps, timeoutMs: 2_000 }
		).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: 'grist_unreachable', retryable: true, details: { status: 503 } });
	});
});

describe('demo mode', () => {
	const demo = { demo: true, gristOrigins: [] };

	it('authorises loopback callers naming a demo document', async () => {
		for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '[::1]']) {
			expect(
				await authorizeRequest(request({ 'X-Passerelle-Demo-Doc': 'atelier' }, address), demo)
			).toStrictEqual({
				mode: 'demo',
				docId: 'demo:atelier',
				gristOrigin: null
			});
		}
	});

	it('refuses remote callers, proxied remote callers, and bad ids', async () => {
		const headers = { 'X-Passerelle-Demo-Doc': 'atelier' };
		for (const address of ['192.168.1.5', '::ffff:10.0.0.1', '2001:db8::1', '0.0.0.0', 'localhost']) {
			expect((await refusal(authorizeRequest(request(headers, address), demo))).code).toBe(
				'auth_demo_remote'
			);
		}
		for (const proxy of [
			{ 'X-Forwarded-For': '198.51.100.4, 127.0.0.1' },
			{ Forwarded: 'for=198.51.100.4' }
		]) {
			const outcome = await refusal(authorizeRequest(request({ ...headers, ...proxy }, '127.0.0.1'), demo));
			expect(outcome.code).toBe('auth_demo_remote');
		}
		const bad = await refusal(
			authorizeRequest(request({ 'X-Passerelle-Demo-Doc': '../x' }, '127.0.0.1'), demo)
		);
		expect([bad.code, bad.status]).toStrictEqual(['auth_demo_invalid', 400]);
	});

	it('refuses the demo header when demo mode is off, even from loopback', async () => {
		const outcome = await refusal(
			authorizeRequest(request({ 'X-Passerelle-Demo-Doc': 'atelier' }, '127.0.0.1'), {
				demo: false,
				gristOrigins: []
			})
		);
		expect(outcome).toStrictEqual({
			code: 'auth_demo_disabled',
			status: 403,
			message: 'Le mode démo n’est pas activé sur ce serveur.'
		});
	});
});

describe('helpers', () => {
	it('recognises loopback addresses only', () => {
		const inputs = [
			'127.0.0.1',
			'127.255.0.1',
			'::1',
			'::ffff:127.0.0.2',
			'0:0:0:0:0:0:0:1',
			'128.0.0.1',
			'::2',
			'::ffff:8.8.8.8',
			'nope'
		];
		expect(inputs.map(isLoopbackAddress)).toStrictEqual([
			true,
			true,
			true,
			true,
			true,
			false,
			false,
			false,
			false
		]);
	});

	it('parses a base URL into its checked parts', () => {
		expect(
			parseGristBaseUrl('https://grist.numerique.gouv.fr/o/docs/api/docs/fSKb~fork~5', [
				'https://grist.numerique.gouv.fr'
			])
		).toStrictEqual({
			origin: 'https://grist.numerique.gouv.fr',
			orgPrefix: '/o/docs',
			docId: 'fSKb~fork~5',
			docApiUrl: 'https://grist.numerique.gouv.fr/o/docs/api/docs/fSKb~fork~5'
		});
	});

	it('bounds the token cache', () => {
		const cache = createTokenCache(2);
		cache.set('a', 'u', 10);
		cache.set('b', 'u', 10);
		cache.set('c', 'u', 10);
		expect([
			cache.size,
			cache.get('a', 'u', 0),
			cache.get('c', 'u', 0),
			cache.get('c', 'u', 10)
		]).toStrictEqual([2, false, true, false]);
	});
});
