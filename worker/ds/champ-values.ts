import type { CellValue, Row } from '#widget/grist-types.ts';
import type { DsChamp } from './ds-types.ts';
import type { PlanField } from './form-plan.ts';

/** `YYYY-MM-DD` → Grist Date cell (epoch seconds at UTC midnight); null when unparsable. */
export function dateCell(value: string | null | undefined): number | null {
	const m = value ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
	if (!m) return null;
	return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000;
}

/** ISO 8601 date-time with offset → Grist DateTime cell (epoch seconds); null when unparsable. */
export function dateTimeCell(value: string | null | undefined): number | null {
	if (!value) return null;
	const ms = Date.parse(value);
	return Number.isFinite(ms) ? Math.round(ms / 1000) : null;
}

/** A DS BigInt (a string on the wire) → Int cell; beyond 2^53 the text is kept (Grist shows it as invalid). */
export function integerCell(value: string | number | null | undefined): CellValue {
	if (value === null || value === undefined || value === '') return null;
	if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
	const text = value.trim();
	if (/^-?\d+$/.test(text)) {
		const n = Number(text);
		return Number.isSafeInteger(n) ? n : text;
	}
	return text;
}

/** A decimal from DS (number, or a string such as `"1234.50"`) → Numeric cell. */
export function decimalCell(value: string | number | null | undefined): CellValue {
	if (value === null || value === undefined || value === '') return null;
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	const n = Number(value.trim().replace(',', '.'));
	return Number.isFinite(n) ? n : value;
}

const text = (v: string | null | undefined): CellValue =>
	v === undefined || v === null || v === '' ? null : v;

function carteSummary(champ: DsChamp): CellValue {
	const areas = champ.geoAreas ?? [];
	if (areas.length === 0) return text(champ.stringValue);
	return areas
		.map((a) =>
			a.source === 'cadastre' && a.numero
				? `Parcelle ${[a.prefixe, a.section, a.numero].filter(Boolean).join(' ')} (${a.commune ?? ''})${a.surface ? `, ${a.surface} m²` : ''}`
				: (a.description ?? '') || 'Sélection utilisateur'
		)
		.join(' ; ');
}

/** The main value of a field, read from the champ's typed fields (with `stringValue` as fallback). */
function mainValue(field: PlanField, champ: DsChamp): CellValue {
	switch (field.kind) {
		case 'text':
			return text(champ.textValue ?? champ.stringValue);
		case 'integer':
			return integerCell(champ.integerValue ?? champ.decimalValue ?? champ.stringValue);
		case 'decimal':
			return decimalCell(champ.decimalValue ?? champ.integerValue ?? champ.stringValue);
		case 'date':
			return dateCell(champ.date ?? champ.datetime ?? champ.stringValue);
		case 'datetime':
			return champ.datetime ? dateTimeCell(champ.datetime) : dateCell(champ.date);
		case 'checkbox':
			return champ.checked ?? champ.yesNo ?? null;
		case 'yesno':
			return champ.yesNo ?? champ.checked ?? null;
		case 'titre':
			return champ.filled ?? null;
		case 'civilite':
			return text(champ.civilite ?? champ.stringValue);
		case 'choice':
			return text(champ.choice ?? champ.stringValue);
		case 'choices': {
			const values = champ.values ?? [];
			return values.length > 0 ? ['L', ...values] : null;
		}
		case 'linked': {
			const parts = [champ.primaryValue, champ.secondaryValue].filter((p): p is string => Boolean(p));
			return parts.length > 0 ? parts.join(' / ') : text(champ.stringValue);
		}
		case 'files': {
			const names = (champ.files ?? []).map((f) => f.filename);
			return names.length > 0 ? names.join(', ') : null;
		}
		case 'address':
			return text(champ.address?.label ?? champ.stringValue);
		case 'commune':
			return text(champ.commune?.name ?? champ.stringValue);
		case 'departement':
			return champ.departement
				? `${champ.departement.code} – ${champ.departement.name}`
				: text(champ.stringValue);
		case 'region':
			return text(champ.region?.name ?? champ.stringValue);
		case 'pays':
			return text(champ.pays?.name ?? champ.stringValue);
		case 'epci':
			return text(champ.epci?.name ?? champ.stringValue);
		case 'siret':
			return text(champ.etablissement?.siret ?? champ.stringValue);
		case 'rna':
			return text(champ.rna?.id ?? champ.stringValue);
		case 'rnf':
			return text(champ.rnf?.id ?? champ.stringValue);
		case 'dossier_link':
			return champ.dossier ? champ.dossier.number : integerCell(champ.stringValue);
		case 'carte':
			return carteSummary(champ);
		case 'repetition':
			return champ.rows?.length ?? 0;
		case 'engagement':
			return null;
	}
}

/** Sub-column values, by column-id suffix. */
function subValues(field: PlanField, champ: DsChamp): Record<string, CellValue> {
	switch (field.kind) {
		case 'address': {
			const a = champ.address;
			const dep = a?.departmentCode ? `${a.departmentCode} – ${a.departmentName ?? ''}`.trim() : null;
			return { code_postal: text(a?.postalCode), code_insee: text(a?.cityCode), departement: dep };
		}
		case 'commune':
			return { code_insee: text(champ.commune?.code), code_postal: text(champ.commune?.postalCode) };
		case 'epci':
			return { code: text(champ.epci?.code) };
		case 'siret':
			return { raison_sociale: text(champ.etablissement?.entreprise?.raisonSociale) };
		case 'rna':
			return { titre: text(champ.rna?.title) };
		case 'rnf':
			return { titre: text(champ.rnf?.title) };
		case 'engagement':
			return {
				montant_engage: decimalCell(champ.engagementJuridique?.montantEngage),
				montant_paye: decimalCell(champ.engagementJuridique?.montantPaye)
			};
		default:
			return {};
	}
}

/**
 * Cells of one field for one dossier. A champ absent from the dossier (hidden by a condition,
 * or of another revision) empties every column of the field: DS only sends visible champs.
 */
export function fieldCells(field: PlanField, champ: DsChamp | undefined): Row {
	return fieldCellsInto({}, field, champ);
}

/** `fieldCells` written into `row` (no intermediate object per field); returns `row`. */
export function fieldCellsInto(row: Row, field: PlanField, champ: DsChamp | undefined): Row {
	const columns = field.columns;
	if (!champ) {
		for (const c of columns) row[c.id] = null;
		return row;
	}
	if (columns.length === 1 && columns[0]!.id === field.key) {
		row[field.key] = mainValue(field, champ);
		return row;
	}
	const subs = subValues(field, champ);
	for (const c of columns) {
		row[c.id] =
			c.id === field.key ? mainValue(field, champ) : (subs[c.id.slice(field.key.length + 1)] ?? null);
	}
	return row;
}
