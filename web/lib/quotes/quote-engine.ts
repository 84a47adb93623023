/**
 * The ports the "Devis" runner works through: a reader (the worker pool), the rules (checks of one
 * quote and of a dossier) and the Grist output. The runner never knows how they are built, so
 * its tests use plain stand-ins and the tab plugs in the real engines.
 */
import type { ErrorPayload } from '#widget/errors.ts';
import type { ReadProgress, ReadResult } from '#worker/quotes/read/read-types.ts';
import type { ReadState } from '#worker/quotes/reader-pool.ts';

/** Severity of a finding: a blocking error or a warning. */
export type Severity = 'bloquant' | 'avertissement';

/** Where a value was found on the document. */
export interface FindingPlace {
	page: number;
	line: number;
	text?: string;
}

/** One finding of the rules on a quote or a dossier. */
export interface QuoteFinding {
	code: string;
	category: string;
	type: string;
	geste?: number;
	severity: Severity;
	title: string;
	explanation: string;
	value?: string | number | null;
	where?: FindingPlace | null;
}

/** Result of the checks of one quote, as the UI shows it. */
export interface QuoteResult {
	status: 'valide' | 'invalide' | 'illisible';
	fields: Record<string, unknown>;
	gestes: unknown[];
	errors: QuoteFinding[];
	pointsChecked: number;
	rulesetVersion: string;
}

/** Result of the dossier-level checks (consistency between its quotes). */
export interface DossierResult {
	errors: QuoteFinding[];
	pointsChecked: number;
}

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

/** The rules: one quote, a file that could not be read, and a dossier. */
export interface QuoteRules {
	check(read: ReadResult, file: { id: string; name: string }): QuoteResult;
	unreadable(error: ErrorPayload, file: { id: string; name: string }): QuoteResult;
	checkDossier(results: QuoteResult[]): DossierResult;
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

/** Writes a dossier and its quotes to Grist; must keep what agents typed (false-positive marks). */
export interface QuoteGristOutput {
	write(
		dossier: { id: string; name: string; createdAt: number },
		quotes: QuoteForGrist[],
		dossierResult: DossierResult | null
	): Promise<GristWriteSummary>;
}
