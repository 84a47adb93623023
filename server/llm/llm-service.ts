import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { PasserelleError } from '#widget/errors.ts';
import type { Logger } from '../log.ts';
import type { ChatMessage, TokenUsage } from './chat-client.ts';
import type { LlmConfig } from './llm-config.ts';
import type { LlmStore } from './llm-store.ts';
import { assertAnonymised } from './pii-guard.ts';
import { callStructured } from './structured-output.ts';

/** One kind of LLM request: its prompt, its answer schema and its version (part of the cache key). */
export interface LlmTask<T> {
	/** Stable name, e.g. `devis-gestes`; logged and stored with usage. */
	name: string;
	/** Prompt version: changing the prompt must change it, so old cached answers are not reused. */
	version: string;
	schema: z.ZodType<T>;
	messages(text: string): ChatMessage[];
	temperature?: number;
	maxTokens?: number;
}

/** What the UI needs to know: is an LLM configured, which provider and model. */
export interface LlmStatus {
	configured: boolean;
	provider: string | null;
	model: string | null;
	/** Names of fallback providers, in order. */
	fallbacks: string[];
	/** Provider calls per document per day, null when not configured. */
	dailyQuota: number | null;
}

/** An LLM answer with where it came from. */
export interface LlmRunResult<T> {
	data: T;
	provider: string;
	model: string;
	cached: boolean;
	usage: TokenUsage;
	/** Calls used today by this document, after this one, and the limit. */
	quota: { used: number; limit: number };
}

/** Runs LLM tasks for Grist documents: anonymisation guard, cache, daily quota, providers, accounting. */
export interface LlmService {
	status(): LlmStatus;
	run<T>(
		docId: string,
		task: LlmTask<T>,
		text: string,
		options?: { signal?: AbortSignal }
	): Promise<LlmRunResult<T>>;
	quota(docId: string): Promise<{ day: string; used: number; limit: number }>;
}

/** Dependencies of the service; `fetch`, `now` and `backoffMs` are for tests. */
export interface LlmServiceDeps {
	config: LlmConfig | null;
	store: LlmStore;
	log: Logger;
	fetch?: typeof fetch;
	now?: () => Date;
	backoffMs?: (attempt: number) => number;
}

/** Longest text accepted for one request (characters): a devis without its general terms is far shorter. */
export const MAX_LLM_TEXT_CHARS = 60_000;

/** French message shown when the server has no LLM (the UI then hides the LLM features). */
export const NOT_CONFIGURED_MESSAGE =
	'Aucun modèle d’IA n’est configuré sur ce serveur : les vérifications se font par les règles seules.';

/** The error every LLM endpoint answers when no provider is configured (HTTP 503). */
export function llmNotConfigured(): PasserelleError {
	return new PasserelleError('llm_not_configured', NOT_CONFIGURED_MESSAGE, false, {
		details: { status: 503 }
	});
}

/** Day of the quota: the UTC date, `YYYY-MM-DD`. */
export function quotaDay(now: Date): string {
	return now.toISOString().slice(0, 10);
}

/** Cache key: a hash of the task, its prompt version, the provider models and the text. */
export function llmCacheKey(
	task: { name: string; version: string },
	models: readonly string[],
	text: string
): string {
	return createHash('sha256')
		.update(JSON.stringify([task.name, task.version, models, text]))
		.digest('hex');
}

/** Expired cache entries are deleted after this many stored answers. */
export const PURGE_EVERY = 50;

