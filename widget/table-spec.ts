import type { ColumnType } from './grist-types.ts';

/** What Passerelle wants a column to be. `id` is stable; `label` may follow an outside source. */
export interface ColumnSpec {
	id: string;
	type: ColumnType;
	label?: string;
	description?: string;
	/** For Choice / ChoiceList: the allowed values (existing user choices are kept). */
	choices?: string[];
	/** A formula column (computed by Grist); data columns leave it unset. */
	formula?: string;
}

/** What Passerelle wants a table to be. Columns the user added are never dropped. */
export interface TableSpec {
	id: string;
	columns: ColumnSpec[];
}

const TABLE_ID = /^[A-Z][A-Za-z0-9_]*$/;
const COLUMN_ID = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Ids Grist reserves or rewrites (its own columns and Python keywords). */
const RESERVED = new Set(
	'id manualSort and as assert async await break class continue def del elif else except False finally for from global if import in is lambda None nonlocal not or pass raise return True try while with yield'.split(
		' '
	)
);

/** Problems that make a spec unusable, in French; an empty list means the spec is valid. */
export function validateTableSpec(spec: TableSpec): string[] {
	const problems: string[] = [];
	if (!TABLE_ID.test(spec.id)) {
		problems.push(
			`Identifiant de table invalide « ${spec.id} » : une majuscule puis lettres, chiffres ou _.`
		);
	}
	const seen = new Set<string>();
	for (const col of spec.columns) {
		if (!COLUMN_ID.test(col.id) || RESERVED.has(col.id) || col.id.startsWith('gristHelper_')) {
			problems.push(`Identifiant de colonne invalide « ${col.id} » dans ${spec.id}.`);
		}
		if (seen.has(col.id.toLowerCase())) problems.push(`Colonne « ${col.id} » en double dans ${spec.id}.`);
		seen.add(col.id.toLowerCase());
	}
	return problems;
}

/** Turns any text into a valid Grist column id (accents dropped, non-alphanumerics → `_`). */
export function toColumnId(text: string, prefix = 'c'): string {
	const base = text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^A-Za-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
	const id = /^[A-Za-z]/.test(base) ? base : `${prefix}_${base}`;
	return RESERVED.has(id) ? `${id}_` : id;
}
