import { configError } from '../config.ts';

/** Where and how the server reaches the public directories it checks quotes against. */
export interface ExternalConfig {
	/** Whether the widget uses these checks (`EXTERNAL_CHECKS`); the routes answer either way. */
	enabled: boolean;
	/** ADEME data-fair API root, e.g. `https://data.ademe.fr/data-fair/api/v1`. */
	rgeBaseUrl: string;
	/** Annuaire des entreprises API root, e.g. `https://recherche-entreprises.api.gouv.fr`. */
	companyBaseUrl: string;
	/** Per HTTP call. */
	timeoutMs: number;
	/** How long a successful answer is reused. */
	cacheTtlMs: number;
	/** How long a "non vérifié" answer is reused (short: the service may be back soon). */
	failureTtlMs: number;
	/** Calls per second to each directory (recherche-entreprises allows 7/s). */
	ratePerSecond: number;
	/** Lookups per document per minute through our endpoints. */
	perDocumentPerMinute: number;
}

/** Public defaults: the real services. */
export const EXTERNAL_DEFAULTS = {
	rgeBaseUrl: 'https://data.ademe.fr/data-fair/api/v1',
	companyBaseUrl: 'https://recherche-entreprises.api.gouv.fr'
} as const;

function parseUrl(env: Record<string, string | undefined>, variable: string, fallback: string): string {
	const text = env[variable]?.trim() || fallback;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw configError(`${variable} : « ${text} » n’est pas une adresse valide.`, variable);
	}
	if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.search || url.hash) {
		throw configError(`${variable} doit être une adresse http(s) sans identifiants ni paramètres.`, variable);
	}
	return url.href.replace(/\/+$/, '');
}

function parseNumber(
	env: Record<string, string | undefined>,
	variable: string,
	fallback: number,
	min: number,
	max: number
): number {
	const text = env[variable]?.trim();
	if (!text) return fallback;
	const value = Number(text);
	if (!Number.isFinite(value) || value < min || value > max) {
		throw configError(`${variable} doit être un nombre entre ${min} et ${max} (reçu « ${text} »).`, variable);
	}
	return value;
}

/**
 * Reads `EXTERNAL_CHECKS` (`1`/`0`; default on, off in demo mode: the demo has no network),
 * `ADEME_RGE_BASE_URL`, `RECHERCHE_ENTREPRISES_BASE_URL`, `EXTERNAL_TIMEOUT_MS` (8 000),
 * `EXTERNAL_CACHE_TTL_HOURS` (24), `EXTERNAL_RATE_PER_SECOND` (5) and
 * `EXTERNAL_PER_DOCUMENT_PER_MINUTE` (120); the base URLs default to the public services.
 */
export function loadExternalConfig(env: Record<string, string | undefined> = process.env): ExternalConfig {
	return {
		enabled: parseSwitch(env),
		rgeBaseUrl: parseUrl(env, 'ADEME_RGE_BASE_URL', EXTERNAL_DEFAULTS.rgeBaseUrl),
		companyBaseUrl: parseUrl(env, 'RECHERCHE_ENTREPRISES_BASE_URL', EXTERNAL_DEFAULTS.companyBaseUrl),
		timeoutMs: parseNumber(env, 'EXTERNAL_TIMEOUT_MS', 8000, 100, 120_000),
		cacheTtlMs: parseNumber(env, 'EXTERNAL_CACHE_TTL_HOURS', 24, 0, 24 * 30) * 3_600_000,
		failureTtlMs: 120_000,
		ratePerSecond: parseNumber(env, 'EXTERNAL_RATE_PER_SECOND', 5, 0.1, 100),
		perDocumentPerMinute: parseNumber(env, 'EXTERNAL_PER_DOCUMENT_PER_MINUTE', 120, 1, 10_000)
	};
}

/** `EXTERNAL_CHECKS`: whether the Devis tab asks the server for RGE and company checks. */
function parseSwitch(env: Record<string, string | undefined>): boolean {
	const text = env.EXTERNAL_CHECKS?.trim() ?? '';
	if (text === '') return env.PASSERELLE_DEMO?.trim() !== '1';
	if (text === '1' || text === '0') return text === '1';
	throw configError(`EXTERNAL_CHECKS vaut 1 ou 0 (reçu « ${text} »).`, 'EXTERNAL_CHECKS');
}
