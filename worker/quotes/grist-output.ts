import type { CellValue, GristPort, Row, TableSpec } from '#widget/index.ts';
import type { DossierResult, QuoteResult } from './check/index.ts';
import type { QuoteError } from './rules/index.ts';

/**
 * Quote check results in Grist: `Devis` (one row per devis), `Devis_erreurs` (one row per
 * error, with the agent's "faux positif" mark and its reason) and `Devis_dossiers`. Rows are
 * upserted on stable keys (devis key + code + geste index) and the writer never sends the
 * agent's columns, so a mark survives every re-check. An error that disappears is kept with
 * `presente` = false rather than deleted, so its mark comes back if the error does.
 */

/** MDSO's reasons for dismissing an error (back office "delete with reason"). */
export const FALSE_POSITIVE_REASONS = [
	'Information présente dans le devis',
	'Client non concerné',
	'Autre'
] as const;

/** One row per devis. */
export const DEVIS_TABLE: TableSpec = {
	id: 'Devis',
	columns: [
		{
			id: 'cle',
			type: 'Text',
			label: 'Clé',
			description: 'Identifiant stable du devis (fichier ou pièce jointe).'
		},
		{ id: 'fichier', type: 'Text', label: 'Fichier' },
		{ id: 'statut', type: 'Choice', label: 'Statut', choices: ['valide', 'invalide', 'illisible'] },
		{ id: 'numero_devis', type: 'Text', label: 'N° de devis' },
		{ id: 'date_devis', type: 'Date', label: 'Date du devis' },
		{ id: 'entreprise', type: 'Text', label: 'Entreprise' },
		{ id: 'siret', type: 'Text', label: 'SIRET' },
		{ id: 'client', type: 'Text', label: 'Client' },
		{ id: 'prix_total_ht', type: 'Numeric', label: 'Total HT' },
		{ id: 'prix_total_ttc', type: 'Numeric', label: 'Total TTC' },
		{ id: 'gestes', type: 'Text', label: 'Gestes' },
		{ id: 'nb_bloquants', type: 'Int', label: 'Erreurs bloquantes' },
		{ id: 'nb_avertissements', type: 'Int', label: 'Avertissements' },
		{ id: 'points_verifies', type: 'Int', label: 'Points vérifiés' },
		{ id: 'pages', type: 'Int', label: 'Pages' },
		{ id: 'pages_ocr', type: 'Int', label: 'Pages lues par OCR' },
		{ id: 'version_regles', type: 'Text', label: 'Version des règles' },
		{ id: 'dossier', type: 'Ref:Devis_dossiers', label: 'Dossier' }
	]
};

/** One row per error, devis-level or dossier-level. */
export const DEVIS_ERREURS_TABLE: TableSpec = {
	id: 'Devis_erreurs',
	columns: [
		{
			id: 'cle',
			type: 'Text',
			label: 'Clé',
			description: 'Clé stable de l’erreur : clé du devis, code et numéro de geste.'
		},
		{
			id: 'devis_cle',
			type: 'Text',
			label: 'Clé du devis',
			description: 'Clé du devis, ou « dossier:<clé> » pour une erreur de dossier.'
		},
		{ id: 'code', type: 'Text', label: 'Code' },
		{
			id: 'geste',
			type: 'Int',
			label: 'N° de geste',
			description: 'Index du geste (0 = premier), vide pour une erreur générale.'
		},
		{ id: 'devis', type: 'Ref:Devis', label: 'Devis' },
		{ id: 'dossier', type: 'Ref:Devis_dossiers', label: 'Dossier' },
		{
			id: 'categorie',
			type: 'Choice',
			label: 'Catégorie',
			choices: ['file', 'admin', 'gestes', 'geste_prices', 'case_incoherence', 'server']
		},
		{ id: 'type', type: 'Choice', label: 'Type', choices: ['missing', 'wrong', 'warning', 'error'] },
		{ id: 'gravite', type: 'Choice', label: 'Gravité', choices: ['bloquant', 'avertissement'] },
		{ id: 'titre', type: 'Text', label: 'Titre' },
		{ id: 'explication', type: 'Text', label: 'Explication' },
		{ id: 'geste_intitule', type: 'Text', label: 'Geste' },
		{ id: 'valeur', type: 'Text', label: 'Valeur relevée' },
		{ id: 'page', type: 'Int', label: 'Page' },
		{ id: 'ligne', type: 'Int', label: 'Ligne' },
		{
			id: 'extrait',
			type: 'Text',
			label: 'Extrait',
			description: 'La ligne du document où la valeur a été lue.'
		},
		{
			id: 'presente',
			type: 'Bool',
			label: 'Toujours présente',
			description: 'Faux quand la dernière vérification ne trouve plus cette erreur.'
		},
		{ id: 'version_regles', type: 'Text', label: 'Version des règles' },
		// The agent's columns: created here, never written by Passerelle afterwards.
		{
			id: 'faux_positif',
			type: 'Bool',
			label: 'Faux positif',
			description: 'À cocher par l’agent quand l’erreur est à tort.'
		},
		{ id: 'motif', type: 'Choice', label: 'Motif', choices: [...FALSE_POSITIVE_REASONS] },
		{ id: 'commentaire', type: 'Text', label: 'Commentaire' }
	]
};

