import { toErrorPayload } from '#widget/errors.ts';
import type { ExtractQuoteAnswer, ExtractQuoteCall } from '#worker/quotes/llm-merge/index.ts';
import type { CompanyAnswer, CompanySource, RgeAnswer, RgeSource } from '#worker/quotes/rules/index.ts';
import { session } from '../grist-session.svelte.ts';

/** Calls our server for the current Grist document (`session.api` in the widget). */
export type ApiCall = <T>(path: string, init?: RequestInit) => Promise<T>;

const defaultApi: ApiCall = (path, init) => session.api(path, init);

/** What `GET /api/llm/status` answers. */
export interface LlmStatusView {
	configured: boolean;
	provider: string | null;
	model: string | null;
	fallbacks: string[];
	dailyQuota: number | null;
	quota: { used: number; limit: number } | null;
	/** French sentence when no LLM is configured. */
	message: string | null;
}

/** Status shown when the server cannot be asked: the UI behaves as without LLM. */
export const UNKNOWN_LLM_STATUS: LlmStatusView = {
	configured: false,
	provider: null,
	model: null,
	fallbacks: [],
	dailyQuota: null,
	quota: null,
	message: 'Le serveur n’a pas pu indiquer de modèle d’IA : les devis sont vérifiés par les règles seules.'
};

/** Asks the server whether an LLM is configured; never throws (an unreachable server means "no LLM"). */
export async function fetchLlmStatus(api: ApiCall = defaultApi): Promise<LlmStatusView> {
	try {
		return await api<LlmStatusView>('/api/llm/status');
	} catch {
		return UNKNOWN_LLM_STATUS;
	}
}

/** The `extract` function `assistQuote` needs: `POST /api/llm/extract-quote` with the anonymised text only. */
export function serverQuoteExtraction(api: ApiCall = defaultApi): ExtractQuoteCall {
	return (body) =>
		api<ExtractQuoteAnswer>('/api/llm/extract-quote', { method: 'POST', body: JSON.stringify(body) });
}

/** Whether the server checks RGE and company state online (`GET /api/external/status`). */
export interface ExternalStatusView {
	enabled: boolean;
	sources: string[];
	message: string | null;
}

/** Asks the server once; an unreachable server means "off" (the checks then stay « non vérifié »). */
export async function fetchExternalStatus(api: ApiCall = defaultApi): Promise<ExternalStatusView> {
	try {
		return await api<ExternalStatusView>('/api/external/status');
	} catch {
		return { enabled: false, sources: [], message: null };
	}
}

/** RGE port of the rules in the browser: our server proxies ADEME; a failure is "non vérifié". */
export function browserRgeSource(api: ApiCall = defaultApi): RgeSource {
	return {
		async lookup(siret) {
			try {
				const answer = await api<RgeAnswer>('/api/external/rge', {
					method: 'POST',
					body: JSON.stringify({ siret })
				});
				return { status: answer.status, qualifications: answer.qualifications ?? [], reason: answer.reason };
			} catch (error) {
				return {
					status: 'non_verifie',
					qualifications: [],
					reason: `RGE non vérifié : ${toErrorPayload(error).message}`
				};
			}
		}
	};
}

/** Company port of the rules in the browser (Annuaire des entreprises through our server). */
export function browserCompanySource(api: ApiCall = defaultApi): CompanySource {
	return {
		async lookup(siret) {
			try {
				const answer = await api<CompanyAnswer>('/api/external/company', {
					method: 'POST',
					body: JSON.stringify({ siret })
				});
				return { status: answer.status, etat: answer.etat, reason: answer.reason };
			} catch (error) {
				return {
					status: 'non_verifie',
					reason: `État de l’entreprise non vérifié : ${toErrorPayload(error).message}`
				};
			}
		}
	};
}

/** A project's qualification as the server returns it (`POST /api/communs/qualify`). */
export interface QualificationView {
	competences: { code: string; libelle: string; score: number }[];
	leviers: { libelle: string; score: number }[];
	methode: 'ia' | 'mots-cles';
	provider: string | null;
	model: string | null;
	classification: string | null;
	notice: string | null;
	seuil: number;
	contentHash: string;
	referenceVersion: string;
}

/** Qualifies a Les communs project; errors (invalid input, server down) come back as PasserelleError. */
export function qualifyProject(
	project: { nom: string; description?: string },
	api: ApiCall = defaultApi
): Promise<QualificationView> {
	return api<QualificationView>('/api/communs/qualify', { method: 'POST', body: JSON.stringify(project) });
}
