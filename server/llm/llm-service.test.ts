import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PasserelleError } from '#widget/errors.ts';
import type { Database } from '../db/database.ts';
import { createLogger } from '../log.ts';
import { openTestDatabase } from '../testing/pglite.ts';
import { startLlmDouble, type LlmDouble } from './llm-double.ts';
import { loadLlmConfig, type LlmConfig } from './llm-config.ts';
import { createLlmService, type LlmTask } from './llm-service.ts';
import { createLlmStore } from './llm-store.ts';

const answerSchema = z.object({
	gestes: z.array(z.object({ type: z.string(), prix_ht: z.number().nullable().default(null) })),
	note: z.string().nullable().default(null)
});

const task: LlmTask<z.infer<typeof answerSchema>> = {
	name: 'test-gestes',
	version: '1',
	schema: answerSchema,
	messages: (text) => [
		{ role: 'system', content: 'Tu lis des devis.' },
		{ role: 'user', content: text }
	]
};

const GOOD = { gestes: [{ type: 'pac_air_eau', prix_ht: 9800 }], note: null };
const SECRET_TEXT = 'Devis DV-42 : fourniture PAC air/eau, client [NOM_1], marqueur-texte-unique-7f3';

let database: Database;
let double: LlmDouble;
let lines: string[];
let clock: Date;

function config(overrides: Partial<LlmConfig> = {}, env: Record<string, string> = {}): LlmConfig {
	const base = loadLlmConfig({
		LLM_BASE_URL: double.baseUrl,
		LLM_API_KEY: 'sk-test-cle-secrete-123456',
		LLM_MODEL: 'modele-test',
		LLM_PROVIDER_NAME: 'Double local',
		...env
	});
	return { ...base!, timeoutMs: 2000, maxAttempts: 3, dailyQuota: 5, ...overrides };
}

function service(cfg: LlmConfig | null) {
	return createLlmService({
		config: cfg,
		store: createLlmStore(database),
		log: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
		now: () => clock,
		backoffMs: () => 1
	});
}

async function failure(promise: Promise<unknown>): Promise<PasserelleError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(PasserelleError);
	return error as PasserelleError;
}

let docCounter = 0;
const newDoc = () => `doc-${++docCounter}`;
/** A text no other test sent (the cache is shared by the whole database). */
const freshText = () => `${SECRET_TEXT} n°${++docCounter}`;

beforeAll(async () => {
	database = await openTestDatabase();
	double = await startLlmDouble(() => ({ json: GOOD }));
});
afterAll(async () => {
	await double.close();
	await database.close();
});
beforeEach(() => {
	lines = [];
	clock = new Date('2025-03-14T10:00:00Z');
	double.requests.length = 0;
	double.setHandler(() => ({ json: GOOD }));
});