/** One row per dossier. */
export const DEVIS_DOSSIERS_TABLE: TableSpec = {
	id: 'Devis_dossiers',
	columns: [
		{ id: 'cle', type: 'Text', label: 'Clé' },
		{ id: 'statut', type: 'Choice', label: 'Statut', choices: ['valide', 'invalide'] },
		{ id: 'nb_devis', type: 'Int', label: 'Devis' },
		{ id: 'codes', type: 'Text', label: 'Incohérences' },
		{ id: 'points_verifies', type: 'Int', label: 'Points vérifiés' },
		{ id: 'version_regles', type: 'Text', label: 'Version des règles' }
	]
};

/** The three tables, in creation order (references point backwards). */
export const QUOTE_TABLES: TableSpec[] = [DEVIS_DOSSIERS_TABLE, DEVIS_TABLE, DEVIS_ERREURS_TABLE];

/** Columns the agent owns: the writer never sends them. */
export const AGENT_COLUMNS = ['faux_positif', 'motif', 'commentaire'] as const;

/** A devis to write: its stable key (file name, attachment id…), its result and its dossier. */
export interface QuoteOutput {
	key: string;
	result: QuoteResult;
	dossier?: string;
}

/** A dossier to write. */
export interface DossierOutput {
	key: string;
	result: DossierResult;
}

/** What was written. */
export interface WriteSummary {
	devis: { added: number; updated: number; unchanged: number };
	erreurs: { added: number; updated: number; unchanged: number; stale: number };
	dossiers: { added: number; updated: number; unchanged: number };
}

/** Grist stores dates as seconds since the epoch (UTC midnight). */
function gristDate(iso: string | null | undefined): CellValue {
	return iso ? Date.parse(`${iso}T00:00:00Z`) / 1000 : null;
}

/** The `Devis` row of a result (without its dossier reference). */
export function devisRow(q: QuoteOutput): Row {
	const f = q.result.fields;
	const client = f
		? [f.client_civilite?.value, f.client_prenom?.value, f.client_nom?.value].filter(Boolean).join(' ')
		: '';
	return {
		cle: q.key,
		fichier: q.result.file ?? q.key,
		statut: q.result.status,
		numero_devis: f?.numero_devis?.value ?? '',
		date_devis: gristDate(f?.date_devis?.value),
		entreprise: f?.raison_sociale?.value ?? '',
		siret: f?.siret?.value ?? '',
		client,
		prix_total_ht: f?.prix_total_ht?.value ?? null,
		prix_total_ttc: f?.prix_total_ttc?.value ?? null,
		gestes: q.result.gestes.map((g) => g.type).join(', '),
		nb_bloquants: q.result.errors.filter((e) => e.severity === 'bloquant').length,
		nb_avertissements: q.result.errors.filter((e) => e.severity === 'avertissement').length,
		points_verifies: q.result.pointsChecked,
		pages: q.result.read?.pageCount ?? null,
		pages_ocr: q.result.read?.ocrPages ?? null,
		version_regles: q.result.rulesetVersion
	};
}

