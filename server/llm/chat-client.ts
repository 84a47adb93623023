import { PasserelleError } from '#widget/errors.ts';
import type { LlmProvider } from './llm-config.ts';

/** One chat message. */
export interface ChatMessage {
	role: 'system' | 'user' | 'assistant';
	content: string;
}

/** What to ask a provider. */
export interface ChatRequest {
	messages: ChatMessage[];
	/** JSON schema the answer must follow (used as the provider's structured-output format). */
	jsonSchema?: { name: string; schema: Record<string, unknown> };
	temperature?: number;
	maxTokens?: number;
}

/** Token counts as the provider reports them (0 when it does not). */
export interface TokenUsage {
	promptTokens: number;
	completionTokens: number;
}

/** The answer of one call. */
export interface ChatResponse {
	content: string;
	/** Model name the provider says answered. */
	model: string;
	usage: TokenUsage;
}

/** Transport dependencies, replaceable in tests. */
export interface ChatDeps {
	fetch?: typeof fetch;
	timeoutMs: number;
	signal?: AbortSignal;
}

function failure(
	code: string,
	message: string,
	retryable: boolean,
	provider: LlmProvider,
	extra: Record<string, unknown> = {},
	cause?: unknown
) {
	return new PasserelleError(code, message, retryable, {
		cause,
		details: { provider: provider.name, ...extra }
	});
}

function responseFormat(provider: LlmProvider, request: ChatRequest): Record<string, unknown> | undefined {
	if (provider.responseFormat === 'none') return undefined;
	if (provider.responseFormat === 'json_object' || !request.jsonSchema) return { type: 'json_object' };
	return {
		type: 'json_schema',
		json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: true }
	};
}

/**
 * Calls `POST <baseUrl>/chat/completions` of an OpenAI-compatible provider once. Errors are
 * PasserelleErrors: `llm_timeout`, `llm_unreachable`, `llm_rate_limited`, `llm_provider_error`
 * (retryable), `llm_auth_refused`, `llm_request_refused`, `llm_empty_answer` (not retryable with
 * the same request, except the empty answer).
 */
export async function chatCompletion(
	provider: LlmProvider,
	request: ChatRequest,
	deps: ChatDeps
): Promise<ChatResponse> {
	const body: Record<string, unknown> = {
		model: provider.model,
		messages: request.messages,
		temperature: request.temperature ?? 0,
		stream: false
	};
	if (request.maxTokens) body.max_tokens = request.maxTokens;
	const format = responseFormat(provider, request);
	if (format) body.response_format = format;
	const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
	if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;

	const timeout = AbortSignal.timeout(deps.timeoutMs);
	const signal = deps.signal ? AbortSignal.any([deps.signal, timeout]) : timeout;
	let response: Response;
	let text: string;
	try {
		response = await (deps.fetch ?? fetch)(`${provider.baseUrl}/chat/completions`, {
			method: 'POST',
			headers,
			body: JSON.stringify(body),
			redirect: 'error',
			signal
		});
		text = await response.text();
	} catch (cause) {
		if (timeout.aborted) {
			throw failure(
				'llm_timeout',
				`Le modèle (${provider.name}) n’a pas répondu dans le délai de ${Math.round(deps.timeoutMs / 1000)} s.`,
				true,
				provider,
				{ timeoutMs: deps.timeoutMs },
				cause
			);
		}
		if (deps.signal?.aborted) throw cause;
		throw failure(
			'llm_unreachable',
			`Le modèle (${provider.name}) est injoignable.`,
			true,
			provider,
			{},
			cause
		);
	}
	const status = response.status;
	if (status === 401 || status === 403) {
		throw failure(
			'llm_auth_refused',
			`Le fournisseur ${provider.name} refuse la clé d’accès (erreur ${status}) : vérifiez LLM_API_KEY.`,
			false,
			provider,
			{ status }
		);
	}
	if (status === 429) {
		throw failure(
			'llm_rate_limited',
			`Le fournisseur ${provider.name} limite les appels (erreur 429).`,
			true,
			provider,
			{ status }
		);
	}
	if (status >= 500) {
		throw failure(
			'llm_provider_error',
			`Le fournisseur ${provider.name} est en erreur (${status}).`,
			true,
			provider,
			{ status }
		);
	}
	if (status < 200 || status >= 300) {
		throw failure(
			'llm_request_refused',
			`Le fournisseur ${provider.name} a refusé la requête (erreur ${status}).`,
			false,
			provider,
			{
				status
			}
		);
	}
	let parsed: {
		model?: unknown;
		choices?: { message?: { content?: unknown } }[];
		usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
	};
	try {
		parsed = JSON.parse(text) as typeof parsed;
	} catch (cause) {
		throw failure(
			'llm_provider_error',
			`Le fournisseur ${provider.name} a renvoyé une réponse qui n’est pas du JSON.`,
			true,
			provider,
			{},
			cause
		);
	}
	const content = parsed.choices?.[0]?.message?.content;
	if (typeof content !== 'string' || !content.trim()) {
		throw failure(
			'llm_empty_answer',
			`Le modèle (${provider.name}) a renvoyé une réponse vide.`,
			true,
			provider
		);
	}
	const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
	return {
		content,
		model: typeof parsed.model === 'string' ? parsed.model : provider.model,
		usage: {
			promptTokens: count(parsed.usage?.prompt_tokens),
			completionTokens: count(parsed.usage?.completion_tokens)
		}
	};
}
