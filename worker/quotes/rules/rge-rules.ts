import { rgeDigits } from '../extract/identifier-checks.ts';
import { fold } from '../extract/value-normalise.ts';
import type { Extraction, GesteType } from '../extract/types.ts';
import type { CompanyAnswer, CompanySource, RgeAnswer, RgeQualification, RgeSource } from './rule-types.ts';

/**
 * RGE checks against ADEME qualification records (quotes.md §5.1), with the source behind a
 * port: ADEME open data through the server online, the corpus mocks offline. A source that
 * cannot answer gives `non_verifie`, never an error.
 */

/** ADEME `domaine` (and certificate) → geste types, as data (folded text, start of the label). */
export const ADEME_DOMAINS: { match: RegExp; types: GesteType[] }[] = [
	{ match: /^pompe a chaleur/, types: ['pac_air_eau', 'pac_eau_eau', 'pac_hybride', 'pac_air_air'] },
	{
		match: /^fenetres, volets, portes|^fenetres volets portes/,
		types: ['menuiserie_fenetre', 'menuiserie_volet_isolant', 'menuiserie_porte']
	},
	{ match: /^fenetres de toit/, types: ['menuiserie_fenetre_toit'] },
	{ match: /^isolation des murs par l'exterieur/, types: ['isolation_thermique_par_exterieur_ITE'] },
	{
		match: /^isolation par l'interieur des murs/,
		types: ['isolation_thermique_par_interieur_ITI', 'isolation_rampants_toiture']
	},
	{ match: /^isolation des combles perdus/, types: ['isolation_comble_perdu'] },
	{ match: /^isolation des planchers bas/, types: ['isolation_plancher_bas'] },
	{ match: /^isolation des toitures terrasses/, types: ['isolation_toiture_terrasse'] },
	{ match: /^chaudiere bois/, types: ['chaudiere_biomasse'] },
	{ match: /^poele ou insert bois/, types: ['poele_insert'] },
	{
		match: /^chauffage et\/ou eau chaude solaire/,
		types: ['chauffe_eau_solaire_individuel', 'systeme_solaire_combine']
	},
	{ match: /^chauffe-eau thermodynamique/, types: ['chauffe_eau_thermo'] },
	{ match: /^ventilation mecanique/, types: ['vmc_simple_flux', 'vmc_double_flux'] }
];

/** Certificates that cover geste types whatever their domains ("Chauffage +": CET and CESI). */
export const ADEME_CERTIFICATES: { match: RegExp; types: GesteType[] }[] = [
	{ match: /^chauffage \+/, types: ['chauffe_eau_thermo', 'chauffe_eau_solaire_individuel'] }
];

/** Geste types a qualification covers. */
export function qualificationTypes(q: RgeQualification): Set<GesteType> {
	const types = new Set<GesteType>();
	const domains = Array.isArray(q.domaine) ? q.domaine : q.domaine ? [q.domaine] : [];
	for (const d of domains)
		for (const m of ADEME_DOMAINS) if (m.match.test(fold(d))) m.types.forEach((t) => types.add(t));
	const cert = fold(q.nom_certificat ?? '');
	for (const m of ADEME_CERTIFICATES) if (m.match.test(cert)) m.types.forEach((t) => types.add(t));
	return types;
}

/** Whether a qualification was valid on a date (ISO); unknown bounds are open. */
export function validOn(q: RgeQualification, date: string): boolean {
	return (!q.date_debut || q.date_debut <= date) && (!q.date_fin || q.date_fin >= date);
}

/**
 * Whether a printed RGE label is this qualification: its trailing digits are the leading digits
 * of the ADEME record id (or the qualification code).
 */
export function labelMatches(label: string, q: RgeQualification): boolean {
	const digits = rgeDigits(label);
	if (!digits) return false;
	const id = (q._id ?? '').split('-')[0] ?? '';
	return id === digits || q.code_qualification === digits;
}

/** One RGE finding before it becomes an error. */
export interface RgeFinding {
	code: string;
	geste?: number;
	value?: string;
	/** French detail appended to the explanation (the number to cite, the end date…). */
	detail?: string;
}

/** The outcome of the RGE checks: findings and how many checks ran. */
export interface RgeOutcome {
	findings: RgeFinding[];
	points: number;
}

const frDate = (iso: string) => iso.split('-').reverse().join('/');

/**
 * RGE checks of a devis given the source's answer for its SIRET: the printed numbers belong to
 * the company and are valid on the quote date (admin), and each geste is covered (gestes).
 */
export function rgeChecks(ex: Extraction, answer: RgeAnswer | null): RgeOutcome {
	const findings: RgeFinding[] = [];
	let points = 0;
	const siret = ex.admin.siret?.value ?? null;
	const date = ex.admin.date_devis?.value ?? null;
	const labels = ex.admin.rge_labels.map((l) => l.value);
	if (siret !== null && siret.length !== 14) {
		// A SIREN or a truncated SIRET: the company's qualifications cannot be looked up.
		for (const g of ex.gestes) {
			points++;
			findings.push({
				code: 'geste_rge_non_correspondant',
				geste: g.index,
				value: g.intitule,
				detail:
					'Le SIRET du devis est absent ou invalide : la qualification RGE de l’entreprise n’a pas pu être vérifiée pour ce geste.'
			});
		}
		return { findings, points };
	}
	if (!answer || answer.status === 'non_verifie' || siret === null) return { findings, points };
	const records = answer.qualifications.filter((q) => !q.siret || q.siret === siret);

	if (labels.length > 0) {
		points++;
		const matched = records.filter((q) => labels.some((l) => labelMatches(l, q)));
		if (matched.length === 0) {
			findings.push({ code: 'rge_non_correspondant', value: labels.join(', ') });
		} else if (date) {
			points++;
			if (!matched.some((q) => validOn(q, date))) {
				const end = matched
					.map((q) => q.date_fin)
					.filter(Boolean)
					.sort()
					.pop();
				findings.push({
					code: 'rge_hors_date',
					value: labels.join(', '),
					detail: end ? `Qualification valable jusqu’au ${frDate(end)}, devis du ${frDate(date)}.` : undefined
				});
			}
		}
	}
	for (const g of ex.gestes) {
		points++;
		const covering = records.filter((q) => qualificationTypes(q).has(g.type));
		if (covering.length === 0) {
			findings.push({ code: 'geste_rge_non_correspondant', geste: g.index, value: g.intitule });
			continue;
		}
		const valid = date ? covering.filter((q) => validOn(q, date)) : covering;
		if (date) {
			points++;
			if (valid.length === 0) {
				findings.push({ code: 'geste_rge_hors_date', geste: g.index, value: g.intitule });
				continue;
			}
		}
		points++;
		if (!valid.some((q) => labels.some((l) => labelMatches(l, q)))) {
			const q = valid[0]!;
			const number = (q._id ?? '').split('-')[0] || q.code_qualification || '';
			findings.push({
				code: 'geste_rge_non_mentionne',
				geste: g.index,
				value: g.intitule,
				detail: `Numéro à citer : ${[q.nom_certificat, number].filter(Boolean).join(' ')}.`
			});
		}
	}
	return { findings, points };
}

/** The `external_mocks` object of the corpus manifest (offline ADEME and SIRENE answers). */
export interface ExternalMocks {
	ademe_historique_rge?: RgeQualification[] | string | null;
	sirene?: string | null;
}

/** RGE and company sources answering from a manifest entry's `external_mocks`. */
export function mockSources(mocks: ExternalMocks | null | undefined): {
	rge: RgeSource;
	company: CompanySource;
} {
	const rge: RgeSource = {
		async lookup(siret) {
			const records = mocks?.ademe_historique_rge;
			if (!Array.isArray(records)) {
				return {
					status: 'non_verifie',
					qualifications: [],
					reason: typeof records === 'string' ? records : 'Pas de données RGE hors ligne.'
				};
			}
			const own = records.filter((r) => r.siret === siret);
			return { status: own.length > 0 ? 'valide' : 'invalide', qualifications: own };
		}
	};
	const company: CompanySource = {
		async lookup(): Promise<CompanyAnswer> {
			const state = mocks?.sirene ?? null;
			if (!state || /non appel/.test(state)) return { status: 'non_verifie', reason: state ?? undefined };
			if (/actif/.test(state)) return { status: 'valide', etat: state };
			if (/ferme|cess|radi|inconnu/.test(state)) return { status: 'invalide', etat: state };
			return { status: 'non_verifie', etat: state };
		}
	};
	return { rge, company };
}

/** Sources that never answer (offline without mocks): every external check is `non_verifie`. */
export const OFFLINE_SOURCES: { rge: RgeSource; company: CompanySource } = {
	rge: {
		lookup: async () => ({
			status: 'non_verifie',
			qualifications: [],
			reason: 'Vérification RGE non disponible hors ligne.'
		})
	},
	company: {
		lookup: async () => ({ status: 'non_verifie', reason: 'Vérification SIRENE non disponible hors ligne.' })
	}
};
