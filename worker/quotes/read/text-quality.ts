/**
 * Is a text layer real French or junk? A font without a usable ToUnicode map (corpus Q24) yields
 * characters outside the French alphabet, or letters remapped into unpronounceable "words".
 * Two statistics catch both: the share of expected characters and the share of plausible words.
 */

/** Statistics of a page's text layer. */
export interface TextQuality {
	/** Non-space characters. */
	chars: number;
	/** Share of non-space characters that belong to French text (letters, digits, punctuation). */
	expectedChars: number;
	/** Alphabetic tokens of 2+ letters. */
	words: number;
	/** Share of those tokens that are common French words. */
	commonWords: number;
	/** Share of 3+ letter tokens that look pronounceable (a vowel, no long consonant run). */
	plausibleWords: number;
	/** True when the layer should not be trusted and the page must be OCR'd. */
	junk: boolean;
}

const EXPECTED_CHAR = /[A-Za-z0-9À-ÖØ-öø-ÿŒœ.,;:!?'"’‘“”«»()[\]{}\-–—_/\\%€$£&@#*+=<>°²³§|~^`…•·]/u;

const LETTERS = /[A-Za-zÀ-ÖØ-öø-ÿŒœ]+/gu;

const VOWEL = /[aeiouyàâäéèêëîïôöùûüÿœ]/iu;

const CONSONANT_RUN = /[^aeiouyàâäéèêëîïôöùûüÿœ]{5,}/iu;

/** Frequent French words, and words every quote prints: enough for a sample of any page. */
const COMMON = new Set(
	(
		'de la le les des du et en au aux un une par pour sur dans avec est sont pas ne se ce ces qui que ou ' +
		'sans son sa ses nos vos votre notre il elle ils leur leurs tout tous toute toutes plus entre selon ' +
		'à été être avoir fait lors dont mois jour jours date page total tva ht ttc prix devis client ' +
		'rue avenue adresse travaux pose fourniture main oeuvre œuvre euros montant numéro siret rcs capital ' +
		'société entreprise conditions générales vente article contrat paiement facture acompte signature ' +
		'assurance garantie qualification rge aide aides cee maprimerénov isolation pompe chaleur fenêtre ' +
		'chaudière ventilation eau chaude m² kw unité quantité désignation référence marque'
	).split(' ')
);

/** Measures a page's text layer. */
export function measureText(text: string): TextQuality {
	let chars = 0;
	let expected = 0;
	for (const ch of text) {
		if (/\s/u.test(ch)) continue;
		chars++;
		if (EXPECTED_CHAR.test(ch)) expected++;
	}
	const tokens = (text.match(LETTERS) ?? []).map((t) => t.toLowerCase()).filter((t) => t.length >= 2);
	const long = tokens.filter((t) => t.length >= 3);
	const common = tokens.filter((t) => COMMON.has(t)).length;
	const plausible = long.filter((t) => VOWEL.test(t) && !CONSONANT_RUN.test(t)).length;
	const expectedChars = chars === 0 ? 1 : expected / chars;
	const commonWords = tokens.length === 0 ? 0 : common / tokens.length;
	const plausibleWords = long.length === 0 ? 1 : plausible / long.length;
	const junk =
		chars >= 20 &&
		(expectedChars < 0.85 || (tokens.length >= 20 && commonWords < 0.04 && plausibleWords < 0.75));
	return { chars, expectedChars, words: tokens.length, commonWords, plausibleWords, junk };
}
