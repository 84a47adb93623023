import type {
	CompanyAnswer,
	CompanySource,
	RgeAnswer,
	RgeQualification,
	RgeSource
} from '#worker/quotes/rules/index.ts';
import type { ExternalChecks } from './external-checks.ts';
import type { CompanyLookup, RgeLookup, RgeRecord } from './external-types.ts';

/** An ADEME record in the field names the rules read (those of the ADEME API). */
function toQualification(r: RgeRecord): RgeQualification {
	const q: RgeQualification = { siret: r.siret, domaine: r.domaines, _id: r.id };
	if (r.codeQualification) q.code_qualification = r.codeQualification;
	if (r.nomQualification) q.nom_qualification = r.nomQualification;
	if (r.nomCertificat) q.nom_certificat = r.nomCertificat;
	if (r.metaDomaine) q.meta_domaine = r.metaDomaine;
	if (r.organisme) q.organisme = r.organisme;
	if (r.dateDebut) q.date_debut = r.dateDebut;
	if (r.dateFin) q.date_fin = r.dateFin;
	return q;
}

/**
 * The rules' view of an RGE lookup: qualifications found (`valide`), none (`invalide`), or not
 * verified. A malformed SIRET is "not verified" here: the rules report the SIRET itself, and
 * must not also flag every geste as unqualified (MDSO quirk, quotes.md §2.6 #5).
 */
export function toRgeAnswer(lookup: RgeLookup): RgeAnswer {
	if (lookup.status === 'ok') {
		return lookup.records.length
			? { status: 'valide', qualifications: lookup.records.map(toQualification) }
			: {
					status: 'invalide',
					qualifications: [],
					reason: 'Aucune qualification RGE à l’ADEME pour ce SIRET.'
				};
	}
	return { status: 'non_verifie', qualifications: [], reason: lookup.message };
}

/** The rules' view of a company lookup: active establishment, closed or unknown, or not verified. */
export function toCompanyAnswer(lookup: CompanyLookup): CompanyAnswer {
	if (lookup.status === 'siret_invalide' || lookup.status === 'non_verifie') {
		return { status: 'non_verifie', reason: lookup.message };
	}
	if (lookup.status === 'actif') return { status: 'valide', etat: 'etablissement_actif' };
	if (lookup.status === 'ferme') {
		return { status: 'invalide', etat: 'ferme', reason: 'Établissement ou entreprise fermé.' };
	}
	return {
		status: 'invalide',
		etat: 'introuvable',
		reason: 'SIRET introuvable dans l’Annuaire des entreprises.'
	};
}

/** The RGE port for the server-side pipeline (Node calls the directories directly). */
export function createServerRgeSource(checks: ExternalChecks, options: { docId?: string } = {}): RgeSource {
	return { lookup: async (siret) => toRgeAnswer(await checks.rge(siret, options)) };
}

/** The company port for the server-side pipeline. */
export function createServerCompanySource(
	checks: ExternalChecks,
	options: { docId?: string } = {}
): CompanySource {
	return { lookup: async (siret) => toCompanyAnswer(await checks.company(siret, options)) };
}
