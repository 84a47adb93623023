import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GESTE_FIELDS, GESTE_TYPES } from '#worker/quotes/extract/index.ts';
import { llmQuoteSchema } from '#worker/quotes/llm-merge/index.ts';
import type { Database } from '../db/database.ts';
import { createLogger } from '../log.ts';
import { openTestDatabase } from '../testing/pglite.ts';
import { loadLlmConfig } from './llm-config.ts';
import { createLlmService } from './llm-service.ts';
import { createLlmStore } from './llm-store.ts';
import { extractQuoteForDocument, QUOTE_PROMPT_VERSION, quoteSystemPrompt } from './quote-task.ts';
import { toProviderJsonSchema } from './structured-output.ts';

describe('devis prompt and schema', () => {
	it('names every geste type and every technical field the rules read', () => {
		const prompt = quoteSystemPrompt();
		for (const type of GESTE_TYPES) expect(prompt).toContain(type);
		for (const field of GESTE_FIELDS) expect(prompt).toContain(field.id);
		expect(prompt).toContain('[NOM_1]');
	});

	it('gives providers a strict schema: every key required, no extra keys, no defaults', () => {
		const schema = toProviderJsonSchema(llmQuoteSchema) as {
			required: string[];
			additionalProperties: boolean;
			properties: Record<
				string,
				{ items?: { properties: Record<string, { enum?: string[] }>; required: string[] } }
			>;
		};
		expect(schema.additionalProperties).toBe(false);
		expect(schema.required).toStrictEqual(Object.keys(schema.properties));
		const geste = schema.properties.gestes!.items!;
		expect(geste.required).toContain('valeurs');
		expect(geste.properties.type!.enum).toStrictEqual([...GESTE_TYPES, 'autre']);
		expect(JSON.stringify(schema)).not.toMatch(/"default"|\$schema/);
	});
});

describe('extractQuoteForDocument', () => {
	let database: Database;
	beforeAll(async () => {
		database = await openTestDatabase();
	});
	afterAll(() => database.close());

	it('refuses a body without anonymised text (400), and answers "aucun modèle" without LLM (503)', async () => {
		const llm = createLlmService({
			config: loadLlmConfig({ LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'm' }),
			store: createLlmStore(database),
			log: createLogger({ level: 'silent' })
		});
		await expect(extractQuoteForDocument(llm, 'doc', { text: 'x' })).rejects.toMatchObject({
			code: 'llm_invalid_request',
			details: { status: 400 }
		});
		const none = createLlmService({
			config: null,
			store: createLlmStore(database),
			log: createLogger({ level: 'silent' })
		});
		await expect(extractQuoteForDocument(none, 'doc', { anonymisedText: 'Devis' })).rejects.toMatchObject({
			code: 'llm_not_configured',
			details: { status: 503 }
		});
		expect(QUOTE_PROMPT_VERSION).toMatch(/^devis-/);
	});

	it('purges expired cache entries', async () => {
		const store = createLlmStore(database);
		await store.putCached(
			'old',
			't',
			{ provider: 'p', model: 'm', result: {} },
			new Date('2025-01-01T00:00:00Z')
		);
		await store.putCached(
			'new',
			't',
			{ provider: 'p', model: 'm', result: {} },
			new Date('2025-12-01T00:00:00Z')
		);
		expect(await store.purgeExpired(new Date('2025-06-01T00:00:00Z'))).toBe(1);
		expect(await store.getCached('new', new Date('2025-06-01T00:00:00Z'))).toStrictEqual({
			provider: 'p',
			model: 'm',
			result: {}
		});
	});
});
