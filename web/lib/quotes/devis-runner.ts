/**
 * The widget's one "Devis" runner, wired to the real engines: the reader worker pool (started on
 * the first drop), the quote rules (with the server's LLM when one is configured), and the Grist
 * output over the session's GristPort.
 */
import type { GristPort } from '#widget/grist-port.ts';
import { createReaderPool, type ReaderPool } from '#worker/quotes/reader-pool.ts';
import { handleError } from '../errors.ts';
import { session } from '../grist-session.svelte.ts';
import { journal } from '../journal.svelte.ts';
import {
	browserCompanySource,
	browserRgeSource,
	fetchExternalStatus,
	fetchLlmStatus,
	serverQuoteExtraction,
	type ExternalStatusView,
	type LlmStatusView
} from '../llm/llm-client.ts';
import { engineRules } from './engine-rules.ts';
import { gristQuoteOutput } from './grist-quote-output.ts';
import type { QuoteGristOutput } from './quote-engine.ts';
import { QuoteRunner } from './quote-runner.svelte.ts';
import { openQuoteStore } from './quote-store.ts';

let pool: ReaderPool | null = null;
let output: { port: GristPort; output: QuoteGristOutput } | null = null;
let llmStatus: LlmStatusView | null = null;
let externalStatus: ExternalStatusView | null = null;
const online = { rge: browserRgeSource(), company: browserCompanySource() };

/** Asks the server once whether an LLM is configured (never throws: no answer means rules only). */
export async function loadLlmStatus(): Promise<LlmStatusView> {
	llmStatus ??= await fetchLlmStatus();
	return llmStatus;
}

/** Asks the server once whether RGE and company state are checked online (never throws). */
export async function loadExternalStatus(): Promise<ExternalStatusView> {
	externalStatus ??= await fetchExternalStatus();
	return externalStatus;
}

function gristOutput(): QuoteGristOutput | null {
	const port = session.port;
	if (!port) return null;
	if (output?.port !== port) output = { port, output: gristQuoteOutput(port) };
	return output.output;
}

/** The runner of the "Devis" tab; it outlives the tab so readings go on when the user looks elsewhere. */
export const devisRunner = new QuoteRunner({
	openStore: (docName) => openQuoteStore(docName),
	reader: () => (pool ??= createReaderPool()),
	rules: engineRules({
		llm: () => (llmStatus?.configured ? serverQuoteExtraction() : null),
		// RGE (ADEME) and company state (Annuaire des entreprises) through the server, when it says so.
		online: () => (externalStatus?.enabled ? online : {})
	}),
	grist: gristOutput,
	onError: (error, context) => handleError(error, context),
	log: (level, message) => journal.add(level, message)
});
