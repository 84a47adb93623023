import { z } from 'zod';
import { PasserelleError } from '#widget/errors.ts';
import { chatCompletion, type ChatMessage, type ChatRequest, type TokenUsage } from './chat-client.ts';
import type { LlmProvider } from './llm-config.ts';

/**
 * JSON schema of a zod schema in the form OpenAI-compatible "structured outputs" accept: every
 * property required (nullable instead of optional), no extra properties, no defaults.
 */
export function toProviderJsonSchema(schema: z.ZodType): Record<string, unknown> {
	const json = z.toJSONSchema(schema, { io: 'output', target: 'draft-7' }) as Record<string, unknown>;
	const clean = (value: unknown): unknown => {
		if (Array.isArray(value)) return value.map(clean);
		if (!value || typeof value !== 'object') return value;
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) {
			if (key === 'default' || key === '$schema') continue;
			out[key] = clean(item);
		}
		return out;
	};
	return clean(json) as Record<string, unknown>;
}

/** The JSON object inside an answer: a fenced block, or from the first `{` to the last `}`. */
export function extractJsonText(content: string): string | null {
	const text = content.replaceAll('\u0000', '');
	const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
	if (fenced?.[1]?.trim().startsWith('{')) return fenced[1].trim();
	const start = text.indexOf('{');
	const end = text.lastIndexOf('}');
	return start !== -1 && end > start ? text.slice(start, end + 1) : null;
}

/** Outcome of reading one answer against a schema. */
export type ParsedAnswer<T> = { ok: true; data: T } | { ok: false; problem: string };

/** Parses and validates an answer; an empty object counts as a failure. */
export function parseAnswer<T>(content: string, schema: z.ZodType<T>): ParsedAnswer<T> {
	const jsonText = extractJsonText(content);
	if (!jsonText) return { ok: false, problem: 'la réponse ne contient pas d’objet JSON' };
	let raw: unknown;
	try {
		raw = JSON.parse(jsonText);
	} catch (error) {
		return { ok: false, problem: `JSON invalide (${(error as Error).message.slice(0, 120)})` };
	}
	if (!raw || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length === 0) {
		return { ok: false, problem: 'objet JSON vide' };
	}
	const result = schema.safeParse(raw);
	if (!result.success) {
		const issues = result.error.issues
			.slice(0, 5)
			.map((i) => `${i.path.join('.') || '(racine)'} : ${i.message}`)
			.join(' ; ');
		return { ok: false, problem: `le JSON ne suit pas le schéma (${issues})` };
	}
	return { ok: true, data: result.data };
}

/** A structured answer with who gave it and what it cost. */
export interface StructuredResult<T> {
	data: T;
	provider: string;
	model: string;
	usage: TokenUsage;
	/** Provider calls made, all providers included. */
	attempts: number;
}

/** Options of `callStructured`. */
export interface StructuredCallOptions {
	fetch?: typeof fetch;
	timeoutMs: number;
	maxAttempts: number;
	/** Pause before retry n (1-based); defaults to 300 ms × 2^(n-1). */
	backoffMs?: (attempt: number) => number;
	signal?: AbortSignal;
	schemaName: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Asks each provider in turn for an answer that follows `schema`: transport failures are retried
 * with backoff, malformed answers are retried with the problem explained to the model, and after
 * `maxAttempts` the next provider is tried. Throws `llm_invalid_output` when every answer was
 * malformed, else the last transport error (`llm_unavailable` when all providers failed).
 */
export async function callStructured<T>(
	providers: readonly LlmProvider[],
	request: ChatRequest,
	schema: z.ZodType<T>,
	options: StructuredCallOptions
): Promise<StructuredResult<T>> {
	const usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
	const backoff = options.backoffMs ?? ((n: number) => 300 * 2 ** (n - 1));
	const jsonSchema = { name: options.schemaName, schema: toProviderJsonSchema(schema) };
	let attempts = 0;
	let lastProblem: string | undefined;
	let lastError: PasserelleError | undefined;
	let lastFailure: 'invalid' | 'transport' = 'transport';
	for (const provider of providers) {
		let messages: ChatMessage[] = request.messages;
		for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
			if (attempt > 1) await sleep(backoff(attempt - 1));
			options.signal?.throwIfAborted();
			attempts++;
			let content: string;
			let model: string;
			try {
				const response = await chatCompletion(
					provider,
					{ ...request, messages, jsonSchema },
					{ fetch: options.fetch, timeoutMs: options.timeoutMs, signal: options.signal }
				);
				usage.promptTokens += response.usage.promptTokens;
				usage.completionTokens += response.usage.completionTokens;
				content = response.content;
				model = response.model;
			} catch (error) {
				if (!(error instanceof PasserelleError)) throw error;
				lastError = error;
				lastFailure = 'transport';
				// A refused key or request will not get better by asking the same provider again.
				if (!error.retryable) break;
				continue;
			}
			const parsed = parseAnswer(content, schema);
			if (parsed.ok) return { data: parsed.data, provider: provider.name, model, usage, attempts };
			lastProblem = parsed.problem;
			lastFailure = 'invalid';
			messages = [
				...request.messages,
				{ role: 'assistant', content: content.slice(0, 4000) },
				{
					role: 'user',
					content: `Ta réponse n’est pas exploitable : ${parsed.problem}. Réponds uniquement par l’objet JSON demandé, sans texte autour.`
				}
			];
		}
	}
	if (lastFailure === 'invalid') {
		throw new PasserelleError(
			'llm_invalid_output',
			`Le modèle a renvoyé des réponses inexploitables (${attempts} essais).`,
			true,
			{ details: { attempts, problem: lastProblem, status: 502 } }
		);
	}
	throw new PasserelleError(
		'llm_unavailable',
		`L’assistance IA est indisponible : ${lastError?.userMessage ?? 'aucune réponse'}`,
		lastError?.retryable ?? true,
		{ cause: lastError, details: { attempts, providerCode: lastError?.code, status: 503 } }
	);
}
