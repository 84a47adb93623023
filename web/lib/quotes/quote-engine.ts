/**
 * The ports the "Devis" runner works through: a reader (the worker pool), the rules (checks of one
 * quote and of a dossier) and the Grist output. The runner never knows how they are built, so
 * its tests use plain stand-ins and the tab plugs in the real engines.
 */
import type { ErrorPayload } from '#widget/errors.ts';
import type { DossierResult, QuoteResult } from '#worker/quotes/check/index.ts';
import type { ReadProgress, ReadResult } from '#worker/quotes/read/read-types.ts';
import type { ReadState } from '#worker/quotes/reader-pool.ts';

export type { DossierResult, QuoteResult } from '#worker/quotes/check/index.ts';
export type { QuoteError as QuoteFinding, Severity } from '#worker/quotes/rules/rule-types.ts';

/** Reads one file in a worker. */
export interface QuoteReader {
	read(
		input: { file: Blob; name: string },
		options: {
			signal?: AbortSignal;
			onProgress?: (progress: ReadProgress) => void;
			onState?: (state: ReadState) => void;
		}
	): Promise<ReadResult>;
}

/** The rules: one quote, a file that could not be read, and a dossier (all quotes, unreadable included). */
export interface QuoteRules {
	/** May be asynchronous: external checks (RGE, company registry) go through the server. */
	check(read: ReadResult, file: { id: string; name: string }): Promise<QuoteResult>;
	unreadable(error: ErrorPayload, file: { id: string; name: string }): QuoteResult;
	checkDossier(results: readonly QuoteResult[]): DossierResult;
}

/** One quote of a dossier, as handed to the Grist output. */
export interface QuoteForGrist {
	fileId: string;
	name: string;
	result: QuoteResult;
}

/** What a Grist write changed. */
export interface GristWriteSummary {
	quotes: number;
	errors: number;
}

/** A false-positive mark as the agent set it in `Devis_erreurs`. */
export interface FalsePositiveMark {
	motif: string;
	commentaire: string;
}

/**
 * Writes a dossier and its quotes to Grist (keeping what agents typed there), and reads or sets
 * the agents' false-positive marks, by error key.
 */
export interface QuoteGristOutput {
	write(
		dossier: { id: string; name: string; createdAt: number },
		quotes: QuoteForGrist[],
		dossierResult: DossierResult | null
	): Promise<GristWriteSummary>;
	/** Error key → the agent's mark, for every error marked "faux positif". */
	readMarks(): Promise<Record<string, FalsePositiveMark>>;
	/** Marks an error as a false positive with a reason, or clears the mark (`null`). */
	setMark(errorKey: string, mark: { motif: string } | null): Promise<void>;
}
