/**
 * The quote rules as the runner uses them: the check pipeline of `worker/quotes/check` (extraction,
 * rules, optional external sources), run on the main thread (a few milliseconds per quote).
 */
import { checkDossier, checkQuote, failedQuote, type CheckContext } from '#worker/quotes/check/index.ts';
import type { QuoteRules } from './quote-engine.ts';

/** Builds the rules; external sources (RGE, company registry) are optional and never fail a check. */
export function engineRules(sources: Pick<CheckContext, 'rge' | 'company' | 'aides'> = {}): QuoteRules {
	return {
		check: (read, file) => checkQuote(read, { ...sources, file: file.name }),
		unreadable: (error, file) => failedQuote(error, { file: file.name }),
		checkDossier: (results) => checkDossier(results)
	};
}
