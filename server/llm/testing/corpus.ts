import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared quote corpus (`../shared/quotes` beside the repository) for tests of the LLM
 * assistance and the external checks: its folder, its manifest and typed accessors.
 */

/** Folder of the corpus: `PASSERELLE_QUOTES_DIR`, else `../shared/quotes` next to the repository. */
export const CORPUS_DIR = resolve(
	process.env.PASSERELLE_QUOTES_DIR ??
		join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'quotes')
);

/** True when the corpus is present (tests are skipped otherwise). */
export const HAS_CORPUS = existsSync(join(CORPUS_DIR, 'manifest.json'));

/** One ADEME "historique RGE" record of the manifest's offline mocks. */
export interface ManifestRgeRecord {
	siret: string;
	code_qualification: string;
	nom_certificat: string;
	domaine: string[] | string;
	date_debut: string;
	date_fin: string;
	_id: string;
	[key: string]: unknown;
}

/** One geste of the ground truth. */
export interface ManifestGeste {
	type: string;
	intitule: string;
	marque?: string | null;
	reference?: string | null;
	quantite?: number | null;
	unite?: string | null;
	prix_unitaire_ht?: number | null;
	prix_ht?: number | null;
	taux_tva?: number | null;
	fields?: Record<string, string>;
	[key: string]: unknown;
}

/** One manifest entry (only the fields these tests read are typed). */
export interface ManifestEntry {
	id: string;
	file: string | null;
	kind: 'quote' | 'case' | 'bad_input';
	format: string | null;
	expected_errors?: { code: string; category: string; type: string; geste?: number }[];
	expected_fields?: {
		siret?: string | null;
		siret_as_written?: string | null;
		numero_devis?: string | null;
		client_nom?: string | null;
		client_prenom?: string | null;
		client_adresse?: string | null;
		pro_adresse?: string | null;
		gestes?: ManifestGeste[];
		[key: string]: unknown;
	};
	external_mocks?: { ademe_historique_rge?: ManifestRgeRecord[] | string; sirene?: string } | null;
}

let manifest: ManifestEntry[] | undefined;

/** The corpus manifest, read once. */
export function loadManifest(): ManifestEntry[] {
	manifest ??= JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest.json'), 'utf8')) as ManifestEntry[];
	return manifest;
}

/** Quotes of the corpus whose text layer can be read without OCR (text PDFs and the plain-text quote). */
export function textQuotes(): ManifestEntry[] {
	return loadManifest().filter(
		(e) => e.kind === 'quote' && e.file && (e.format === 'pdf_text' || e.format === 'txt')
	);
}

/** Scanned quotes whose OCR takes a few seconds only (a phone photo, a garbled text layer). */
export const QUICK_OCR_QUOTES = ['Q19', 'Q24'];

/** Absolute path of an entry's file. */
export function corpusPath(entry: ManifestEntry): string {
	return join(CORPUS_DIR, entry.file ?? '');
}
