/** The check pipeline: read devis → extraction → rules → result, and the dossier checks. */
export {
	checkExtraction,
	checkQuote,
	failedQuote,
	quoteStatus,
	type CheckContext,
	type QuoteResult,
	type QuoteStatus
} from './check-quote.ts';
export { checkDossier, type DossierResult } from './check-dossier.ts';
