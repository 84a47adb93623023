/**
 * The quote rules as the runner uses them: the check pipeline of `worker/quotes/check` (extraction,
 * rules, optional external sources), run on the main thread (a few milliseconds per quote); when
 * an LLM is configured, its anonymised reading is merged in first (`checkQuoteWithLlm`).
 */
import { checkDossier, checkQuote, failedQuote, type CheckContext } from '#worker/quotes/check/index.ts';
import { checkQuoteWithLlm, type ExtractQuoteCall } from '#worker/quotes/llm-merge/index.ts';
import type { QuoteRules } from './quote-engine.ts';

/** Options of the rules: external sources (never fail a check) and the LLM call, when configured. */
export interface EngineRulesOptions extends Pick<CheckContext, 'rge' | 'company' | 'aides'> {
	/** The server's LLM extraction, or null for the rules alone (asked for each quote). */
	llm?: () => ExtractQuoteCall | null;
	/** Online sources, asked for each quote (they may be switched on once the server has said so). */
	online?: () => Pick<CheckContext, 'rge' | 'company'>;
}

/** Builds the rules. */
export function engineRules(options: EngineRulesOptions = {}): QuoteRules {
	const { llm, online, ...sources } = options;
	return {
		async check(read, file) {
			const ctx = { ...sources, ...online?.(), file: file.name };
			const extract = llm?.() ?? null;
			if (!extract) return checkQuote(read, ctx);
			return (await checkQuoteWithLlm(read, ctx, extract)).result;
		},
		unreadable: (error, file) => failedQuote(error, { file: file.name }),
		checkDossier: (results) => checkDossier(results)
	};
}
