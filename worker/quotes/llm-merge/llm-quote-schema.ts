import { z } from 'zod';
import { GESTE_TYPES, type GesteType } from '../extract/index.ts';

/**
 * The JSON an LLM returns for an anonymised devis (quotes.md §3.2, MDSO's works attributes,
 * shaped for structured outputs): every key present, `null` when absent. Numbers printed the
 * French way ("9 800,00") and known type variants are accepted and normalised.
 */

/** Geste types the LLM may answer, plus `autre` for a priced line that is not a geste. */
export const LLM_GESTE_TYPES = [...GESTE_TYPES, 'autre'] as const;

/** Variants models use for MDSO types (quotes.md §2.4: `pompe_a_chaleur`, `ventilation`…). */
const TYPE_ALIASES: Record<string, GesteType> = {
	pompe_a_chaleur: 'pac_air_eau',
	pac: 'pac_air_eau',
	pac_air_eau_haute_temperature: 'pac_air_eau',
	pac_geothermique: 'pac_eau_eau',
	pac_sol_eau: 'pac_eau_eau',
	chauffe_eau_thermodynamique: 'chauffe_eau_thermo',
	cet: 'chauffe_eau_thermo',
	cesi: 'chauffe_eau_solaire_individuel',
	ventilation: 'vmc_simple_flux',
	vmc: 'vmc_simple_flux',
	isolation_thermique_par_exterieur: 'isolation_thermique_par_exterieur_ITE',
	ite: 'isolation_thermique_par_exterieur_ITE',
	isolation_thermique_par_interieur: 'isolation_thermique_par_interieur_ITI',
	iti: 'isolation_thermique_par_interieur_ITI',
	isolation_combles_perdus: 'isolation_comble_perdu',
	poele: 'poele_insert',
	insert: 'poele_insert',
	fenetre: 'menuiserie_fenetre',
	porte: 'menuiserie_porte',
	volet_isolant: 'menuiserie_volet_isolant',
	fenetre_de_toit: 'menuiserie_fenetre_toit'
};

/** The MDSO type of a type string as a model wrote it, or `autre`. */
export function normaliseGesteType(value: unknown): (typeof LLM_GESTE_TYPES)[number] {
	if (typeof value !== 'string') return 'autre';
	const raw = value.trim();
	if ((LLM_GESTE_TYPES as readonly string[]).includes(raw)) return raw as GesteType;
	const key = raw
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_|_$/g, '');
	const exact = GESTE_TYPES.find((t) => t.toLowerCase() === key);
	return exact ?? TYPE_ALIASES[key] ?? 'autre';
}

/** A number as JSON or as printed ("9 800,00 €", "5,5 %"); anything else is null. */
function toNumber(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const m = value
		.replace(/[\u00a0\u202f\s]/g, '')
		.replace(/[€%]/g, '')
		.match(/^-?\d+(?:[.,]\d+)?$/);
	return m ? Number(m[0].replace(',', '.')) : null;
}

const num = z.preprocess(toNumber, z.number().nullable()).default(null);
const str = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().nullable()).default(null);
const bool = z.boolean().nullable().default(null);

/** One technical value of a geste: field id (vocabulary of `GESTE_FIELDS`) and the value as printed. */
export const llmGesteValueSchema = z.object({
	champ: z.string(),
	valeur: z.preprocess((v) => (v == null ? '' : String(v)), z.string())
});

/** One geste as the LLM reads it. */
export const llmGesteSchema = z.object({
	type: z.preprocess(normaliseGesteType, z.enum(LLM_GESTE_TYPES)),
	intitule: z.string(),
	quantite: num,
	unite: str,
	prix_unitaire_ht: num,
	prix_ht: num,
	taux_tva: num,
	valeurs: z.array(llmGesteValueSchema).default([]),
	/** The text line where the geste's label is printed, copied exactly (to locate it). */
	citation: str
});

/** The whole answer. */
export const llmQuoteSchema = z.object({
	type_fichier: z
		.preprocess(
			(v) => (typeof v === 'string' ? v.toLowerCase() : v),
			z.enum(['devis', 'facture', 'autre']).nullable()
		)
		.default(null),
	numero_devis: str,
	date_devis: str,
	date_pre_visite: str,
	date_debut_chantier: str,
	delai_debut_chantier: str,
	separation_prix_fourniture_pose: bool,
	prix_total_ht: num,
	prix_total_ttc: num,
	pro: z
		.object({
			raison_sociale: str,
			forme_juridique: str,
			capital: str,
			siret: str,
			numero_tva: str,
			rcs: str,
			rcs_ville: str,
			rne: str,
			assurance: str,
			rge_labels: z.array(z.string()).default([])
		})
		.default({
			raison_sociale: null,
			forme_juridique: null,
			capital: null,
			siret: null,
			numero_tva: null,
			rcs: null,
			rcs_ville: null,
			rne: null,
			assurance: null,
			rge_labels: []
		}),
	client: z
		.object({ civilite: str, nom: str, prenom: str, adresse: str })
		.default({ civilite: null, nom: null, prenom: null, adresse: null }),
	gestes: z.array(llmGesteSchema).default([])
});

/** What the LLM extracted from a devis (placeholders such as `[NOM_1]` still in it until restored). */
export type LlmQuoteExtraction = z.infer<typeof llmQuoteSchema>;

/** One geste of it. */
export type LlmGeste = z.infer<typeof llmGesteSchema>;
