import type { Extraction, Provenance } from '../extract/types.ts';
import { ADMIN_RULES, SOLE_TRADER_NOTE } from './admin-rules.ts';
import { GESTE_FIELD_RULES, THRESHOLD_RULES, declaresAid } from './geste-rules.ts';
import { RULES, ruleSpec } from './rule-catalogue.ts';
import type { CompanyAnswer, QuoteError, RgeAnswer, Severity } from './rule-types.ts';
import { rgeChecks } from './rge-rules.ts';
import { VALUE_RULES } from './value-rules.ts';

/**
 * The one engine over the rule tables: file → administrative mentions → value checks →
 * gestes (technical values, prices, RGE, thresholds). It never throws for the user's data and
 * counts every check it ran ("N points vérifiés").
 */

/** What the engine needs beyond the extraction: external answers and declared context. */
export interface RuleContext {
	/** The RGE source's answer for the devis' SIRET (`null`: not asked). */
	rge?: RgeAnswer | null;
	/** The company registry's answer for the SIRET. */
	company?: CompanyAnswer | null;
	/** Aid programmes declared by the agent, in addition to those printed. */
	aides?: readonly string[];
	/** Caveats of the reading (`x_couche_texte_inexploitable`, `x_ocr_confiance_faible`…). */
	readWarnings?: readonly { code: string; message?: string; pages?: number[] }[];
}

/** Errors found and the number of checks that ran. */
export interface RuleOutcome {
	errors: QuoteError[];
	pointsChecked: number;
}

/** Builds an error from its code and what was found (severity from the catalogue unless given). */
export function makeError(
	code: string,
	found: { geste?: number; value?: string; where?: Provenance; severity?: Severity; detail?: string } = {}
): QuoteError {
	const spec = ruleSpec(code);
	const error: QuoteError = {
		code,
		category: spec.category,
		type: spec.type,
		severity: found.severity ?? spec.severity,
		title: spec.title,
		explanation: found.detail ? `${spec.explanation} ${found.detail}` : spec.explanation
	};
	if (found.geste !== undefined) error.geste = found.geste;
	if (found.value !== undefined && found.value !== '') error.value = found.value;
	if (found.where) error.where = found.where;
	return error;
}

/** Runs the whole ruleset on an extraction. */
export function runRules(ex: Extraction, ctx: RuleContext = {}): RuleOutcome {
	const errors: QuoteError[] = [];
	let points = 0;

	// Reading caveats come first: they tell the agent how far to trust what follows.
	for (const w of ctx.readWarnings ?? []) {
		if (!RULES.has(w.code)) continue;
		const pages =
			w.pages && w.pages.length > 0 ? `Page${w.pages.length > 1 ? 's' : ''} ${w.pages.join(', ')}.` : '';
		const detail = [w.message, pages].filter(Boolean).join(' ');
		errors.push(makeError(w.code, { detail: detail || undefined }));
	}

	// File type: without any energy-renovation geste, nothing else is checked (MDSO).
	points++;
	if (ex.gestes.length === 0 && ex.namedTypes.length === 0) {
		errors.push(makeError('file_type_error'));
		return { errors, pointsChecked: points };
	}

	const a = ex.admin;
	const soleTrader = a.entrepreneur_individuel?.value === true;
	for (const rule of ADMIN_RULES) {
		if (rule.when && !rule.when(a)) continue;
		points++;
		if (rule.present(a)) continue;
		const found = rule.found?.(a) ?? null;
		const exempt = soleTrader && rule.soleTraderExempt;
		errors.push(
			makeError(rule.code, {
				value: found?.value,
				where: found?.where,
				severity: exempt ? 'avertissement' : undefined,
				detail: exempt ? SOLE_TRADER_NOTE : undefined
			})
		);
	}

	for (const rule of VALUE_RULES) {
		const { points: p, findings } = rule.check(ex);
		points += p;
		for (const f of findings) errors.push(makeError(f.code, f));
	}

	for (const g of ex.gestes) {
		for (const rule of GESTE_FIELD_RULES) {
			if (!rule.types.includes(g.type) || (rule.when && !rule.when(g))) continue;
			points++;
			if (rule.anyOf.some((f) => g.values[f] !== undefined)) continue;
			errors.push(
				makeError(rule.code, {
					geste: g.index,
					value: g.intitule,
					where: g.where,
					severity: rule.severity,
					detail: rule.note
				})
			);
		}
		// Prices of the line (quotes.md §2.3).
		points += 3;
		if (g.prix_ht === null)
			errors.push(makeError('geste_prix_ht_manquant', { geste: g.index, value: g.intitule, where: g.where }));
		if (g.prix_unitaire_ht === null)
			errors.push(
				makeError('geste_prix_unitaire_ht_manquant', { geste: g.index, value: g.intitule, where: g.where })
			);
		if (g.taux_tva === null) {
			// A VAT-exempt sole trader prints no rate on purpose.
			const exempt = a.tva_non_applicable !== null;
			errors.push(
				makeError('geste_taux_tva_manquant', {
					geste: g.index,
					value: g.intitule,
					where: g.where,
					severity: exempt ? 'avertissement' : undefined,
					detail: exempt ? SOLE_TRADER_NOTE : undefined
				})
			);
		}
	}

	const rge = rgeChecks(ex, ctx.rge ?? null);
	points += rge.points;
	for (const f of rge.findings) {
		const g = f.geste !== undefined ? ex.gestes[f.geste] : undefined;
		const where = g?.where ?? a.rge_labels[0]?.where;
		// Without a valid SIRET the check could not run: a warning, never a blocking error.
		const unverified = f.detail?.startsWith('Le SIRET du devis est absent');
		errors.push(makeError(f.code, { ...f, where, severity: unverified ? 'avertissement' : undefined }));
	}

	const aid = declaresAid(a, ctx.aides);
	for (const g of ex.gestes) {
		for (const rule of THRESHOLD_RULES) {
			if (!rule.types.includes(g.type)) continue;
			const ok = rule.test(g);
			if (ok === null) continue;
			points++;
			if (ok) continue;
			const value = rule.value(g) ?? undefined;
			errors.push(
				makeError(rule.code, {
					geste: g.index,
					value,
					where: g.where,
					// Aid thresholds are blocking only when an aid is declared; MDSO's own rule always is.
					severity: rule.severity ?? (aid ? 'bloquant' : 'avertissement'),
					detail: `Seuil : ${rule.expected(g)}.${rule.severity || aid ? '' : ' Aucune aide déclarée : signalé pour information.'}`
				})
			);
		}
	}

	if (ctx.company && a.siret?.value.length === 14) {
		points++;
		if (ctx.company.status === 'invalide') {
			errors.push(
				makeError('x_entreprise_fermee', {
					value: a.siret.value,
					where: a.siret.where,
					detail: ctx.company.etat ? `État : ${ctx.company.etat}.` : undefined
				})
			);
		}
	}
	return { errors, pointsChecked: points };
}