/** Creates the LLM service; with a null configuration every run answers `llm_not_configured`. */
export function createLlmService(deps: LlmServiceDeps): LlmService {
	const { config, store } = deps;
	let stored = 0;
	const now = deps.now ?? (() => new Date());
	const log = deps.log.child({ module: 'llm' });
	for (const provider of config?.providers ?? []) if (provider.apiKey) log.addSecretValue(provider.apiKey);

	async function account(
		docId: string,
		task: string,
		started: number,
		fields: Partial<Parameters<LlmStore['recordUsage']>[0]> & { outcome: string },
		inputChars: number
	) {
		const record = {
			docId,
			task,
			provider: null,
			model: null,
			cached: false,
			attempts: 0,
			promptTokens: 0,
			completionTokens: 0,
			inputChars,
			durationMs: Math.max(0, Math.round(now().getTime() - started)),
			...fields
		};
		// Usage in the logs: counts and names only, never the text. (Field names containing
		// "token" are masked by the logger, hence `usage.prompt` / `usage.completion`.)
		const { promptTokens, completionTokens, ...rest } = record;
		log.info('Appel IA', { ...rest, usage: { prompt: promptTokens, completion: completionTokens } });
		try {
			await store.recordUsage(record);
		} catch (error) {
			log.warn('Comptabilité IA non enregistrée', { error, docId, task });
		}
	}

	return {
		status() {
			const main = config?.providers[0];
			return {
				configured: Boolean(main),
				provider: main?.name ?? null,
				model: main?.model ?? null,
				fallbacks: config?.providers.slice(1).map((p) => p.name) ?? [],
				dailyQuota: config?.dailyQuota ?? null
			};
		},

		async quota(docId) {
			const day = quotaDay(now());
			return { day, used: await store.quotaUsed(docId, day), limit: config?.dailyQuota ?? 0 };
		},

		async run(docId, task, text, options = {}) {
			if (!config) throw llmNotConfigured();
			const started = now().getTime();
			if (text.length > MAX_LLM_TEXT_CHARS) {
				throw new PasserelleError(
					'llm_text_too_long',
					`Texte trop long pour l’IA (${text.length} caractères, au plus ${MAX_LLM_TEXT_CHARS}).`,
					false,
					{ details: { status: 413 } }
				);
			}
			try {
				assertAnonymised(text);
			} catch (error) {
				await account(docId, task.name, started, { outcome: 'refused_personal_data' }, text.length);
				throw error;
			}
			const key = llmCacheKey(
				task,
				config.providers.map((p) => p.model),
				text
			);
			const cached = await store.getCached(key, now());
			if (cached) {
				const parsed = task.schema.safeParse(cached.result);
				if (parsed.success) {
					await account(
						docId,
						task.name,
						started,
						{ outcome: 'cached', cached: true, provider: cached.provider, model: cached.model },
						text.length
					);
					return {
						data: parsed.data,
						provider: cached.provider,
						model: cached.model,
						cached: true,
						usage: { promptTokens: 0, completionTokens: 0 },
						quota: { used: await store.quotaUsed(docId, quotaDay(now())), limit: config.dailyQuota }
					};
				}
			}
			const quota = await store.consumeQuota(docId, quotaDay(now()), config.dailyQuota);
			if (!quota.allowed) {
				await account(docId, task.name, started, { outcome: 'quota_exceeded' }, text.length);
				throw new PasserelleError(
					'llm_quota_exceeded',
					`Quota quotidien d’appels à l’IA atteint pour ce document (${config.dailyQuota} par jour). Réessayez demain.`,
					false,
					{ details: { status: 429, used: quota.used, limit: config.dailyQuota } }
				);
			}
			try {
				const result = await callStructured(
					config.providers,
					{ messages: task.messages(text), temperature: task.temperature ?? 0, maxTokens: task.maxTokens },
					task.schema,
					{
						fetch: deps.fetch,
						timeoutMs: config.timeoutMs,
						maxAttempts: config.maxAttempts,
						backoffMs: deps.backoffMs,
						signal: options.signal,
						schemaName: task.name.replace(/[^a-zA-Z0-9_-]/g, '_')
					}
				);
				if (++stored % PURGE_EVERY === 0) {
					await store
						.purgeExpired(now())
						.catch((error: unknown) => log.warn('Purge du cache IA impossible', { error }));
				}
				await store.putCached(
					key,
					task.name,
					{ provider: result.provider, model: result.model, result: result.data },
					new Date(now().getTime() + config.cacheTtlMs)
				);
				await account(
					docId,
					task.name,
					started,
					{
						outcome: 'ok',
						provider: result.provider,
						model: result.model,
						attempts: result.attempts,
						promptTokens: result.usage.promptTokens,
						completionTokens: result.usage.completionTokens
					},
					text.length
				);
				return {
					data: result.data,
					provider: result.provider,
					model: result.model,
					cached: false,
					usage: result.usage,
					quota: { used: quota.used, limit: config.dailyQuota }
				};
			} catch (error) {
				const code = error instanceof PasserelleError ? error.code : 'unexpected';
				const attempts = error instanceof PasserelleError ? Number(error.details.attempts ?? 0) : 0;
				await account(
					docId,
					task.name,
					started,
					{ outcome: code.replace(/^llm_/, ''), attempts },
					text.length
				);
				throw error;
			}
		}
	};
}
