/** Extraction without LLM: administrative block, works table and gestes of a read devis. */
export { extractQuote, classifyItem } from './quote-extract.ts';
export type {
	AdminFields,
	DocumentType,
	Extraction,
	Found,
	Geste,
	GesteType,
	GesteValue,
	LineItem,
	Provenance,
	VatLine
} from './types.ts';
export { GESTE_TYPES } from './types.ts';
export {
	GESTE_TYPE_SPECS,
	gesteTypeSpec,
	matchGesteType,
	type GesteFamily,
	type GesteTypeSpec
} from './geste-catalogue.ts';
export { GESTE_FIELDS, type GesteFieldSpec } from './geste-extract.ts';
export { ADMIN_LABELS, LEGAL_FORMS } from './label-synonyms.ts';
export {
	addMonths,
	daysBetween,
	digitsOnly,
	findDates,
	fold,
	parseAmount,
	parseDate,
	parseNumber,
	parsePercent
} from './value-normalise.ts';
export {
	frenchVatKey,
	isValidFrenchVat,
	isValidSiren,
	isValidSiret,
	luhn,
	parseFrenchVat,
	rgeDigits
} from './identifier-checks.ts';
export { parsePriceTail } from './table-extract.ts';
export { parseClientName } from './party-extract.ts';
