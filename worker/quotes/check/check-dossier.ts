import { RULESET_VERSION } from '../rules/rule-catalogue.ts';
import { dossierChecks, type DossierMember } from '../rules/dossier-rules.ts';
import type { QuoteError } from '../rules/rule-types.ts';
import type { QuoteResult } from './check-quote.ts';

/** The result of checking the quotes of one dossier together. */
export interface DossierResult {
	/** `valide` when the quotes are consistent and each one is valid. */
	status: 'valide' | 'invalide';
	errors: QuoteError[];
	pointsChecked: number;
	rulesetVersion: string;
	/** Files (or positions) of the quotes compared. */
	members: string[];
}

/**
 * Checks the consistency of a dossier's quotes (client, address, company); unreadable quotes
 * are left out of the comparison. The dossier is valid when consistent and all quotes are valid.
 */
export function checkDossier(results: readonly QuoteResult[]): DossierResult {
	const members: DossierMember[] = results
		.map((r, i) => ({ r, key: r.file ?? `devis ${i + 1}` }))
		.filter(({ r }) => r.fields !== null)
		.map(({ r, key }) => ({
			key,
			client_prenom: r.fields!.client_prenom,
			client_nom: r.fields!.client_nom,
			client_adresse: r.fields!.client_adresse,
			raison_sociale: r.fields!.raison_sociale,
			siret: r.fields!.siret,
			chantier_adresse: r.fields!.chantier_adresse
		}));
	// Past the limit the dossier is refused as a whole, unreadable quotes included.
	const { errors, pointsChecked } = dossierChecks(members, results.length);
	const consistent = !errors.some((e) => e.severity === 'bloquant');
	return {
		status: consistent && results.every((r) => r.status === 'valide') ? 'valide' : 'invalide',
		errors,
		pointsChecked,
		rulesetVersion: RULESET_VERSION,
		members: results.map((r, i) => r.file ?? `devis ${i + 1}`)
	};
}
