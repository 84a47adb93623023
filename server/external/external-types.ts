/**
 * Answers of the external checks. A directory that cannot be reached gives `non_verifie`, never
 * an error: the quote is still checked by the rules, and the UI says "non vérifié".
 */

/** One ADEME "historique RGE" qualification record, normalised. */
export interface RgeRecord {
	siret: string;
	/** Record id: `<qualification code>-<siret>-<start date>`; its leading digits match printed RGE numbers. */
	id: string;
	codeQualification: string | null;
	nomQualification: string | null;
	nomCertificat: string | null;
	/** Work domains (a list since the October 2025 schema change; older answers gave one string). */
	domaines: string[];
	metaDomaine: string | null;
	organisme: string | null;
	/** ISO dates. */
	dateDebut: string | null;
	dateFin: string | null;
	nomEntreprise: string | null;
	particulier: boolean | null;
}

/** Result of an RGE history lookup by SIRET. */
export type RgeLookup =
	| { status: 'ok'; siret: string; records: RgeRecord[]; source: 'ademe'; checkedAt: string }
	| { status: 'siret_invalide'; siret: string; message: string }
	| { status: 'non_verifie'; siret: string; message: string };

/** Result of a company-state lookup by SIRET (Annuaire des entreprises). */
export type CompanyLookup =
	| {
			status: 'actif' | 'ferme' | 'introuvable';
			siret: string;
			siren: string;
			/** Company name as registered. */
			nom: string | null;
			/** INSEE legal-category code (e.g. 5499 = SARL). */
			natureJuridique: string | null;
			/** The establishment itself is open (A) or closed (F); null when the directory does not say. */
			etablissementActif: boolean | null;
			/** The legal unit is active (A) or ceased (C). */
			uniteLegaleActive: boolean | null;
			source: 'recherche-entreprises';
			checkedAt: string;
	  }
	| { status: 'siret_invalide'; siret: string; message: string }
	| { status: 'non_verifie'; siret: string; message: string };
