/** A Grist cell value as the data engine stores it (Date/DateTime are epoch seconds, lists are ['L', …]). */
export type CellValue = string | number | boolean | null | [string, ...unknown[]];

/** A Grist user action, e.g. `['BulkAddRecord', 'Table', [null], {col: [v]}]`. */
export type UserAction = [string, ...unknown[]];

/** Column types Passerelle creates. `Ref:T`, `RefList:T` and `DateTime:<tz>` carry a suffix. */
export type ColumnType =
	| 'Any'
	| 'Text'
	| 'Numeric'
	| 'Int'
	| 'Bool'
	| 'Date'
	| `DateTime:${string}`
	| 'Choice'
	| 'ChoiceList'
	| `Ref:${string}`
	| `RefList:${string}`
	| 'Attachments';

/** A column as Grist describes it (metadata read from the document). */
export interface GristColumn {
	id: string;
	type: string;
	label: string;
	isFormula: boolean;
	formula: string;
	/** Parsed `widgetOptions` (empty object when unset). */
	widgetOptions: Record<string, unknown>;
}

/** A table as Grist describes it, without its hidden `manualSort` column. */
export interface GristTable {
	id: string;
	columns: GristColumn[];
}

/** Column-oriented table data: `id` plus one array per column. */
export type TableColumns = { id: number[] } & Record<string, CellValue[]>;

/** A row as Passerelle reads or writes it: column id → cell value. */
export type Row = Record<string, CellValue>;

/** A row read back from Grist, with its row id. */
export interface GristRecord {
	id: number;
	fields: Row;
}
