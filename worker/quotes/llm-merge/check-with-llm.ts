import { checkExtraction, checkQuote, type CheckContext, type QuoteResult } from '../check/index.ts';
import { extractQuote } from '../extract/index.ts';
import type { ReadResult } from '../read/index.ts';
import { assistQuote, type AssistOutcome, type ExtractQuoteCall } from './llm-assist.ts';
import type { MergeOrigins, RejectedValue } from './merge-extraction.ts';

/** A check result whose values carry their origin ("règle" or "IA"). */
export interface MergedQuoteResult extends QuoteResult {
	origins: MergeOrigins;
	/** The LLM's part: who read, with which prompt, what it added and what failed the format checks. */
	llm: {
		provider: string;
		model: string;
		promptVersion: string;
		cached: boolean;
		added: { admin: string[]; gestes: number[]; values: number };
		rejected: RejectedValue[];
	} | null;
}

/** Both results: the rules alone (always), the merged one (when the LLM answered), and the LLM step's outcome. */
export interface CheckWithLlmOutcome {
	rules: QuoteResult;
	/** The result to show: merged when the LLM answered, else the rules' own (origins all "règle"). */
	result: MergedQuoteResult;
	assist: AssistOutcome;
}

function rulesOrigins(result: QuoteResult): MergeOrigins {
	const admin: MergeOrigins['admin'] = {};
	for (const [key, value] of Object.entries(result.fields ?? {})) {
		if (value !== null && !(Array.isArray(value) && value.length === 0))
			admin[key as keyof MergeOrigins['admin']] = 'règle';
	}
	return {
		admin,
		gestes: result.gestes.map((g) => ({
			geste: 'règle',
			fields: Object.fromEntries(
				(['quantite', 'unite', 'prix_unitaire_ht', 'prix_ht', 'taux_tva'] as const)
					.filter((f) => g[f] !== null)
					.map((f) => [f, 'règle'])
			),
			values: Object.fromEntries(Object.keys(g.values).map((k) => [k, 'règle']))
		}))
	};
}

/**
 * Checks a read devis by the rules, then, when an LLM is available, anonymises the pages, asks
 * the server (`extract`), merges the answer (rules win) and checks the merged extraction again.
 * Without an LLM, or when it fails, the rules' result is returned with the step's French notice.
 */
export async function checkQuoteWithLlm(
	read: ReadResult,
	ctx: CheckContext,
	extract: ExtractQuoteCall | null
): Promise<CheckWithLlmOutcome> {
	const rules = await checkQuote(read, ctx);
	const rulesResult: MergedQuoteResult = { ...rules, origins: rulesOrigins(rules), llm: null };
	if (!extract) {
		return {
			rules,
			result: rulesResult,
			assist: {
				status: 'regles',
				merged: null,
				sent: null,
				code: 'llm_not_configured',
				notice: 'Aucun modèle d’IA n’est configuré. Le devis est vérifié par les règles seules.'
			}
		};
	}
	const pages = read.pages.map((p) => ({ number: p.number, text: p.text, cgv: p.cgv, lines: p.lines }));
	const assist = await assistQuote(pages, extractQuote(read), extract);
	if (assist.status !== 'ia') return { rules, result: rulesResult, assist };
	const merged = await checkExtraction(assist.merged.extraction, read, ctx);
	return {
		rules,
		assist,
		result: {
			...merged,
			origins: assist.merged.origins,
			llm: {
				provider: assist.provider,
				model: assist.model,
				promptVersion: assist.promptVersion,
				cached: assist.cached,
				added: assist.merged.added,
				rejected: assist.merged.rejected
			}
		}
	};
}
