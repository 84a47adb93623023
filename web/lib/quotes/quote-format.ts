/** French display of what the "Devis" tab shows: sizes, amounts, dates, places and reading stages. */
import type { ReadProgress } from '#worker/quotes/read/read-types.ts';
import type { FileStatus } from './quote-store.ts';

/** "48 Ko", "1,3 Mo". */
export function formatSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} o`;
	if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} Ko`;
	return `${(bytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
}

/** "12 450,00 €". */
export function formatEuros(amount: number): string {
	return amount.toLocaleString('fr-FR', { style: 'currency', currency: 'EUR' });
}

/** "2025-03-14" → "14/03/2025"; anything else is returned as is. */
export function formatIsoDate(text: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	return m ? `${m[3]}/${m[2]}/${m[1]}` : text;
}

/** "page 2, ligne 14": the reader numbers lines from 1 within each page, as Grist's Devis_erreurs.ligne. */
export function formatPlace(where: { page: number; line: number } | null | undefined): string {
	if (!where) return '';
	return `page ${where.page}, ligne ${where.line}`;
}

/** What a file's reading is doing: "Ouverture…", "Page 2/3", "OCR page 2/3…". */
export function formatProgress(progress: ReadProgress | undefined): string {
	if (!progress) return 'En attente d’un lecteur…';
	const of = progress.pageCount > 0 ? `${progress.page}/${progress.pageCount}` : `${progress.page}`;
	switch (progress.stage) {
		case 'open':
			return 'Ouverture du fichier…';
		case 'text':
			return `Lecture du texte, page ${of}`;
		case 'ocr':
			return `Reconnaissance de caractères (OCR), page ${of}…`;
		case 'done':
			return 'Vérification…';
	}
}

/** Status labels and DSFR badge variants of a file. */
export const FILE_STATUS: Record<FileStatus, { label: string; badge: string }> = {
	en_attente: { label: 'En attente', badge: 'fr-badge--info' },
	lecture: { label: 'Lecture en cours', badge: 'fr-badge--info' },
	verifie: { label: 'Vérifié', badge: 'fr-badge--success' },
	erreur: { label: 'Illisible', badge: 'fr-badge--warning' },
	annule: { label: 'Lecture annulée', badge: '' },
	a_relire: { label: 'À relire', badge: 'fr-badge--info fr-badge--no-icon' }
};

/** Status labels and DSFR badge variants of a quote's result. */
export const RESULT_STATUS: Record<string, { label: string; badge: string }> = {
	valide: { label: 'Valide', badge: 'fr-badge--success' },
	invalide: { label: 'Invalide', badge: 'fr-badge--error' },
	illisible: { label: 'Illisible', badge: 'fr-badge--warning' }
};
