/**
 * Reading errors as typed PasserelleErrors. Codes follow MDSO (quotes.md §2.1) so results stay
 * comparable; our own finer codes (`x_…`, proposed) travel in `details.extraCodes` when an MDSO
 * code exists, or are the code itself when MDSO has none (too large).
 */
import { PasserelleError } from '#widget/errors.ts';

/** Largest file read, in bytes (50 Mo, MDSO's limit). */
export const MAX_QUOTE_BYTES = 50 * 1024 * 1024;

/** Codes a reading can fail with. */
export const READ_ERROR_CODES = {
	empty: 'empty_file_error',
	unsupported: 'unsupported_file_format',
	reading: 'file_reading_error',
	tooLarge: 'x_fichier_trop_volumineux',
	cancelled: 'cancelled'
} as const;

const megabytes = (bytes: number): string =>
	`${(bytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;

/** The file has no bytes at all. */
export function emptyFileError(name: string): PasserelleError {
	return new PasserelleError(
		READ_ERROR_CODES.empty,
		`Le fichier « ${name} » est vide (0 octet). Déposez à nouveau le devis.`,
		false,
		{ details: { reason: 'no_bytes', name } }
	);
}

/** Every page is blank: no text layer and nothing the OCR could read. */
export function blankDocumentError(name: string, pageCount: number): PasserelleError {
	const pages = pageCount > 1 ? `ses ${pageCount} pages sont blanches` : 'sa page est blanche';
	return new PasserelleError(
		READ_ERROR_CODES.empty,
		`Le fichier « ${name} » ne contient aucun texte lisible : ${pages}, même après reconnaissance de caractères. Vérifiez qu'il s'agit du bon document.`,
		false,
		{ details: { reason: 'blank', name, pageCount } }
	);
}

/** The bytes are not a PDF, a PNG/JPEG image or plain text. */
export function unsupportedFormatError(name: string, detected: string): PasserelleError {
	const what: Record<string, string> = {
		zip: 'une archive ZIP ou un document Word/OpenOffice',
		gif: 'une image GIF',
		tiff: 'une image TIFF',
		webp: 'une image WebP',
		heic: 'une photo HEIC (iPhone)',
		bmp: 'une image BMP',
		binary: 'un fichier binaire inconnu'
	};
	const real = what[detected] ?? 'un format inconnu';
	return new PasserelleError(
		READ_ERROR_CODES.unsupported,
		`Format non pris en charge : « ${name} » est ${real}. Déposez le devis en PDF, en image PNG ou JPEG, ou en texte.`,
		false,
		{ details: { name, detected } }
	);
}

/** The file exceeds the size limit; raised before any parsing. */
export function tooLargeError(name: string, size: number, limit: number): PasserelleError {
	return new PasserelleError(
		READ_ERROR_CODES.tooLarge,
		`Le fichier « ${name} » pèse ${megabytes(size)} : la limite est de ${megabytes(limit)}. Réduisez sa taille (compression, pages du devis seulement) puis déposez-le à nouveau.`,
		false,
		{ details: { name, size, limit } }
	);
}

/** The PDF needs a password to open. */
export function encryptedError(name: string, cause: unknown): PasserelleError {
	return new PasserelleError(
		READ_ERROR_CODES.reading,
		`Le PDF « ${name} » est protégé par un mot de passe. Déposez une version sans mot de passe (par exemple « Imprimer en PDF » depuis votre lecteur).`,
		false,
		{ cause, details: { reason: 'password', name, extraCodes: ['x_fichier_chiffre'] } }
	);
}

/** The PDF is damaged or truncated, or pdf.js failed on it. */
export function corruptError(name: string, cause: unknown): PasserelleError {
	return new PasserelleError(
		READ_ERROR_CODES.reading,
		`Le fichier « ${name} » est endommagé ou incomplet et ne peut pas être lu. Enregistrez-le à nouveau ou demandez une nouvelle copie du devis.`,
		false,
		{
			cause,
			details: { reason: 'corrupt', name, cause: cause instanceof Error ? cause.message : String(cause) }
		}
	);
}

/** The image could not be decoded or recognised. */
export function imageError(name: string, cause: unknown): PasserelleError {
	return new PasserelleError(
		READ_ERROR_CODES.reading,
		`L'image « ${name} » ne peut pas être lue. Déposez une photo ou un scan au format PNG ou JPEG.`,
		false,
		{
			cause,
			details: { reason: 'image', name, cause: cause instanceof Error ? cause.message : String(cause) }
		}
	);
}

/** The OCR engine failed (crash, out of memory): trying again may help. */
export function ocrError(name: string, page: number, cause: unknown): PasserelleError {
	return new PasserelleError(
		READ_ERROR_CODES.reading,
		`La reconnaissance de caractères a échoué sur la page ${page} de « ${name} ». Réessayez ; si l'erreur persiste, déposez un scan plus net.`,
		true,
		{
			cause,
			details: { reason: 'ocr', name, page, cause: cause instanceof Error ? cause.message : String(cause) }
		}
	);
}

/** The reading was cancelled by the user. */
export function cancelledError(): PasserelleError {
	return new PasserelleError(READ_ERROR_CODES.cancelled, 'Lecture annulée.', false);
}

/** Throws `cancelledError()` when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw cancelledError();
}
