import { toErrorPayload } from '#widget/errors.ts';
import { anonymisePages, restoreDeep, type AnonymisablePage, type PiiKind } from '../../anonymise/index.ts';
import type { Extraction } from '../extract/index.ts';
import { llmQuoteSchema } from './llm-quote-schema.ts';
import { mergeLlmExtraction, type MergedExtraction } from './merge-extraction.ts';

/**
 * The LLM step of a devis check, run where the file was read (the browser): anonymise the pages,
 * send only that text, restore the placeholders in the answer, merge it into the rule
 * extraction. Any failure leaves the rule extraction as it is, with a French notice.
 */

/** A page as read (its lines give the provenance of LLM values). */
export interface AssistPage extends AnonymisablePage {
	lines?: readonly { page: number; line: number; text: string }[];
}

/** What the server answers (see `POST /api/llm/extract-quote`). */
export interface ExtractQuoteAnswer {
	extraction: unknown;
	provider: string;
	model: string;
	cached: boolean;
	promptVersion: string;
}

/** Sends the anonymised text to the server; throws a PasserelleError (or its payload) on failure. */
export type ExtractQuoteCall = (body: {
	anonymisedText: string;
	pages: number[];
}) => Promise<ExtractQuoteAnswer>;

/** What was sent, for the "what leaves the browser" notice. */
export interface SentSummary {
	/** The anonymised text itself (it may be shown: it holds no personal data). */
	text: string;
	chars: number;
	pagesSent: number[];
	pagesSkipped: number[];
	/** Distinct values replaced, per kind. */
	replaced: Partial<Record<PiiKind, number>>;
}

/** Outcome of the LLM step. */
export type AssistOutcome =
	| {
			status: 'ia';
			merged: MergedExtraction;
			provider: string;
			model: string;
			cached: boolean;
			promptVersion: string;
			sent: SentSummary;
			notice: string;
	  }
	| { status: 'regles'; merged: null; sent: SentSummary | null; code: string; notice: string };

/** Notice shown when the LLM step did not run or failed: the rules still checked the devis. */
export function rulesOnlyNotice(reason: string): string {
	return `${reason.replace(/[.\s]+$/, '')}. Le devis est vérifié par les règles seules.`;
}

/** Anonymises pages for the LLM without sending anything: what the notice shows before the user agrees. */
export function previewSent(pages: readonly AnonymisablePage[]): SentSummary {
	const doc = anonymisePages(pages);
	return {
		text: doc.text,
		chars: doc.text.length,
		pagesSent: doc.pagesSent,
		pagesSkipped: doc.pagesSkipped,
		replaced: doc.counts
	};
}

/** Runs the LLM step; never throws for a provider or server failure. */
export async function assistQuote(
	pages: readonly AssistPage[],
	rules: Extraction,
	extract: ExtractQuoteCall
): Promise<AssistOutcome> {
	const doc = anonymisePages(pages);
	const sent: SentSummary = {
		text: doc.text,
		chars: doc.text.length,
		pagesSent: doc.pagesSent,
		pagesSkipped: doc.pagesSkipped,
		replaced: doc.counts
	};
	if (!doc.text.trim()) {
		return {
			status: 'regles',
			merged: null,
			sent: null,
			code: 'llm_nothing_to_send',
			notice: rulesOnlyNotice('Aucun texte lisible à envoyer à l’IA')
		};
	}
	let answer: ExtractQuoteAnswer;
	try {
		answer = await extract({ anonymisedText: doc.text, pages: doc.pagesSent });
	} catch (error) {
		const payload = toErrorPayload(error);
		if (payload.code === 'cancelled') throw error;
		return {
			status: 'regles',
			merged: null,
			sent,
			code: payload.code,
			notice: rulesOnlyNotice(`Assistance IA indisponible : ${payload.message}`)
		};
	}
	// The server validated it already; a second check keeps a broken answer out of the merge.
	const parsed = llmQuoteSchema.safeParse(answer.extraction);
	if (!parsed.success) {
		return {
			status: 'regles',
			merged: null,
			sent,
			code: 'llm_invalid_output',
			notice: rulesOnlyNotice('Réponse de l’IA illisible')
		};
	}
	const llm = restoreDeep(parsed.data, doc.mapping);
	const lines = pages.flatMap((p) => (p.cgv ? [] : (p.lines ?? [])));
	const merged = mergeLlmExtraction(rules, llm, { lines });
	const gains = merged.added.gestes.length + merged.added.values + merged.added.admin.length;
	return {
		status: 'ia',
		merged,
		provider: answer.provider,
		model: answer.model,
		cached: answer.cached,
		promptVersion: answer.promptVersion,
		sent,
		notice: gains
			? `L’IA (${answer.provider}) a complété la lecture : ${merged.added.gestes.length} geste(s) et ${merged.added.values + merged.added.admin.length} valeur(s) ajoutés, marqués « IA ».`
			: `L’IA (${answer.provider}) n’a rien trouvé de plus que les règles.`
	};
}