/** The `Devis_erreurs` row of an error (key columns, reference and our columns only). */
export function errorRow(key: string, e: QuoteError, geste: string | null, rulesetVersion: string): Row {
	return {
		cle: errorKey(key, e.code, e.geste ?? null),
		devis_cle: key,
		code: e.code,
		geste: e.geste ?? null,
		categorie: e.category,
		type: e.type,
		gravite: e.severity,
		titre: e.title,
		explication: e.explanation,
		geste_intitule: geste ?? '',
		valeur: e.value ?? '',
		page: e.where?.page ?? null,
		ligne: e.where?.line ?? null,
		extrait: e.where?.text ?? '',
		presente: true,
		version_regles: rulesetVersion
	};
}

/** The stable key of an error row: devis key, code and geste index ("Q01.pdf|isolation_r_manquant|0"). */
export function errorKey(devisKey: string, code: string, geste: number | null): string {
	return `${devisKey}|${code}|${geste ?? ''}`;
}

/** Creates the three tables if needed and writes the results; the agent's columns are left alone. */
export async function writeQuoteResults(
	port: GristPort,
	quotes: readonly QuoteOutput[],
	dossiers: readonly DossierOutput[] = [],
	options: { signal?: AbortSignal } = {}
): Promise<WriteSummary> {
	for (const spec of QUOTE_TABLES) await port.ensureTable(spec);
	const { signal } = options;

	const dossierRows: Row[] = dossiers.map((d) => ({
		cle: d.key,
		statut: d.result.status,
		nb_devis: d.result.members.length,
		codes: d.result.errors.map((e) => e.code).join(', '),
		points_verifies: d.result.pointsChecked,
		version_regles: d.result.rulesetVersion
	}));
	const dossierWrite = await port.upsert(DEVIS_DOSSIERS_TABLE.id, dossierRows, { key: ['cle'], signal });
	const dossierIds = new Map<string, number>();
	for (const [k, id] of dossierWrite.rowIds) dossierIds.set(JSON.parse(k)[0] as string, id);
	if (quotes.some((q) => q.dossier && !dossierIds.has(q.dossier))) {
		// Dossiers written earlier: find their row ids.
		for (const r of await port.readRows(DEVIS_DOSSIERS_TABLE.id)) {
			if (typeof r.fields.cle === 'string' && !dossierIds.has(r.fields.cle))
				dossierIds.set(r.fields.cle, r.id);
		}
	}

	const devisWrite = await port.upsert(
		DEVIS_TABLE.id,
		quotes.map((q) => ({ ...devisRow(q), dossier: q.dossier ? (dossierIds.get(q.dossier) ?? 0) : 0 })),
		{ key: ['cle'], signal }
	);
	const devisIds = new Map<string, number>();
	for (const [k, id] of devisWrite.rowIds) devisIds.set(JSON.parse(k)[0] as string, id);

	const rows: Row[] = [];
	for (const q of quotes) {
		for (const e of q.result.errors) {
			const geste = e.geste !== undefined ? (q.result.gestes[e.geste]?.intitule ?? null) : null;
			rows.push({
				...errorRow(q.key, e, geste, q.result.rulesetVersion),
				devis: devisIds.get(q.key) ?? 0,
				dossier: 0
			});
		}
	}
	for (const d of dossiers) {
		const key = `dossier:${d.key}`;
		for (const e of d.result.errors) {
			rows.push({
				...errorRow(key, e, null, d.result.rulesetVersion),
				devis: 0,
				dossier: dossierIds.get(d.key) ?? 0
			});
		}
	}
	// Errors of these devis and dossiers that were not found again stay, marked as gone.
	const written = new Set([...quotes.map((q) => q.key), ...dossiers.map((d) => `dossier:${d.key}`)]);
	const fresh = new Set(rows.map((r) => r.cle));
	const stale: Row[] = [];
	for (const r of await port.readRows(DEVIS_ERREURS_TABLE.id)) {
		const f = r.fields;
		if (typeof f.devis_cle !== 'string' || !written.has(f.devis_cle) || fresh.has(f.cle ?? null)) continue;
		stale.push({ cle: f.cle ?? null, presente: false });
	}
	const errorWrite = await port.upsert(DEVIS_ERREURS_TABLE.id, [...rows, ...stale], { key: ['cle'], signal });
	const count = (w: { added: number; updated: number; unchanged: number }) => ({
		added: w.added,
		updated: w.updated,
		unchanged: w.unchanged
	});
	return {
		devis: count(devisWrite),
		erreurs: { ...count(errorWrite), stale: stale.length },
		dossiers: count(dossierWrite)
	};
}
