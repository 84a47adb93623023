import type { AdminFields, Geste, GesteType } from '../extract/types.ts';
import type { Severity } from './rule-types.ts';

/**
 * Technical rules per geste type, as data (quotes.md §2.4): each rule names the values that
 * satisfy it (any of them), the geste types it applies to and, when needed, a condition.
 */

/** A "this value must be printed" rule for a geste. */
export interface GesteFieldRule {
	code: string;
	types: readonly GesteType[];
	/** The geste passes when any of these values was read. */
	anyOf: readonly string[];
	/** Only checked when this holds. */
	when?: (g: Geste) => boolean;
	/** Severity that differs from the catalogue's (MDSO quirks we keep but soften). */
	severity?: Severity;
	/** French sentence added to the explanation when the severity is softened. */
	note?: string;
}

const PAC_WATER: GesteType[] = ['pac_air_eau', 'pac_eau_eau', 'pac_hybride'];
const WOOD: GesteType[] = ['chaudiere_biomasse', 'poele_insert'];
const HEATING_BASE: GesteType[] = [...PAC_WATER, ...WOOD, 'systeme_solaire_combine'];
const HOT_WATER: GesteType[] = ['chauffe_eau_solaire_individuel', 'chauffe_eau_thermo'];
const INSULATION: GesteType[] = [
	'isolation_thermique_par_exterieur_ITE',
	'isolation_thermique_par_interieur_ITI',
	'isolation_comble_perdu',
	'isolation_rampants_toiture',
	'isolation_toiture_terrasse',
	'isolation_plancher_bas'
];
const WALLS: GesteType[] = ['isolation_thermique_par_exterieur_ITE', 'isolation_thermique_par_interieur_ITI'];
const JOINERY: GesteType[] = [
	'menuiserie_fenetre',
	'menuiserie_fenetre_toit',
	'menuiserie_porte',
	'menuiserie_volet_isolant'
];
const GLAZED: GesteType[] = ['menuiserie_fenetre', 'menuiserie_fenetre_toit', 'menuiserie_porte'];
const VMC: GesteType[] = ['vmc_simple_flux', 'vmc_double_flux'];

/** Flamme Verte labelled appliances need not print their emissions. */
const noFlammeVerte = (g: Geste) => !g.values.label_flamme_verte;
/** A silo only matters for automatic (pellet, chip) feeding, not for logs loaded by hand. */
const needsSilo = (g: Geste) =>
	!/buche|manuel/i.test(
		`${g.values.type_combustible?.text ?? ''} ${g.values.type_chargement?.text ?? ''}`
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
	);

