import { MAX_ANALYSED_PAGES } from '../extract/quote-document.ts';
import { extractQuote } from '../extract/quote-extract.ts';
import type { AdminFields, Extraction, Geste, LineItem } from '../extract/types.ts';
import type { ReadResult } from '../read/read-types.ts';
import { RULES, RULESET_VERSION } from '../rules/rule-catalogue.ts';
import { makeError, runRules } from '../rules/rule-engine.ts';
import type {
	CompanyAnswer,
	CompanySource,
	ExternalStatus,
	QuoteError,
	RgeAnswer,
	RgeSource
} from '../rules/rule-types.ts';

/**
 * The check pipeline: a read devis → extraction → external answers (RGE, SIRENE) → rules →
 * one result. Pure apart from the sources it is given; a source that fails gives "non vérifié".
 */

/** Verdict on a devis: no blocking error, at least one, or the file could not be read. */
export type QuoteStatus = 'valide' | 'invalide' | 'illisible';

/** What the pipeline needs besides the reading. */
export interface CheckContext {
	/** File name, kept in the result. */
	file?: string;
	/** RGE qualifications source (omitted: RGE checks are not run). */
	rge?: RgeSource;
	/** Company registry (omitted: not checked). */
	company?: CompanySource;
	/** Aid programmes declared by the agent. */
	aides?: readonly string[];
	signal?: AbortSignal;
}

/** The result of checking one devis. */
export interface QuoteResult {
	file: string | null;
	status: QuoteStatus;
	/** Administrative fields with provenance (`null` when the file could not be read). */
	fields: AdminFields | null;
	gestes: Geste[];
	lignesHorsGeste: LineItem[];
	errors: QuoteError[];
	/** Number of checks run ("N points vérifiés"). */
	pointsChecked: number;
	rulesetVersion: string;
	/** How the file was read. */
	read: { format: ReadResult['format']; pageCount: number; ocrPages: number } | null;
	/** External checks: answered, or not verified. */
	external: { rge: ExternalStatus | null; company: ExternalStatus | null };
}

/** Reading errors: the file could not be read at all (the devis is "illisible"). */
const UNREADABLE = new Set([
	'empty_file_error',
	'file_reading_error',
	'unsupported_file_format',
	'x_fichier_trop_volumineux',
	'x_fichier_chiffre'
]);

/** Status from errors: unreadable, any blocking error, or valid (warnings do not invalidate). */
export function quoteStatus(errors: readonly QuoteError[]): QuoteStatus {
	if (errors.some((e) => UNREADABLE.has(e.code))) return 'illisible';
	return errors.some((e) => e.severity === 'bloquant') ? 'invalide' : 'valide';
}

async function ask<T extends { status: ExternalStatus }>(
	run: () => Promise<T>,
	fallback: (reason: string) => T
): Promise<T> {
	try {
		return await run();
	} catch (error) {
		if (error instanceof Error && error.name === 'AbortError') throw error;
		return fallback(error instanceof Error ? error.message : String(error));
	}
}

/** Reading caveats of a result (document-level and page-level), one per code. */
function readWarnings(read: ReadResult): { code: string; message?: string; pages?: number[] }[] {
	const out = new Map<string, { code: string; message?: string; pages?: number[] }>();
	for (const w of read.warnings ?? []) out.set(w.code, { code: w.code, message: w.message, pages: w.pages });
	for (const p of read.pages) {
		if (!p.warningCode || p.cgv) continue;
		const known = out.get(p.warningCode);
		if (known) known.pages = [...new Set([...(known.pages ?? []), p.number])];
		else out.set(p.warningCode, { code: p.warningCode, message: p.warning, pages: [p.number] });
	}
	return [...out.values()];
}

/** Checks an extraction (already made) with the external sources of the context. */
export async function checkExtraction(
	ex: Extraction,
	read: ReadResult | null,
	ctx: CheckContext = {}
): Promise<QuoteResult> {
	const siret = ex.admin.siret?.value;
	let rge: RgeAnswer | null = null;
	let company: CompanyAnswer | null = null;
	if (siret && siret.length === 14) {
		const options = { signal: ctx.signal };
		[rge, company] = await Promise.all([
			ctx.rge
				? ask(
						() => ctx.rge!.lookup(siret, options),
						(reason) => ({ status: 'non_verifie', qualifications: [], reason })
					)
				: null,
			ctx.company
				? ask(
						() => ctx.company!.lookup(siret, options),
						(reason) => ({ status: 'non_verifie', reason })
					)
				: null
		]);
	}
	const warnings = read ? readWarnings(read) : [];
	if (ex.skippedPages.length > 0 && !warnings.some((w) => w.code === 'x_pages_tronquees')) {
		const [first, last] = [ex.skippedPages[0], ex.skippedPages[ex.skippedPages.length - 1]];
		warnings.push({
			code: 'x_pages_tronquees',
			message: `Seules les ${MAX_ANALYSED_PAGES} premières pages utiles ont été analysées (pages ${first} à ${last} non analysées : annexes, fiches produits…).`,
			pages: []
		});
	}
	let outcome = runRules(ex, { rge, company, aides: ctx.aides, readWarnings: warnings });
	if (ex.lineCount === 0) outcome = { errors: [makeError('empty_file_error')], pointsChecked: 1 };
	return {
		file: ctx.file ?? null,
		status: quoteStatus(outcome.errors),
		fields: ex.admin,
		gestes: ex.gestes,
		lignesHorsGeste: ex.lignes_hors_geste,
		errors: outcome.errors,
		pointsChecked: outcome.pointsChecked,
		rulesetVersion: RULESET_VERSION,
		read: read ? { format: read.format, pageCount: read.pageCount, ocrPages: read.ocrPages } : null,
		external: { rge: rge?.status ?? null, company: company?.status ?? null }
	};
}

/** Checks a read devis: extraction, external answers, rules. */
export async function checkQuote(read: ReadResult, ctx: CheckContext = {}): Promise<QuoteResult> {
	return checkExtraction(extractQuote(read), read, ctx);
}

/**
 * The result for a file the reader refused (empty, encrypted, corrupt, unsupported, too large):
 * the reader's code (MDSO's when it exists) and its finer `x_` codes, with its French message.
 */
export function failedQuote(error: unknown, ctx: Pick<CheckContext, 'file'> = {}): QuoteResult {
	const e = (error ?? {}) as {
		code?: unknown;
		userMessage?: unknown;
		message?: unknown;
		details?: { extraCodes?: unknown; reason?: unknown };
	};
	const code = typeof e.code === 'string' && RULES.has(e.code) ? e.code : 'file_reading_error';
	const message =
		typeof e.userMessage === 'string'
			? e.userMessage
			: typeof e.message === 'string'
				? e.message
				: String(error);
	const extra = Array.isArray(e.details?.extraCodes)
		? (e.details.extraCodes as unknown[]).filter((c): c is string => typeof c === 'string' && RULES.has(c))
		: [];
	// A damaged or truncated PDF is at best partly readable: say so with the reading error.
	if (e.details?.reason === 'corrupt') extra.push('x_lecture_partielle');
	const errors = [code, ...extra.filter((c) => c !== code)].map((c, i) =>
		makeError(c, i === 0 ? { value: message } : {})
	);
	return {
		file: ctx.file ?? null,
		status: quoteStatus(errors),
		fields: null,
		gestes: [],
		lignesHorsGeste: [],
		errors,
		pointsChecked: 1,
		rulesetVersion: RULESET_VERSION,
		read: null,
		external: { rge: null, company: null }
	};
}
