import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import type { AuthContext } from '../auth/authorize.ts';
import type { ServerConfig } from '../config.ts';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/database.ts';
import { startGristDouble, type GristDouble } from '../grist-double/index.ts';
import { createSecretsStore, type SecretsStore } from '../secrets/secrets-store.ts';
import { openTestDatabase } from '../testing/pglite.ts';
import { readJsonBody, scheduleRoute } from './http.ts';
import { findSchedule } from './schedule-store.ts';
import { startGristAuthDouble } from '../testing/grist-auth-double.ts';
import {
	deleteApiKeyFor,
	previewSchedule,
	resumeFor,
	runNowFor,
	saveApiKeyFor,
	saveScheduleFor,
	schedulesOverview,
	type ScheduleApiDeps
} from './schedule-api.ts';
import { insertConfig, memoryLogger, testSecretKey } from './testing/fixtures.ts';

let database: Database;
let secrets: SecretsStore;
let double: GristDouble;
const logger = memoryLogger();
const NOW = new Date('2026-06-10T08:00:00Z');
let deps: ScheduleApiDeps;
let auth: AuthContext;
let configId: string;
let foreignConfigId: string;
let nudged = 0;

beforeAll(async () => {
	database = await openTestDatabase();
	secrets = createSecretsStore(database, { current: testSecretKey() });
	double = await startGristDouble({ docId: 'docApi', readOnlyKeys: ['cle-lecture-seule'] });
	deps = { database, secrets, log: logger.log, now: () => NOW, nudge: () => nudged++ };
	auth = {
		mode: 'grist',
		docId: 'docApi',
		gristOrigin: double.url,
		docApiUrl: `${double.url}/api/docs/docApi`,
		accessToken: 'jeton-widget'
	};
	configId = await insertConfig(database, 'docApi', 123);
	foreignConfigId = await insertConfig(database, 'autreDocument', 456);
});
afterAll(async () => {
	await database?.close();
	await double?.close();
});