/** Every technical presence rule, in MDSO's order. */
export const GESTE_FIELD_RULES: GesteFieldRule[] = [
	// Heating base (all heating except air/air heat pumps).
	{ code: 'chauffage_puissance_manquant', types: HEATING_BASE, anyOf: ['puissance'] },
	{ code: 'chauffage_marque_manquant', types: HEATING_BASE, anyOf: ['marque'] },
	{ code: 'chauffage_reference_manquant', types: HEATING_BASE, anyOf: ['reference'] },
	{ code: 'chauffage_etas_manquant', types: HEATING_BASE, anyOf: ['etas'] },
	{
		code: 'chauffage_remplacement_chaudiere_condensation_manquant',
		types: PAC_WATER,
		anyOf: ['remplacement_chaudiere_condensation']
	},
	{
		code: 'chauffage_remplacement_chaudiere_condensation_manquant',
		types: [...WOOD, 'systeme_solaire_combine'],
		anyOf: ['remplacement_chaudiere_condensation'],
		severity: 'avertissement',
		note: 'MDSO l’exige aussi pour le bois et le solaire, où il est rarement pertinent : signalé pour information.'
	},
	// Heat pumps.
	{ code: 'pac_regime_temperature_manquant', types: PAC_WATER, anyOf: ['regime_temperature'] },
	{ code: 'pac_type_fluide_frigorigene_manquant', types: PAC_WATER, anyOf: ['type_fluide_frigorigene'] },
	{ code: 'pac_cop_chauffage_manquant', types: PAC_WATER, anyOf: ['cop'] },
	{ code: 'pac_air_air_scop_manquant', types: ['pac_air_air'], anyOf: ['scop'] },
	{ code: 'pac_air_air_puissance_nominale_manquant', types: ['pac_air_air'], anyOf: ['puissance'] },
	// Biomass boiler.
	{ code: 'chaudiere_type_combustible_manquant', types: ['chaudiere_biomasse'], anyOf: ['type_combustible'] },
	{ code: 'chaudiere_type_chargement_manquant', types: ['chaudiere_biomasse'], anyOf: ['type_chargement'] },
	{
		code: 'chaudiere_type_silo_manquant',
		types: ['chaudiere_biomasse'],
		anyOf: ['type_silo'],
		when: needsSilo
	},
	{
		code: 'chaudiere_contenance_silo_manquant',
		types: ['chaudiere_biomasse'],
		anyOf: ['contenance_silo'],
		when: needsSilo
	},
	{
		code: 'chaudiere_emission_CO_manquant',
		types: ['chaudiere_biomasse'],
		anyOf: ['emission_co'],
		when: noFlammeVerte
	},
	{
		code: 'chaudiere_emission_COG_manquant',
		types: ['chaudiere_biomasse'],
		anyOf: ['emission_cog'],
		when: noFlammeVerte
	},
	{
		code: 'chaudiere_emission_particule_manquant',
		types: ['chaudiere_biomasse'],
		anyOf: ['emission_particules'],
		when: noFlammeVerte
	},
	{
		code: 'chaudiere_emission_nox_manquant',
		types: ['chaudiere_biomasse'],
		anyOf: ['emission_nox'],
		when: noFlammeVerte
	},
	{
		code: 'chaudiere_marque_regulateur_manquant',
		types: ['chaudiere_biomasse'],
		anyOf: ['marque_regulateur']
	},
	{
		code: 'chaudiere_reference_regulateur_manquant',
		types: ['chaudiere_biomasse'],
		anyOf: ['reference_regulateur']
	},
	{
		code: 'chaudiere_classe_regulateur_manquant',
		types: ['chaudiere_biomasse'],
		anyOf: ['classe_regulateur']
	},
	// Stove or insert.
	{ code: 'poele_type_combustible_manquant', types: ['poele_insert'], anyOf: ['type_combustible'] },
	{ code: 'poele_rendement_energetique_manquant', types: ['poele_insert'], anyOf: ['rendement'] },
	{
		code: 'poele_emission_CO_manquant',
		types: ['poele_insert'],
		anyOf: ['emission_co'],
		when: noFlammeVerte
	},
	{
		code: 'poele_emission_COG_manquant',
		types: ['poele_insert'],
		anyOf: ['emission_cog'],
		when: noFlammeVerte
	},
	{
		code: 'poele_emission_particule_manquant',
		types: ['poele_insert'],
		anyOf: ['emission_particules'],
		when: noFlammeVerte
	},
	{
		code: 'poele_emission_nox_manquant',
		types: ['poele_insert'],
		anyOf: ['emission_nox'],
		when: noFlammeVerte
	},
	// Combined solar system.
	{
		code: 'ssc_marque_capteurs_manquant',
		types: ['systeme_solaire_combine'],
		anyOf: ['marque_capteurs', 'marque']
	},
	{
		code: 'ssc_reference_capteurs_manquant',
		types: ['systeme_solaire_combine'],
		anyOf: ['reference_capteurs']
	},
	{ code: 'ssc_type_capteurs_manquant', types: ['systeme_solaire_combine'], anyOf: ['type_capteurs'] },
	{ code: 'ssc_surface_captage_manquant', types: ['systeme_solaire_combine'], anyOf: ['surface_capteurs'] },
	{
		code: 'ssc_productivite_capteurs_manquant',
		types: ['systeme_solaire_combine'],
		anyOf: ['productivite_capteurs']
	},
	{ code: 'ssc_volume_ballon_manquant', types: ['systeme_solaire_combine'], anyOf: ['volume'] },
	{ code: 'ssc_energie_appoint_manquant', types: ['systeme_solaire_combine'], anyOf: ['type_appoint'] },
	// Hot water.
	{ code: 'eau_chaude_marque_manquant', types: HOT_WATER, anyOf: ['marque'] },
	{ code: 'eau_chaude_reference_manquant', types: HOT_WATER, anyOf: ['reference'] },
	{ code: 'eau_chaude_volume_manquant', types: HOT_WATER, anyOf: ['volume'] },
	{ code: 'eau_chaude_etas_manquant', types: HOT_WATER, anyOf: ['etas'] },
	{ code: 'eau_chaude_profil_soutirage_manquant', types: HOT_WATER, anyOf: ['profil_soutirage'] },
	{ code: 'cesi_type_appoint_manquant', types: ['chauffe_eau_solaire_individuel'], anyOf: ['type_appoint'] },
	{
		code: 'cesi_surface_capteur_manquant',
		types: ['chauffe_eau_solaire_individuel'],
		anyOf: ['surface_capteurs']
	},
	{
		code: 'cesi_classe_energetique_ballon_manquant',
		types: ['chauffe_eau_solaire_individuel'],
		anyOf: ['classe_ballon']
	},
	{ code: 'cesi_fluide_manquant', types: ['chauffe_eau_solaire_individuel'], anyOf: ['fluide_caloporteur'] },
	{ code: 'chauffe_eau_thermodynamique_cop_manquant', types: ['chauffe_eau_thermo'], anyOf: ['cop'] },
	{
		code: 'chauffe_eau_thermodynamique_type_installation_manquant',
		types: ['chauffe_eau_thermo'],
		anyOf: ['type_installation']
	},
	// Insulation.
	{ code: 'isolation_marque_manquant', types: INSULATION, anyOf: ['marque'] },
	{ code: 'isolation_reference_manquant', types: INSULATION, anyOf: ['reference'] },
	{ code: 'isolation_surface_manquant', types: INSULATION, anyOf: ['surface'] },
	{ code: 'isolation_epaisseur_manquant', types: INSULATION, anyOf: ['epaisseur'] },
	{ code: 'isolation_r_manquant', types: INSULATION, anyOf: ['resistance_thermique'] },
	{ code: 'isolation_norme_acermi_manquant', types: INSULATION, anyOf: ['norme', 'acermi'] },
	{
		code: 'isolation_parement_fixation_protection_manquant',
		types: WALLS,
		anyOf: ['parement', 'fixation', 'protection']
	},
	{
		code: 'isolation_type_isolation_toiture_terrasse_manquant',
		types: ['isolation_toiture_terrasse'],
		anyOf: ['type_isolation_toiture_terrasse']
	},
	{
		code: 'isolation_localisation_plancher_bas_manquant',
		types: ['isolation_plancher_bas'],
		anyOf: ['localisation_plancher_bas']
	},
	// Joinery.
	{ code: 'menuiserie_marque_manquant', types: JOINERY, anyOf: ['marque'] },
	{ code: 'menuiserie_reference_manquant', types: JOINERY, anyOf: ['reference'] },
	{ code: 'menuiserie_type_materiau_manquant', types: JOINERY, anyOf: ['type_materiau'] },
	{ code: 'menuiserie_localisation_manquant', types: JOINERY, anyOf: ['localisation'] },
	{ code: 'menuiserie_type_vitrage_manquant', types: GLAZED, anyOf: ['type_vitrage'] },
	{ code: 'menuiserie_type_pose_manquant', types: GLAZED, anyOf: ['type_pose'] },
	{ code: 'menuiserie_position_paroie_manquant', types: GLAZED, anyOf: ['position_paroi'] },
	{ code: 'menuiserie_uw_fenetre_manquant', types: ['menuiserie_fenetre'], anyOf: ['uw'] },
	{ code: 'menuiserie_sw_fenetre_manquant', types: ['menuiserie_fenetre'], anyOf: ['sw'] },
	{ code: 'menuiserie_uw_fenetre_toit_manquant', types: ['menuiserie_fenetre_toit'], anyOf: ['uw'] },
	{ code: 'menuiserie_sw_fenetre_toit_manquant', types: ['menuiserie_fenetre_toit'], anyOf: ['sw'] },
	{ code: 'menuiserie_ud_porte_manquant', types: ['menuiserie_porte'], anyOf: ['ud'] },
	{ code: 'menuiserie_deltar_volet_manquant', types: ['menuiserie_volet_isolant'], anyOf: ['delta_r'] },
	// Ventilation.
	{ code: 'vmc_type_manquant', types: VMC, anyOf: ['type_vmc'] },
	{ code: 'vmc_marque_caisson_manquant', types: VMC, anyOf: ['marque_caisson'] },
	{ code: 'vmc_reference_caisson_manquant', types: VMC, anyOf: ['reference_caisson'] },
	{ code: 'vmc_marque_bouche_extraction_manquant', types: VMC, anyOf: ['marque_bouche_extraction'] },
	{ code: 'vmc_reference_bouche_extraction_manquant', types: VMC, anyOf: ['reference_bouche_extraction'] },
	{ code: 'vmc_nombre_bouche_extraction_manquant', types: VMC, anyOf: ['nombre_bouches_extraction'] },
	{ code: 'vmc_classe_caisson_manquant', types: VMC, anyOf: ['classe_caisson'] },
	{ code: 'vmc_puissance_manquant', types: VMC, anyOf: ['puissance_ponderee'] },
	{
		code: 'vmc_simple_flux_nombre_bouches_entree_dair_manquant',
		types: ['vmc_simple_flux'],
		anyOf: ['nombre_bouches_entree_dair']
	},
	{
		code: 'vmc_simple_flux_marque_bouches_entree_dair_manquant',
		types: ['vmc_simple_flux'],
		anyOf: ['marque_bouches_entree_dair']
	},
	{
		code: 'vmc_simple_flux_reference_bouches_entree_dair_manquant',
		types: ['vmc_simple_flux'],
		anyOf: ['reference_bouches_entree_dair']
	},
	{
		code: 'vmc_simple_flux_emplacement_bouches_entree_dair_manquant',
		types: ['vmc_simple_flux'],
		anyOf: ['emplacement_bouches_entree_dair']
	},
	{
		code: 'vmc_double_flux_marque_bouches_soufflage_manquant',
		types: ['vmc_double_flux'],
		anyOf: ['marque_bouches_soufflage']
	},
	{
		code: 'vmc_double_flux_reference_bouches_soufflage_manquant',
		types: ['vmc_double_flux'],
		anyOf: ['reference_bouches_soufflage']
	},
	{
		code: 'vmc_double_flux_emplacement_bouches_soufflage_manquant',
		types: ['vmc_double_flux'],
		anyOf: ['emplacement_bouches_soufflage']
	},
	{
		code: 'vmc_double_flux_nombre_bouches_soufflage_manquant',
		types: ['vmc_double_flux'],
		anyOf: ['nombre_bouches_soufflage']
	}
];

