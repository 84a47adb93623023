import type { Provenance } from '../extract/types.ts';

/** How much an error weighs: a blocking one invalidates the devis, a warning does not. */
export type Severity = 'bloquant' | 'avertissement';

/** MDSO error categories (quotes.md §2). */
export type RuleCategory = 'file' | 'admin' | 'gestes' | 'geste_prices' | 'case_incoherence' | 'server';

/** MDSO error types: missing, wrong, warning, error. */
export type RuleType = 'missing' | 'wrong' | 'warning' | 'error';

/** One rule of the ruleset: a stable code (MDSO's, or `x_` for ours) and its French wording. */
export interface RuleSpec {
	code: string;
	category: RuleCategory;
	type: RuleType;
	severity: Severity;
	/** Short French title shown in lists. */
	title: string;
	/** French explanation: what is expected and why. */
	explanation: string;
	/** A check beyond MDSO (code prefixed `x_`), proposed for agreement. */
	proposed?: boolean;
}

/** An error found on a devis (or a dossier), ready to show and to store. */
export interface QuoteError {
	code: string;
	category: RuleCategory;
	type: RuleType;
	severity: Severity;
	title: string;
	explanation: string;
	/** 0-based index of the geste the error is about. */
	geste?: number;
	/** The value found (or the geste's label for geste errors). */
	value?: string;
	/** Where the value (or the geste) was read. */
	where?: Provenance;
}

/** Answer of an external check: verified valid, verified invalid, or could not be checked. */
export type ExternalStatus = 'valide' | 'invalide' | 'non_verifie';

/** One ADEME RGE qualification record (dataset `historique-rge`, fields MDSO uses). */
export interface RgeQualification {
	siret: string;
	code_qualification?: string;
	nom_qualification?: string;
	nom_certificat?: string;
	/** A list since the October 2025 schema change; older answers give a string. */
	domaine?: string[] | string;
	meta_domaine?: string;
	organisme?: string;
	date_debut?: string;
	date_fin?: string;
	_id?: string;
}

/** What an RGE source answers for a SIRET. */
export interface RgeAnswer {
	/** `valide`: qualifications found; `invalide`: none; `non_verifie`: the source could not answer. */
	status: ExternalStatus;
	qualifications: RgeQualification[];
	/** French reason when not verified (service down, no SIRET…). */
	reason?: string;
}

/** A source of RGE qualifications (ADEME open data through the server, or offline mocks). */
export interface RgeSource {
	lookup(siret: string, options?: { signal?: AbortSignal }): Promise<RgeAnswer>;
}

/** What a company registry (SIRENE / recherche-entreprises) answers for a SIRET. */
export interface CompanyAnswer {
	/** `valide`: active establishment; `invalide`: closed or unknown; `non_verifie`: no answer. */
	status: ExternalStatus;
	/** Registry state as given ("etablissement_actif", "ferme"…). */
	etat?: string;
	reason?: string;
}

/** A company registry lookup. */
export interface CompanySource {
	lookup(siret: string, options?: { signal?: AbortSignal }): Promise<CompanyAnswer>;
}