describe('schedule API (plain functions behind the routes)', () => {
	it('lists only the caller’s document, without any secret', async () => {
		const overview = await schedulesOverview(deps, auth);
		expect(overview).toStrictEqual({
			timeZone: 'Europe/Paris',
			database: 'pglite',
			serverRuns: true,
			maxConsecutiveFailures: 3,
			access: { gristUrl: null, apiKeySaved: false, apiKeyUpdatedAt: null },
			configs: [
				{
					configId,
					demarcheNumber: 123,
					tablePrefix: 'Demarche_123',
					hasToken: false,
					schedule: null,
					upcoming: [],
					runs: []
				}
			]
		});
	});

	it('previews a schedule with its next fires in Paris time, or French issues', () => {
		expect(previewSchedule({ spec: { kind: 'quotidien', time: '02:30' } }, NOW)).toStrictEqual({
			ok: true,
			spec: { kind: 'quotidien', time: '02:30' },
			cron: '30 2 * * *',
			description: 'Chaque jour à 02:30 (heure de Paris)',
			upcoming: ['2026-06-11T00:30:00.000Z', '2026-06-12T00:30:00.000Z', '2026-06-13T00:30:00.000Z']
		});
		expect(previewSchedule({ spec: { kind: 'cron', expression: '*/5 * * * *' } }, NOW)).toMatchObject({
			ok: false,
			issues: [{ field: 'expression' }]
		});
	});

	it('saves a schedule, refuses an invalid one with its issues, and scopes by document', async () => {
		const saved = await saveScheduleFor(deps, auth, configId, {
			enabled: true,
			spec: { kind: 'hebdomadaire', weekday: 1, time: '06:15' }
		});
		expect(saved.schedule).toMatchObject({
			enabled: true,
			cron: '15 6 * * 1',
			description: 'Chaque lundi à 06:15 (heure de Paris)',
			nextFireAt: '2026-06-15T04:15:00.000Z',
			pausedAt: null
		});
		expect(saved.upcoming).toStrictEqual([
			'2026-06-15T04:15:00.000Z',
			'2026-06-22T04:15:00.000Z',
			'2026-06-29T04:15:00.000Z'
		]);
		const invalid = await saveScheduleFor(deps, auth, configId, {
			spec: { kind: 'cron', expression: '0 3 * *' }
		}).catch((e: unknown) => e);
		expect(invalid).toBeInstanceOf(PasserelleError);
		expect(invalid).toMatchObject({
			code: 'schedule_invalid',
			details: { status: 400, issues: [{ field: 'expression' }] }
		});
		await expect(saveScheduleFor(deps, auth, foreignConfigId, { enabled: true })).rejects.toMatchObject({
			code: 'config_not_found',
			details: { status: 404 }
		});
		await expect(runNowFor(deps, auth, foreignConfigId)).rejects.toMatchObject({ details: { status: 404 } });
		await expect(resumeFor(deps, auth, foreignConfigId)).rejects.toMatchObject({ details: { status: 404 } });
	});

	it('refuses « Exécuter maintenant » until an API key is stored', async () => {
		await expect(runNowFor(deps, auth, configId)).rejects.toMatchObject({
			code: 'grist_api_key_missing',
			details: { status: 400 }
		});
	});

	it('checks an API key with Grist and stores it encrypted, never answering it back', async () => {
		await expect(saveApiKeyFor(deps, auth, { apiKey: 'cle-inconnue' })).rejects.toMatchObject({
			code: 'grist_api_key_refused',
			details: { status: 400 }
		});
		await expect(saveApiKeyFor(deps, auth, { apiKey: 'trop court' })).rejects.toMatchObject({
			code: 'grist_api_key_invalid'
		});
		const access = await saveApiKeyFor(deps, auth, { apiKey: double.apiKey });
		expect(access).toStrictEqual({
			gristUrl: double.url,
			apiKeySaved: true,
			apiKeyUpdatedAt: NOW.toISOString()
		});
		const stored = await database.query<{ ciphertext: string }>(
			'SELECT ciphertext FROM secrets WHERE doc_id = $1',
			['docApi']
		);
		expect(stored).toHaveLength(1);
		expect(stored[0]!.ciphertext).not.toContain(double.apiKey);
		const overview = JSON.stringify(await schedulesOverview(deps, auth));
		expect(overview).not.toContain(double.apiKey);
		expect(logger.lines.join('\n')).not.toContain(double.apiKey);
	});

	it('accepts « Exécuter maintenant » once a key is stored and wakes the scheduler', async () => {
		const before = nudged;
		const run = await runNowFor(deps, auth, configId);
		expect(run).toMatchObject({ trigger: 'manuelle', status: 'en_attente', fireTime: null });
		expect(nudged).toBe(before + 1);
		const overview = await schedulesOverview(deps, auth);
		expect(overview.configs[0]!.runs.map((r) => r.id)).toStrictEqual([run.id]);
	});

	it('deletes the key', async () => {
		expect(await deleteApiKeyFor(deps, auth)).toStrictEqual({
			gristUrl: double.url,
			apiKeySaved: false,
			apiKeyUpdatedAt: null
		});
	});

	it('refuses server-side keys and runs in demo mode, with a French reason', async () => {
		const demo: AuthContext = { mode: 'demo', docId: 'demo:essai', gristOrigin: null };
		await expect(saveApiKeyFor(deps, demo, { apiKey: 'une-cle-quelconque' })).rejects.toMatchObject({
			code: 'server_runs_unavailable'
		});
		expect((await schedulesOverview(deps, demo)).serverRuns).toBe(false);
	});
});

