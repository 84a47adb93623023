/** Rules as data and the one engine over them: MDSO-compatible codes plus our `x_` checks. */
export { RULES, RULESET_VERSION, ruleSpec } from './rule-catalogue.ts';
export type {
	CompanyAnswer,
	CompanySource,
	ExternalStatus,
	QuoteError,
	RgeAnswer,
	RgeQualification,
	RgeSource,
	RuleCategory,
	RuleSpec,
	RuleType,
	Severity
} from './rule-types.ts';
export { ADMIN_RULES, type AdminRule } from './admin-rules.ts';
export {
	GESTE_FIELD_RULES,
	THRESHOLD_RULES,
	MIN_R,
	EXPECTED_VAT,
	type GesteFieldRule,
	type ThresholdRule
} from './geste-rules.ts';
export { VALUE_RULES, TOTAL_TOLERANCE, type ValueRule } from './value-rules.ts';
export {
	ADEME_DOMAINS,
	OFFLINE_SOURCES,
	labelMatches,
	mockSources,
	qualificationTypes,
	rgeChecks,
	validOn,
	type ExternalMocks
} from './rge-rules.ts';
export { makeError, runRules, type RuleContext, type RuleOutcome } from './rule-engine.ts';
export {
	MAX_DOSSIER_QUOTES,
	dossierChecks,
	firstNames,
	jaroWinkler,
	normaliseAddress,
	sameAddress,
	type DossierMember
} from './dossier-rules.ts';