/** A performance threshold: `test` says whether the geste meets it, `null` when it cannot be judged. */
export interface ThresholdRule {
	code: string;
	types: readonly GesteType[];
	/** French statement of the threshold, shown with the value found. */
	expected: (g: Geste) => string;
	/** The value compared (for the error's "value found"). */
	value: (g: Geste) => string | null;
	test: (g: Geste) => boolean | null;
	/** Fixed severity (MDSO rules); absent: blocking only when an aid programme is declared. */
	severity?: Severity;
}

const num = (g: Geste, field: string): number | null => g.values[field]?.number ?? null;
const text = (g: Geste, field: string): string =>
	(g.values[field]?.text ?? '')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();

/** Minimum R (m².K/W) per insulation type (arrêté du 17/11/2020, CEE BAR-EN-101/102/103/106/107). */
export const MIN_R: Partial<Record<GesteType, number>> = {
	isolation_comble_perdu: 7,
	isolation_rampants_toiture: 6,
	isolation_thermique_par_exterieur_ITE: 3.7,
	isolation_thermique_par_interieur_ITI: 3.7,
	isolation_toiture_terrasse: 4.5,
	isolation_plancher_bas: 3
};

const fmt = (n: number) => n.toLocaleString('fr-FR');

/**
 * Performance thresholds of the aid programmes (quotes.md §2.5, MaPrimeRénov' and CEE): only
 * judged when the values needed are printed. They apply when an aid is declared.
 */