describe('scheduleRoute (authorisation and error mapping)', () => {
	const context = async (): Promise<AppContext> => ({
		config: { demo: true, gristOrigins: [] } as unknown as ServerConfig,
		db: database,
		secrets,
		log: logger.log
	});
	const event = (headers: Record<string, string>, clientAddress = '127.0.0.1') => ({
		request: new Request('http://127.0.0.1/api/schedules', { headers }),
		getClientAddress: () => clientAddress
	});

	it('answers 401 in French to a caller that proves no document', async () => {
		const response = await scheduleRoute(event({}), schedulesOverview, { context });
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({
			code: 'auth_missing',
			message: expect.stringContaining('Accès refusé')
		});
	});

	it('refuses a remote caller in demo mode and serves a loopback one its own document', async () => {
		const remote = await scheduleRoute(
			event({ 'x-passerelle-demo-doc': 'essai' }, '203.0.113.9'),
			schedulesOverview,
			{
				context
			}
		);
		expect(remote.status).toBe(403);
		const local = await scheduleRoute(event({ 'x-passerelle-demo-doc': 'essai' }), schedulesOverview, {
			context
		});
		expect(local.status).toBe(200);
		expect(await local.json()).toMatchObject({ serverRuns: false, configs: [] });
	});

	it('maps validation errors to 400 with their issues and leaves unexpected errors to the server hook', async () => {
		const invalid = await scheduleRoute(
			event({ 'x-passerelle-demo-doc': 'essai' }),
			() => {
				throw new PasserelleError('schedule_invalid', 'Heure invalide.', false, {
					details: { status: 400, issues: [{ field: 'time', message: 'Heure invalide.' }] }
				});
			},
			{ context }
		);
		expect(invalid.status).toBe(400);
		expect(await invalid.json()).toStrictEqual({
			code: 'schedule_invalid',
			message: 'Heure invalide.',
			retryable: false,
			issues: [{ field: 'time', message: 'Heure invalide.' }]
		});
		await expect(
			scheduleRoute(
				event({ 'x-passerelle-demo-doc': 'essai' }),
				() => {
					throw new Error('boom');
				},
				{ context }
			)
		).rejects.toThrow('boom');
	});

	it('lets a viewer of the document see its schedules but not change them (write access proven with Grist)', async () => {
		const grist = await startGristAuthDouble({
			tokens: { docDroits: 'jeton-editeur' },
			viewerTokens: { docDroits: 'jeton-lecteur' }
		});
		try {
			const config = await insertConfig(database, 'docDroits', 789);
			const gristContext = async (): Promise<AppContext> => ({
				config: { demo: false, gristOrigins: [grist.origin] } as unknown as ServerConfig,
				db: database,
				secrets,
				log: logger.log
			});
			const call = (token: string, method: 'GET' | 'PUT', body?: unknown) => ({
				request: new Request(`http://127.0.0.1/api/schedules/${config}`, {
					method,
					headers: {
						'x-grist-access-token': token,
						'x-grist-base-url': `${grist.origin}/api/docs/docDroits`,
						...(body ? { 'content-type': 'application/json' } : {})
					},
					...(body ? { body: JSON.stringify(body) } : {})
				}),
				getClientAddress: () => '203.0.113.7'
			});
			const nightly = { enabled: true, spec: { kind: 'quotidien', time: '02:30' } };
			const save = (token: string) => {
				const event = call(token, 'PUT', nightly);
				return scheduleRoute(
					event,
					async (d, a) => saveScheduleFor(d, a, config, await readJsonBody(event.request)),
					{ context: gristContext }
				);
			};

			const seen = await scheduleRoute(call('jeton-lecteur', 'GET'), schedulesOverview, {
				context: gristContext
			});
			expect(seen.status).toBe(200);
			const refused = await save('jeton-lecteur');
			expect(refused.status).toBe(403);
			expect(await refused.json()).toMatchObject({
				code: 'auth_read_only',
				message: expect.stringContaining('lecture seule')
			});
			expect(await findSchedule(database, 'docDroits', config)).toBeNull();

			const saved = await save('jeton-editeur');
			expect(saved.status).toBe(200);
			expect(await findSchedule(database, 'docDroits', config)).toMatchObject({ enabled: true });
			expect(grist.requests.filter((r) => r.startsWith('POST '))).toStrictEqual([
				'POST /api/docs/docDroits/apply?auth=jeton-lecteur',
				'POST /api/docs/docDroits/apply?auth=jeton-editeur'
			]);
		} finally {
			await grist.close();
		}
	});
});