describe('LLM service with a local OpenAI-compatible double', () => {
	it('asks for structured output and parses the answer', async () => {
		const result = await service(config()).run(newDoc(), task, freshText());
		expect(result).toMatchObject({
			data: GOOD,
			provider: 'Double local',
			model: 'modele-test',
			cached: false,
			quota: { used: 1, limit: 5 }
		});
		expect(result.usage.promptTokens).toBeGreaterThan(0);
		const request = double.requests[0]!;
		expect(request.model).toBe('modele-test');
		expect(request.authorization).toBe('Bearer sk-test-cle-secrete-123456');
		expect(request.responseFormat).toMatchObject({
			type: 'json_schema',
			json_schema: { name: 'test-gestes', strict: true }
		});
		const schema = (request.responseFormat as { json_schema: { schema: Record<string, unknown> } })
			.json_schema.schema;
		expect(schema).toMatchObject({
			type: 'object',
			required: ['gestes', 'note'],
			additionalProperties: false
		});
		expect(JSON.stringify(schema)).not.toContain('default');
	});

	it('reads a fenced JSON block and retries a malformed answer with the problem explained', async () => {
		double.setHandler((_req, i) =>
			i === 0
				? { content: 'Voici : {"gestes": "aucun"}' }
				: { content: '```json\n' + JSON.stringify(GOOD) + '\n```' }
		);
		const result = await service(config()).run(newDoc(), task, freshText());
		expect(result.data).toStrictEqual(GOOD);
		expect(double.requests).toHaveLength(2);
		expect(double.requests[1]!.lastUserMessage).toContain('le JSON ne suit pas le schéma (gestes');
	});

	it('reports answers that stay malformed after every attempt', async () => {
		double.setHandler(() => ({ content: 'Je ne peux pas répondre en JSON.' }));
		const error = await failure(service(config()).run(newDoc(), task, freshText()));
		expect(error).toMatchObject({ code: 'llm_invalid_output', details: { attempts: 3, status: 502 } });
		expect(error.userMessage).toBe('Le modèle a renvoyé des réponses inexploitables (3 essais).');
		expect(double.requests).toHaveLength(3);
		double.requests.length = 0;
		double.setHandler(() => ({ content: '{}' }));
		expect(await failure(service(config()).run(newDoc(), task, 'autre texte'))).toMatchObject({
			code: 'llm_invalid_output'
		});
	});

	it('times out, retries, then reports the provider unavailable', async () => {
		double.setHandler(() => ({ delayMs: 1000, json: GOOD }));
		const error = await failure(
			service(config({ timeoutMs: 150, maxAttempts: 2 })).run(newDoc(), task, freshText())
		);
		expect(error).toMatchObject({
			code: 'llm_unavailable',
			retryable: true,
			details: { attempts: 2, providerCode: 'llm_timeout', status: 503 }
		});
	});

	it('does not retry a refused key, and falls back to the next provider', async () => {
		double.setHandler((req) =>
			req.authorization === 'Bearer mauvaise-cle-0000'
				? { status: 401, rawBody: '{"error":"bad key"}' }
				: { json: GOOD }
		);
		const cfg = config(
			{},
			{
				LLM_API_KEY: 'mauvaise-cle-0000',
				LLM_BASE_URL_2: double.baseUrl,
				LLM_API_KEY_2: 'bonne-cle-1111',
				LLM_MODEL_2: 'modele-secours',
				LLM_PROVIDER_NAME_2: 'Secours'
			}
		);
		const result = await service(cfg).run(newDoc(), task, freshText());
		expect(result).toMatchObject({ provider: 'Secours', data: GOOD });
		expect(double.requests.map((r) => r.model)).toStrictEqual(['modele-test', 'modele-secours']);
	});

	it('reports a provider that is down (connection refused, 5xx, invalid envelope)', async () => {
		const down = config({}, { LLM_BASE_URL: 'http://127.0.0.1:9/v1' });
		expect(await failure(service(down).run(newDoc(), task, freshText()))).toMatchObject({
			code: 'llm_unavailable',
			details: { providerCode: 'llm_unreachable', attempts: 3 }
		});
		double.setHandler((_r, i) =>
			i === 0 ? { status: 503, rawBody: 'maintenance' } : i === 1 ? { rawBody: '<html>' } : { json: GOOD }
		);
		expect((await service(config()).run(newDoc(), task, freshText())).data).toStrictEqual(GOOD);
		expect(double.requests).toHaveLength(3);
	});

	it('serves identical requests from the cache, without a provider call or quota', async () => {
		const doc = newDoc();
		const llm = service(config());
		await llm.run(doc, task, SECRET_TEXT + ' cache');
		const second = await llm.run(doc, task, SECRET_TEXT + ' cache');
		expect(second).toMatchObject({ cached: true, data: GOOD, provider: 'Double local', quota: { used: 1 } });
		expect(double.requests).toHaveLength(1);
		// Another prompt version is another question.
		await llm.run(doc, { ...task, version: '2' }, SECRET_TEXT + ' cache');
		expect(double.requests).toHaveLength(2);
		// Expired entries are not used.
		clock = new Date(clock.getTime() + 31 * 24 * 3600_000);
		expect((await llm.run(doc, task, SECRET_TEXT + ' cache')).cached).toBe(false);
	});

	it('enforces the per-document daily quota, per document and per day', async () => {
		const doc = newDoc();
		const llm = service(config({ dailyQuota: 2 }));
		await llm.run(doc, task, 'texte 1');
		await llm.run(doc, task, 'texte 2');
		const error = await failure(llm.run(doc, task, 'texte 3'));
		expect(error).toMatchObject({ code: 'llm_quota_exceeded', details: { status: 429, used: 2, limit: 2 } });
		expect(error.userMessage).toContain('2 par jour');
		expect(double.requests).toHaveLength(2);
		// Cached answers remain available, other documents have their own quota, and tomorrow is another day.
		expect((await llm.run(doc, task, 'texte 1')).cached).toBe(true);
		await llm.run(newDoc(), task, 'texte 3');
		clock = new Date('2025-03-15T00:00:01Z');
		await llm.run(doc, task, 'texte 3 bis');
		expect(await llm.quota(doc)).toStrictEqual({ day: '2025-03-15', used: 1, limit: 2 });
	});

	it('refuses personal data with 400 before any provider call', async () => {
		const error = await failure(
			service(config()).run(newDoc(), task, 'Client : M. Yannick Le Goff, tél. 06 12 34 56 78')
		);
		expect(error).toMatchObject({ code: 'llm_personal_data', details: { status: 400 } });
		expect(error.userMessage).toContain('numéro de téléphone');
		expect(error.userMessage).not.toContain('06 12');
		expect(double.requests).toHaveLength(0);
	});

	it('accounts usage in logs and in the database, never the text or the key', async () => {
		const doc = newDoc();
		await service(config()).run(doc, task, SECRET_TEXT + ' compta');
		const entries = lines
			.map((l) => JSON.parse(l) as Record<string, unknown>)
			.filter((l) => l.msg === 'Appel IA');
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({
			docId: doc,
			task: 'test-gestes',
			outcome: 'ok',
			provider: 'Double local',
			model: 'modele-test',
			attempts: 1,
			cached: false
		});
		expect((entries[0]!.usage as { prompt: number }).prompt).toBeGreaterThan(0);
		expect(lines.join('\n')).not.toContain('marqueur-texte-unique');
		expect(lines.join('\n')).not.toContain('sk-test-cle-secrete');
		const rows = await database.query<{ outcome: string; input_chars: number }>(
			'SELECT outcome, input_chars FROM llm_usage WHERE doc_id = $1',
			[doc]
		);
		expect(rows).toStrictEqual([{ outcome: 'ok', input_chars: SECRET_TEXT.length + 7 }]);
	});

	it('answers "aucun modèle configuré" without LLM_BASE_URL', async () => {
		const llm = service(loadLlmConfig({}));
		expect(llm.status()).toStrictEqual({
			configured: false,
			provider: null,
			model: null,
			fallbacks: [],
			dailyQuota: null
		});
		expect(await failure(llm.run(newDoc(), task, freshText()))).toMatchObject({
			code: 'llm_not_configured',
			details: { status: 503 }
		});
	});
});

