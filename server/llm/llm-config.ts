import { isIP } from 'node:net';
import { configError } from '../config.ts';

/** How a provider is asked for JSON: a JSON schema (OpenAI structured outputs), JSON mode, or the prompt only. */
export type ResponseFormatMode = 'json_schema' | 'json_object' | 'none';

/** One OpenAI-compatible chat-completions provider (Albert, Mistral, OpenAI, vLLM, Ollama…). */
export interface LlmProvider {
	/** Name shown to users ("Albert (DINUM)"), defaults to the host of the base URL. */
	name: string;
	/** Base URL ending before `/chat/completions`, e.g. `https://albert.api.etalab.gouv.fr/v1`. */
	baseUrl: string;
	apiKey: string | undefined;
	model: string;
	responseFormat: ResponseFormatMode;
}

/** The LLM settings read from the environment; `providers[0]` is the main one, the rest are fallbacks. */
export interface LlmConfig {
	providers: LlmProvider[];
	/** Per HTTP call. */
	timeoutMs: number;
	/** Calls per provider for one request (transport errors and malformed answers), at least 1. */
	maxAttempts: number;
	/** Provider calls per Grist document per (UTC) day; cached answers are free. */
	dailyQuota: number;
	/** How long an answer stays in the cache. */
	cacheTtlMs: number;
}

/** Environment variables of the LLM provider (documented in the README). */
export const LLM_ENV = {
	baseUrl: 'LLM_BASE_URL',
	apiKey: 'LLM_API_KEY',
	model: 'LLM_MODEL',
	name: 'LLM_PROVIDER_NAME',
	responseFormat: 'LLM_RESPONSE_FORMAT'
} as const;

/** Fallback providers use the same names with a suffix `_2` … `_5` (e.g. `LLM_BASE_URL_2`). */
export const MAX_FALLBACK_PROVIDERS = 4;

function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[(.*)\]$/, '$1');
	if (host === 'localhost') return true;
	if (isIP(host) === 4) return host.startsWith('127.');
	return host === '::1';
}

function parseBaseUrl(text: string, variable: string): string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw configError(`${variable} : « ${text} » n’est pas une adresse valide.`, variable);
	}
	// Anonymised quotes still travel: never in clear text over a network.
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
		throw configError(
			`${variable} doit être une adresse https:// (http:// n’est accepté que sur 127.0.0.1 ou localhost).`,
			variable
		);
	}
	if (url.username || url.password || url.search || url.hash) {
		throw configError(
			`${variable} ne doit contenir ni identifiants, ni paramètres : mettez la clé dans LLM_API_KEY.`,
			variable
		);
	}
	return url.href.replace(/\/+$/, '');
}

function parseInteger(
	env: Record<string, string | undefined>,
	variable: string,
	fallback: number,
	min: number,
	max: number
): number {
	const text = env[variable]?.trim();
	if (!text) return fallback;
	const value = Number(text);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw configError(`${variable} doit être un entier entre ${min} et ${max} (reçu « ${text} »).`, variable);
	}
	return value;
}

function readProvider(env: Record<string, string | undefined>, suffix: string): LlmProvider | undefined {
	const v = (name: string) => `${name}${suffix}`;
	const baseText = env[v(LLM_ENV.baseUrl)]?.trim();
	if (!baseText) return undefined;
	const baseUrl = parseBaseUrl(baseText, v(LLM_ENV.baseUrl));
	const model = env[v(LLM_ENV.model)]?.trim();
	if (!model) {
		throw configError(
			`${v(LLM_ENV.model)} est obligatoire quand ${v(LLM_ENV.baseUrl)} est renseigné (nom du modèle, ex. albert-large).`,
			v(LLM_ENV.model)
		);
	}
	const format = (env[v(LLM_ENV.responseFormat)]?.trim() || 'json_schema') as ResponseFormatMode;
	if (!['json_schema', 'json_object', 'none'].includes(format)) {
		throw configError(
			`${v(LLM_ENV.responseFormat)} vaut json_schema, json_object ou none (reçu « ${format} »).`,
			v(LLM_ENV.responseFormat)
		);
	}
	return {
		name: env[v(LLM_ENV.name)]?.trim() || new URL(baseUrl).host,
		baseUrl,
		apiKey: env[v(LLM_ENV.apiKey)]?.trim() || undefined,
		model,
		responseFormat: format
	};
}

/**
 * Reads the LLM configuration: `LLM_BASE_URL`, `LLM_API_KEY`, `LLM_MODEL` (and optional
 * `LLM_PROVIDER_NAME`, `LLM_RESPONSE_FORMAT`), fallbacks with the suffixes `_2`…`_5`,
 * `LLM_TIMEOUT_MS` (60 000), `LLM_MAX_ATTEMPTS` (3), `LLM_DAILY_QUOTA` (200 per document) and
 * `LLM_CACHE_TTL_HOURS` (720). Returns null when no provider is configured.
 */
export function loadLlmConfig(env: Record<string, string | undefined> = process.env): LlmConfig | null {
	const main = readProvider(env, '');
	const fallbacks: LlmProvider[] = [];
	for (let i = 2; i <= MAX_FALLBACK_PROVIDERS + 1; i++) {
		const provider = readProvider(env, `_${i}`);
		if (provider) fallbacks.push(provider);
	}
	if (!main) {
		if (fallbacks.length) {
			throw configError(
				'Un fournisseur de secours (LLM_BASE_URL_2…) est configuré sans fournisseur principal : renseignez LLM_BASE_URL.',
				LLM_ENV.baseUrl
			);
		}
		return null;
	}
	return {
		providers: [main, ...fallbacks],
		timeoutMs: parseInteger(env, 'LLM_TIMEOUT_MS', 60_000, 100, 600_000),
		maxAttempts: parseInteger(env, 'LLM_MAX_ATTEMPTS', 3, 1, 10),
		dailyQuota: parseInteger(env, 'LLM_DAILY_QUOTA', 200, 0, 1_000_000),
		cacheTtlMs: parseInteger(env, 'LLM_CACHE_TTL_HOURS', 720, 0, 24 * 365) * 3_600_000
	};
}