export const THRESHOLD_RULES: ThresholdRule[] = [
	{
		// MDSO's only value check on gestes; the volume is read with its unit ("200 L", "0,2 m³").
		code: 'chaudiere_contenance_silo_trop_petit',
		types: ['chaudiere_biomasse'],
		expected: () => 'contenance ≥ 225 L',
		value: (g) => g.values.contenance_silo?.text ?? null,
		test: (g) => {
			const litres = num(g, 'contenance_silo');
			return litres === null || !needsSilo(g) ? null : litres >= 225;
		},
		severity: 'bloquant'
	},
	{
		code: 'x_isolation_r_insuffisant',
		types: INSULATION,
		expected: (g) => `R ≥ ${fmt(MIN_R[g.type] ?? 0)} m².K/W`,
		value: (g) => g.values.resistance_thermique?.text ?? null,
		test: (g) => {
			const r = num(g, 'resistance_thermique');
			const min = MIN_R[g.type];
			return r === null || min === undefined ? null : r >= min;
		}
	},
	{
		code: 'x_menuiserie_performance_insuffisante',
		types: ['menuiserie_fenetre'],
		expected: () => 'Uw ≤ 1,3 et Sw ≥ 0,3, ou Uw ≤ 1,7 et Sw ≥ 0,36',
		value: (g) => [g.values.uw?.text, g.values.sw?.text].filter(Boolean).join(' ; ') || null,
		test: (g) => {
			const uw = num(g, 'uw');
			const sw = num(g, 'sw');
			if (uw === null || sw === null) return null;
			return (uw <= 1.3 && sw >= 0.3) || (uw <= 1.7 && sw >= 0.36);
		}
	},
	{
		code: 'x_menuiserie_performance_insuffisante',
		types: ['menuiserie_fenetre_toit'],
		expected: () => 'Uw ≤ 1,5 et Sw ≤ 0,36',
		value: (g) => [g.values.uw?.text, g.values.sw?.text].filter(Boolean).join(' ; ') || null,
		test: (g) => {
			const uw = num(g, 'uw');
			const sw = num(g, 'sw');
			if (uw === null && sw === null) return null;
			return (uw === null || uw <= 1.5) && (sw === null || sw <= 0.36);
		}
	},
	{
		code: 'x_menuiserie_performance_insuffisante',
		types: ['menuiserie_porte'],
		expected: () => 'Ud ≤ 1,7',
		value: (g) => g.values.ud?.text ?? null,
		test: (g) => {
			const ud = num(g, 'ud');
			return ud === null ? null : ud <= 1.7;
		}
	},
	{
		code: 'x_menuiserie_performance_insuffisante',
		types: ['menuiserie_volet_isolant'],
		expected: () => 'ΔR ≥ 0,22',
		value: (g) => g.values.delta_r?.text ?? null,
		test: (g) => {
			const dr = num(g, 'delta_r');
			return dr === null ? null : dr >= 0.22;
		}
	},
	{
		code: 'x_chauffage_etas_insuffisant',
		types: PAC_WATER,
		// Low-temperature heat pumps need 126 %, medium and high temperature 111 %.
		expected: (g) => `ETAS ≥ ${/basse/.test(text(g, 'regime_temperature')) ? 126 : 111} %`,
		value: (g) => g.values.etas?.text ?? null,
		test: (g) => {
			const etas = num(g, 'etas');
			if (etas === null) return null;
			return etas >= (/basse/.test(text(g, 'regime_temperature')) ? 126 : 111);
		}
	},
	{
		code: 'x_chauffage_etas_insuffisant',
		types: ['chaudiere_biomasse'],
		expected: (g) => `ETAS ≥ ${(num(g, 'puissance') ?? 99) <= 20 ? 77 : 79} %`,
		value: (g) => g.values.etas?.text ?? null,
		test: (g) => {
			const etas = num(g, 'etas');
			if (etas === null) return null;
			return etas >= ((num(g, 'puissance') ?? 99) <= 20 ? 77 : 79);
		}
	},
	{
		code: 'x_chauffage_etas_insuffisant',
		types: ['poele_insert'],
		// Pellet appliances need 80 %, log appliances 65 %.
		expected: (g) => `ETAS ≥ ${/granul|pellet/.test(text(g, 'type_combustible')) ? 80 : 65} %`,
		value: (g) => g.values.etas?.text ?? null,
		test: (g) => {
			const etas = num(g, 'etas');
			if (etas === null) return null;
			return etas >= (/granul|pellet/.test(text(g, 'type_combustible')) ? 80 : 65);
		}
	},
	{
		code: 'x_chauffe_eau_thermodynamique_cop_insuffisant',
		types: ['chauffe_eau_thermo'],
		expected: (g) => `COP ≥ ${/extrait/.test(text(g, 'type_installation')) ? '2,5' : '2,4'}`,
		value: (g) => g.values.cop?.text ?? null,
		test: (g) => {
			const cop = num(g, 'cop');
			if (cop === null) return null;
			return cop >= (/extrait/.test(text(g, 'type_installation')) ? 2.5 : 2.4);
		}
	}
];

/** VAT rates expected on a geste line; the reduced 5,5 % rate covers energy renovation works. */
export const EXPECTED_VAT: Partial<Record<GesteType, readonly number[]>> = {
	// Air-to-air heat pumps do not get the 5,5 % rate by law, but 5,5, 10 and 20 % are all seen on
	// devis and the right one depends on the dwelling's age: the rate is not judged for them.
	pac_air_air: [5.5, 10, 20],
	// Ventilation is often invoiced at 10 % (improvement works) when not part of an energy package.
	vmc_simple_flux: [5.5, 10],
	vmc_double_flux: [5.5, 10]
};

/** Whether the devis declares an aid programme whose thresholds apply (MaPrimeRénov', CEE). */
export function declaresAid(admin: AdminFields, declared: readonly string[] = []): boolean {
	return [...admin.aides, ...declared].some((a) => /prime ?r[ée]nov|cee|mpr/i.test(a));
}
