import { readJson, withDocument, type ApiEvent } from '../http/api.ts';
import type { AppContext } from '../context.ts';
import { loadLlmConfig } from './llm-config.ts';
import { createLlmService, type LlmService, type LlmStatus } from './llm-service.ts';
import { createLlmStore } from './llm-store.ts';
import { extractQuoteForDocument } from './quote-task.ts';

const services = new WeakMap<AppContext, LlmService>();

/** The process' LLM service (configuration read from the environment once per context). */
export function llmServiceFor(ctx: AppContext): LlmService {
	let service = services.get(ctx);
	if (!service) {
		service = createLlmService({
			config: loadLlmConfig(process.env),
			store: createLlmStore(ctx.db),
			log: ctx.log
		});
		services.set(ctx, service);
	}
	return service;
}

/** Body of `GET /api/llm/status`. */
export interface LlmStatusBody extends LlmStatus {
	/** Calls used today by this document, and the daily limit (null without LLM). */
	quota: { used: number; limit: number } | null;
	/** French sentence for the UI when no LLM is configured. */
	message: string | null;
}

/** `GET /api/llm/status`: is an LLM configured, which provider and model, and this document's quota. */
export function llmStatus(event: ApiEvent): Promise<Response> {
	return withDocument(event, async ({ ctx, auth }): Promise<LlmStatusBody> => {
		const service = llmServiceFor(ctx);
		const status = service.status();
		if (!status.configured) {
			return {
				...status,
				quota: null,
				message: 'Aucun modèle d’IA n’est configuré : les devis sont vérifiés par les règles seules.'
			};
		}
		const { used, limit } = await service.quota(auth.docId);
		return { ...status, quota: { used, limit }, message: null };
	});
}

/** `POST /api/llm/extract-quote` `{anonymisedText}`: the structured reading of an anonymised devis. */
export function extractQuote(event: ApiEvent): Promise<Response> {
	return withDocument(event, async ({ ctx, auth, request }) =>
		extractQuoteForDocument(llmServiceFor(ctx), auth.docId, await readJson(request), {
			signal: request.signal
		})
	);
}
