/**
 * The "Devis" tab's Grist output over a GristPort: the tables and writer of
 * `worker/quotes/grist-output.ts`, plus the dossier's name (a column of ours in
 * `Devis_dossiers`) and the agents' false-positive marks, read back and set from the widget.
 */
import { PasserelleError } from '#widget/errors.ts';
import type { GristPort, TableSpec } from '#widget/index.ts';
import {
	DEVIS_DOSSIERS_TABLE,
	DEVIS_ERREURS_TABLE,
	FALSE_POSITIVE_REASONS,
	errorKey,
	writeQuoteResults
} from '#worker/quotes/grist-output.ts';
import type { FalsePositiveMark, QuoteGristOutput } from './quote-engine.ts';

/** MDSO's reasons, offered when marking from the widget. */
export const MARK_REASONS: readonly string[] = FALSE_POSITIVE_REASONS;

/** `Devis_dossiers` with the columns the widget adds: the dossier's name and drop time. */
const DOSSIERS_WITH_NAME: TableSpec = {
	id: DEVIS_DOSSIERS_TABLE.id,
	columns: [
		...DEVIS_DOSSIERS_TABLE.columns,
		{ id: 'nom', type: 'Text', label: 'Nom du dossier' },
		{ id: 'depose_le', type: 'DateTime:Europe/Paris', label: 'Déposé le' }
	]
};

/** The stable Grist key of a dossier (its name may change). */
export function dossierKey(dossier: { id: string }): string {
	return `dossier-${dossier.id.slice(0, 8)}`;
}

/** The stable Grist key of a dropped file: its name and a short id (the same name may be dropped twice). */
export function quoteKey(file: { id: string; name: string }): string {
	return `${file.name} (${file.id.slice(0, 8)})`;
}

/** The key of a quote's error row in `Devis_erreurs`. */
export function quoteErrorKey(file: { id: string; name: string }, code: string, geste?: number): string {
	return errorKey(quoteKey(file), code, geste ?? null);
}

/** The key of a dossier-level error row in `Devis_erreurs`. */
export function dossierErrorKey(dossier: { id: string }, code: string): string {
	return errorKey(`dossier:${dossierKey(dossier)}`, code, null);
}

/** Builds the output over a GristPort. */
export function gristQuoteOutput(port: GristPort): QuoteGristOutput {
	return {
		async write(dossier, quotes, dossierResult) {
			const key = dossierKey(dossier);
			// The dossier row first, so the devis written next can point at it.
			await port.ensureTable(DOSSIERS_WITH_NAME);
			await port.upsert(
				DOSSIERS_WITH_NAME.id,
				[{ cle: key, nom: dossier.name, depose_le: Math.round(dossier.createdAt / 1000) }],
				{ key: ['cle'] }
			);
			await writeQuoteResults(
				port,
				quotes.map((q) => ({
					key: quoteKey({ id: q.fileId, name: q.name }),
					result: q.result,
					dossier: key
				})),
				dossierResult ? [{ key, result: dossierResult }] : []
			);
			return {
				quotes: quotes.length,
				errors: quotes.reduce((n, q) => n + q.result.errors.length, 0) + (dossierResult?.errors.length ?? 0)
			};
		},

		async readMarks() {
			const tables = await port.listTables();
			if (!tables.some((t) => t.id === DEVIS_ERREURS_TABLE.id)) return {};
			const marks: Record<string, FalsePositiveMark> = {};
			for (const { fields } of await port.readRows(DEVIS_ERREURS_TABLE.id)) {
				if (fields.faux_positif !== true || typeof fields.cle !== 'string') continue;
				marks[fields.cle] = {
					motif: typeof fields.motif === 'string' ? fields.motif : '',
					commentaire: typeof fields.commentaire === 'string' ? fields.commentaire : ''
				};
			}
			return marks;
		},

		async setMark(errorKeyValue, mark) {
			await port.ensureTable(DEVIS_ERREURS_TABLE);
			const rows = await port.readRows(DEVIS_ERREURS_TABLE.id);
			if (!rows.some((r) => r.fields.cle === errorKeyValue)) {
				throw new PasserelleError(
					'devis_non_enregistre',
					'Cette remarque n’est pas encore enregistrée dans Grist : cliquez d’abord sur « Enregistrer dans Grist ».'
				);
			}
			await port.upsert(
				DEVIS_ERREURS_TABLE.id,
				[{ cle: errorKeyValue, faux_positif: mark !== null, motif: mark?.motif ?? '' }],
				{ key: ['cle'] }
			);
		}
	};
}