describe('loadLlmConfig', () => {
	it('reads the main provider, fallbacks and limits', () => {
		expect(
			loadLlmConfig({
				LLM_BASE_URL: 'https://albert.api.etalab.gouv.fr/v1/',
				LLM_API_KEY: 'k',
				LLM_MODEL: 'albert-large',
				LLM_PROVIDER_NAME: 'Albert',
				LLM_BASE_URL_2: 'http://127.0.0.1:11434/v1',
				LLM_MODEL_2: 'mistral',
				LLM_RESPONSE_FORMAT_2: 'json_object',
				LLM_DAILY_QUOTA: '10',
				LLM_TIMEOUT_MS: '30000'
			})
		).toStrictEqual({
			providers: [
				{
					name: 'Albert',
					baseUrl: 'https://albert.api.etalab.gouv.fr/v1',
					apiKey: 'k',
					model: 'albert-large',
					responseFormat: 'json_schema'
				},
				{
					name: '127.0.0.1:11434',
					baseUrl: 'http://127.0.0.1:11434/v1',
					apiKey: undefined,
					model: 'mistral',
					responseFormat: 'json_object'
				}
			],
			timeoutMs: 30000,
			maxAttempts: 3,
			dailyQuota: 10,
			cacheTtlMs: 720 * 3_600_000
		});
	});

	it('refuses clear-text remote providers, a missing model and bad numbers, in French', () => {
		expect(() => loadLlmConfig({ LLM_BASE_URL: 'http://llm.example.org/v1', LLM_MODEL: 'm' })).toThrow(
			/https:\/\//
		);
		expect(() => loadLlmConfig({ LLM_BASE_URL: 'https://llm.example.org/v1' })).toThrow(
			/LLM_MODEL est obligatoire/
		);
		expect(() =>
			loadLlmConfig({ LLM_BASE_URL: 'https://x.example/v1', LLM_MODEL: 'm', LLM_DAILY_QUOTA: '-1' })
		).toThrow(/LLM_DAILY_QUOTA/);
		expect(() => loadLlmConfig({ LLM_BASE_URL_2: 'https://x.example/v1', LLM_MODEL_2: 'm' })).toThrow(
			/fournisseur principal/
		);
	});
});
