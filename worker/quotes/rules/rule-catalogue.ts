import type { RuleCategory, RuleSpec, RuleType, Severity } from './rule-types.ts';

/**
 * Every code the checker can emit, with its French title and explanation: MDSO's codes
 * (quotes.md §2, same strings, categories and types) and our proposed `x_` checks.
 * Severity: MDSO's `warning` type is an `avertissement`, the rest `bloquant`, unless stated.
 */

/** Version of the ruleset, stored with every result: bump it whenever a rule or a table changes. */
export const RULESET_VERSION = 'devis-regles-2026.1';

type Row = [
	code: string,
	category: RuleCategory,
	type: RuleType,
	title: string,
	explanation: string,
	severity?: Severity
];

const M = 'missing';
const W = 'warning';
const X = 'wrong';
const E = 'error';

/** "La mention X doit figurer" for technical fields of a geste. */
const geste = (code: string, what: string, why = ''): Row => [
	code,
	'gestes',
	M,
	`${what} non précisé(e)`,
	`Le devis doit préciser ${what.charAt(0).toLowerCase()}${what.slice(1)} pour ce geste${why ? ` : ${why}` : '.'}`
];

const ROWS: Row[] = [
	// File, server and reading (quotes.md §2.1).
	[
		'file_type_error',
		'file',
		E,
		'Pas un devis de rénovation énergétique',
		'Aucun geste de rénovation énergétique n’a été reconnu dans ce document : les autres contrôles ne sont pas effectués.'
	],
	[
		'unsupported_file_format',
		'file',
		E,
		'Format non pris en charge',
		'Le fichier n’est ni un PDF, ni une image PNG/JPEG, ni un texte.'
	],
	[
		'empty_file_error',
		'file',
		E,
		'Fichier vide ou illisible',
		'Le fichier ne contient aucun texte exploitable, même après reconnaissance de caractères.'
	],
	[
		'file_reading_error',
		'file',
		E,
		'Lecture impossible',
		'Le fichier n’a pas pu être lu (fichier endommagé, protégé ou non pris en charge).'
	],
	[
		'server_timeout_error',
		'server',
		E,
		'Traitement trop long',
		'La vérification n’a pas abouti dans le délai imparti : relancez-la.'
	],
	[
		'date_format_erreur',
		'admin',
		E,
		'Date du devis illisible',
		'La date du devis n’a pas pu être interprétée : le contrôle RGE à date n’est pas possible.'
	],
	// Administrative mentions (§2.2).
	[
		'devis_manquant',
		'admin',
		M,
		'Mention « devis » absente',
		'Le document doit être intitulé « devis » : les bons de commande, factures et propositions commerciales ne sont pas acceptés.'
	],
	[
		'numero_devis_manquant',
		'admin',
		W,
		'Numéro de devis absent',
		'Un numéro unique est obligatoire (Anah) pour suivre le devis jusqu’à la facture.',
		'bloquant'
	],
	[
		'date_devis_manquant',
		'admin',
		M,
		'Date du devis absente',
		'La date d’émission du devis est obligatoire.'
	],
	[
		'date_chantier_manquant',
		'admin',
		W,
		'Date ou délai de début des travaux absent',
		'Il est recommandé d’indiquer la date prévisionnelle de début des travaux ou un délai (« sous 6 semaines »).'
	],
	[
		'date_pre_visite_manquant',
		'admin',
		W,
		'Date de visite préalable absente',
		'La date de la visite technique préalable est fortement conseillée, en particulier pour les CEE.'
	],
	[
		'date_validite_manquant',
		'admin',
		W,
		'Durée de validité absente',
		'La durée de validité de l’offre devrait figurer sur le devis (à défaut, trois mois sont d’usage).'
	],
	[
		'pro_raison_sociale_manquant',
		'admin',
		M,
		'Raison sociale absente',
		'Le nom de l’entreprise doit figurer sur le devis.'
	],
	[
		'pro_forme_juridique_manquant',
		'admin',
		M,
		'Forme juridique absente',
		'La forme juridique de l’entreprise (EI, EURL, SARL, SAS…) doit figurer sur le devis.'
	],
	[
		'tva_manquant',
		'admin',
		M,
		'Numéro de TVA intracommunautaire absent',
		'Le numéro de TVA intracommunautaire (FR + clé + SIREN) doit figurer sur le devis, sauf franchise en base (art. 293 B du CGI).'
	],
	[
		'capital_manquant',
		'admin',
		M,
		'Capital social absent',
		'Le capital social doit figurer sur le devis d’une société (non exigé d’un entrepreneur individuel).'
	],
	[
		'siret_manquant',
		'admin',
		M,
		'SIRET absent',
		'Le numéro SIRET (14 chiffres : SIREN + NIC) de l’établissement doit figurer sur le devis.'
	],
	[
		'siret_format_erreur',
		'admin',
		X,
		'SIRET mal formé',
		'Le SIRET doit compter 14 chiffres : un numéro à 9 chiffres est probablement un SIREN.'
	],
	[
		'rcs_manquant',
		'admin',
		M,
		'Immatriculation RCS ou RM absente',
		'Le numéro d’immatriculation (RCS et ville pour une société, répertoire des métiers ou RNE pour un artisan) doit figurer sur le devis.'
	],
	[
		'rcs_ville_manquant',
		'admin',
		M,
		'Ville d’immatriculation absente',
		'Un numéro RCS ou RNE est indiqué sans la ville du greffe ou de la chambre d’immatriculation.'
	],
	[
		'pro_assurance_manquant',
		'admin',
		M,
		'Assurance professionnelle absente',
		'L’assurance (décennale ou RC professionnelle) doit être mentionnée : numéro de police, assureur et couverture géographique.'
	],
	[
		'pro_adresse_manquant',
		'admin',
		M,
		'Adresse du siège absente',
		'L’adresse du siège social de l’entreprise doit figurer sur le devis.'
	],
	[
		'client_prenom_manquant',
		'admin',
		M,
		'Prénom du client absent',
		'Le prénom du client doit figurer et correspondre à celui de la demande d’aide.'
	],
	[
		'client_nom_manquant',
		'admin',
		M,
		'Nom du client absent',
		'Le nom du client doit figurer et correspondre à celui de la demande d’aide.'
	],
	[
		'client_civilite_manquant',
		'admin',
		M,
		'Civilité du client absente',
		'La civilité du client (M., Mme, M. et Mme…) est attendue.',
		'avertissement'
	],
	[
		'client_adresse_manquant',
		'admin',
		M,
		'Adresse du client absente',
		'L’adresse du client doit figurer sur le devis.'
	],
	[
		'rge_manquant',
		'admin',
		M,
		'Numéro RGE absent',
		'Au moins un numéro de qualification RGE (QualiPAC, Qualibat, Qualit’EnR…) doit figurer sur le devis.'
	],
	[
		'rge_non_correspondant',
		'admin',
		E,
		'RGE d’une autre entreprise',
		'Aucun des numéros RGE du devis ne figure parmi les qualifications ADEME de ce SIRET.'
	],
	[
		'rge_hors_date',
		'admin',
		E,
		'RGE non valide à la date du devis',
		'La qualification RGE indiquée n’était pas valide à la date du devis (expirée ou pas encore en vigueur).'
	],
	[
		'separation_fourniture_pose_manquant',
		'admin',
		M,
		'Fourniture et pose non distinguées',
		'Le prix de la fourniture et celui de la pose (main-d’œuvre) doivent apparaître séparément.'
	],
	[
		'prix_total_ttc_manquant',
		'admin',
		M,
		'Total TTC absent',
		'Le montant total toutes taxes comprises doit figurer sur le devis.'
	],
	[
		'prix_total_ht_manquant',
		'admin',
		M,
		'Total HT absent',
		'Le montant total hors taxes doit figurer sur le devis.'
	],
	// Per-geste prices and RGE (§2.3).
	[
		'geste_prix_ht_manquant',
		'gestes',
		M,
		'Prix HT de la ligne absent',
		'Chaque geste doit avoir son prix hors taxes.'
	],
	[
		'geste_prix_unitaire_ht_manquant',
		'gestes',
		M,
		'Prix unitaire HT absent',
		'Chaque geste doit avoir un prix unitaire hors taxes et une quantité.'
	],
	[
		'geste_taux_tva_manquant',
		'gestes',
		M,
		'Taux de TVA de la ligne absent',
		'Chaque ligne doit indiquer son taux de TVA.'
	],
	[
		'geste_rge_non_correspondant',
		'gestes',
		W,
		'Pas de qualification RGE pour ce geste',
		'Aucune qualification RGE de l’entreprise (données ADEME) ne couvre ce type de travaux.'
	],
	[
		'geste_rge_non_mentionne',
		'gestes',
		W,
		'Qualification RGE du geste non citée',
		'L’entreprise est qualifiée pour ce geste, mais le numéro correspondant ne figure pas sur le devis.'
	],
	[
		'geste_rge_hors_date',
		'gestes',
		W,
		'Qualification RGE du geste non valide à la date',
		'La qualification RGE couvrant ce geste n’était pas valide à la date du devis.'
	],
	// Heating base.
	geste('chauffage_puissance_manquant', 'La puissance (kW)'),
	geste('chauffage_marque_manquant', 'La marque de l’équipement'),
	geste('chauffage_reference_manquant', 'La référence de l’équipement'),
	geste('chauffage_etas_manquant', 'L’efficacité énergétique saisonnière (ETAS, %)'),
	geste(
		'chauffage_remplacement_chaudiere_condensation_manquant',
		'L’équipement remplacé (chaudière à condensation ou non)',
		'utile pour les primes CEE « coup de pouce ».'
	),
	geste('pac_regime_temperature_manquant', 'Le régime de température (basse, moyenne ou haute)'),
	geste('pac_type_fluide_frigorigene_manquant', 'Le fluide frigorigène (R32, R410A…)'),
	geste('pac_cop_chauffage_manquant', 'Le coefficient de performance (COP)'),
	geste('pac_air_air_scop_manquant', 'Le SCOP'),
	geste('pac_air_air_puissance_nominale_manquant', 'La puissance nominale (kW)'),
	geste('chaudiere_type_combustible_manquant', 'Le combustible (bûches, granulés, plaquettes)'),
	geste('chaudiere_type_chargement_manquant', 'Le mode de chargement (manuel ou automatique)'),
	geste('chaudiere_type_silo_manquant', 'Le type de silo'),
	geste('chaudiere_contenance_silo_manquant', 'La contenance du silo'),
	[
		'chaudiere_contenance_silo_trop_petit',
		'gestes',
		X,
		'Silo trop petit',
		'Le silo d’une chaudière à alimentation automatique doit contenir au moins 225 litres.'
	],
	geste(
		'chaudiere_emission_CO_manquant',
		'L’émission de monoxyde de carbone (mg/Nm³)',
		'exigée sans label Flamme Verte.'
	),
	geste(
		'chaudiere_emission_COG_manquant',
		'L’émission de composés organiques gazeux (mg/Nm³)',
		'exigée sans label Flamme Verte.'
	),
	geste(
		'chaudiere_emission_particule_manquant',
		'L’émission de particules (mg/Nm³)',
		'exigée sans label Flamme Verte.'
	),
	geste(
		'chaudiere_emission_nox_manquant',
		'L’émission d’oxydes d’azote (mg/Nm³)',
		'exigée sans label Flamme Verte.'
	),
	geste('chaudiere_marque_regulateur_manquant', 'La marque du régulateur'),
	geste('chaudiere_reference_regulateur_manquant', 'La référence du régulateur'),
	geste('chaudiere_classe_regulateur_manquant', 'La classe du régulateur (classe IV attendue)'),
	geste('poele_type_combustible_manquant', 'Le combustible (bûches ou granulés)'),
	geste('poele_rendement_energetique_manquant', 'Le rendement énergétique (%)'),
	geste(
		'poele_emission_CO_manquant',
		'L’émission de monoxyde de carbone (mg/Nm³)',
		'exigée sans label Flamme Verte.'
	),
	geste(
		'poele_emission_COG_manquant',
		'L’émission de composés organiques gazeux (mg/Nm³)',
		'exigée sans label Flamme Verte.'
	),
	geste(
		'poele_emission_particule_manquant',
		'L’émission de particules (mg/Nm³)',
		'exigée sans label Flamme Verte.'
	),
	geste(
		'poele_emission_nox_manquant',
		'L’émission d’oxydes d’azote (mg/Nm³)',
		'exigée sans label Flamme Verte.'
	),
	geste('ssc_marque_capteurs_manquant', 'La marque des capteurs solaires'),
	geste('ssc_reference_capteurs_manquant', 'La référence des capteurs solaires'),
	geste('ssc_type_capteurs_manquant', 'Le type de capteurs (plans, sous vide)'),
	geste('ssc_surface_captage_manquant', 'La surface de captage (m²)'),
	geste('ssc_productivite_capteurs_manquant', 'La productivité des capteurs (W/m²)'),
	geste('ssc_volume_ballon_manquant', 'Le volume du ballon (L)'),
	geste('ssc_energie_appoint_manquant', 'L’énergie d’appoint'),
	// Hot water.
	geste('eau_chaude_marque_manquant', 'La marque de l’équipement'),
	geste('eau_chaude_reference_manquant', 'La référence de l’équipement'),
	geste('eau_chaude_volume_manquant', 'Le volume du ballon (L)'),
	geste('eau_chaude_etas_manquant', 'L’efficacité énergétique pour l’eau chaude (ETAS, %)'),
	geste('eau_chaude_profil_soutirage_manquant', 'Le profil de soutirage (M, L, XL, XXL)'),
	geste('cesi_type_appoint_manquant', 'Le type d’appoint'),
	geste('cesi_surface_capteur_manquant', 'La surface des capteurs (m²)'),
	geste('cesi_classe_energetique_ballon_manquant', 'La classe énergétique du ballon'),
	geste('cesi_fluide_manquant', 'Le fluide caloporteur (eau, eau glycolée, air)'),
	geste('chauffe_eau_thermodynamique_cop_manquant', 'Le COP selon la norme EN 16147'),
	geste(
		'chauffe_eau_thermodynamique_type_installation_manquant',
		'Le type d’installation (air extérieur, extrait ou ambiant)'
	),
	// Insulation.
	geste('isolation_marque_manquant', 'La marque de l’isolant'),
	geste('isolation_reference_manquant', 'La référence de l’isolant'),
	geste('isolation_surface_manquant', 'La surface isolée (m²)'),
	geste('isolation_epaisseur_manquant', 'L’épaisseur de l’isolant (cm)'),
	geste('isolation_r_manquant', 'La résistance thermique R (m².K/W)'),
	geste('isolation_norme_acermi_manquant', 'La norme de mesure de R ou le certificat ACERMI'),
	geste(
		'isolation_parement_fixation_protection_manquant',
		'Le parement, la fixation ou la protection de l’isolant'
	),
	geste(
		'isolation_type_isolation_toiture_terrasse_manquant',
		'Le type d’isolation de la toiture-terrasse (par l’intérieur ou l’extérieur)'
	),
	geste(
		'isolation_localisation_plancher_bas_manquant',
		'L’emplacement du plancher bas (sur vide sanitaire, sous-sol, local non chauffé…)'
	),
	// Joinery.
	geste('menuiserie_marque_manquant', 'La marque de la menuiserie'),
	geste('menuiserie_reference_manquant', 'La référence de la menuiserie'),
	geste('menuiserie_type_materiau_manquant', 'Le matériau (PVC, bois, aluminium…)'),
	geste('menuiserie_localisation_manquant', 'La pièce ou l’emplacement'),
	geste('menuiserie_type_vitrage_manquant', 'Le type de vitrage'),
	geste('menuiserie_type_pose_manquant', 'Le type de pose (rénovation ou dépose totale)'),
	geste(
		'menuiserie_position_paroie_manquant',
		'La position dans la paroi (nu intérieur, nu extérieur, tunnel)'
	),
	geste('menuiserie_uw_fenetre_manquant', 'Le coefficient Uw'),
	geste('menuiserie_sw_fenetre_manquant', 'Le facteur solaire Sw'),
	geste('menuiserie_uw_fenetre_toit_manquant', 'Le coefficient Uw'),
	geste('menuiserie_sw_fenetre_toit_manquant', 'Le facteur solaire Sw'),
	geste('menuiserie_ud_porte_manquant', 'Le coefficient Ud'),
	geste('menuiserie_deltar_volet_manquant', 'La résistance thermique additionnelle ΔR'),
	// Ventilation.
	geste('vmc_type_manquant', 'Le type de VMC (hygro A, hygro B, double flux)'),
	geste('vmc_marque_caisson_manquant', 'La marque du caisson'),
	geste('vmc_reference_caisson_manquant', 'La référence du caisson'),
	geste('vmc_marque_bouche_extraction_manquant', 'La marque des bouches d’extraction'),
	geste('vmc_reference_bouche_extraction_manquant', 'La référence des bouches d’extraction'),
	geste('vmc_nombre_bouche_extraction_manquant', 'Le nombre de bouches d’extraction'),
	geste('vmc_classe_caisson_manquant', 'La classe énergétique du caisson'),
	geste('vmc_puissance_manquant', 'La puissance électrique pondérée (W-Th-C)'),
	geste('vmc_simple_flux_nombre_bouches_entree_dair_manquant', 'Le nombre d’entrées d’air'),
	geste('vmc_simple_flux_marque_bouches_entree_dair_manquant', 'La marque des entrées d’air'),
	geste('vmc_simple_flux_reference_bouches_entree_dair_manquant', 'La référence des entrées d’air'),
	geste(
		'vmc_simple_flux_emplacement_bouches_entree_dair_manquant',
		'L’emplacement des entrées d’air (pièces sèches)'
	),
	geste('vmc_double_flux_marque_bouches_soufflage_manquant', 'La marque des bouches de soufflage'),
	geste('vmc_double_flux_reference_bouches_soufflage_manquant', 'La référence des bouches de soufflage'),
	geste('vmc_double_flux_emplacement_bouches_soufflage_manquant', 'L’emplacement des bouches de soufflage'),
	geste('vmc_double_flux_nombre_bouches_soufflage_manquant', 'Le nombre de bouches de soufflage'),
	// Dossier (§4).
	[
		'client_prenom_incoherent',
		'case_incoherence',
		E,
		'Prénom du client différent selon les devis',
		'Aucun prénom n’est commun à tous les devis du dossier.'
	],
	[
		'client_nom_incoherent',
		'case_incoherence',
		E,
		'Nom du client différent selon les devis',
		'Le nom du client n’est pas le même sur tous les devis du dossier.'
	],
	[
		'client_adresse_incoherent',
		'case_incoherence',
		E,
		'Adresse du client différente selon les devis',
		'L’adresse du client n’est pas la même sur tous les devis du dossier.'
	],
	// Proposed checks beyond MDSO.
	[
		'x_totaux_incoherents',
		'admin',
		X,
		'Totaux incohérents',
		'Les montants ne s’additionnent pas : somme des lignes, total HT, TVA et total TTC doivent concorder (à 1 € près).'
	],
	[
		'x_taux_tva_inhabituel',
		'gestes',
		W,
		'Taux de TVA inhabituel',
		'Les travaux de rénovation énergétique éligibles relèvent du taux réduit de 5,5 % : vérifiez le taux appliqué à ce geste.'
	],
	[
		'x_isolation_r_insuffisant',
		'gestes',
		X,
		'Résistance thermique insuffisante',
		'La résistance thermique R est inférieure au seuil exigé pour ce type d’isolation par les aides (MaPrimeRénov’, CEE).'
	],
	[
		'x_menuiserie_performance_insuffisante',
		'gestes',
		X,
		'Performance de la menuiserie insuffisante',
		'Les coefficients Uw/Sw, Ud ou ΔR ne respectent pas les seuils exigés par les aides.'
	],
	[
		'x_chauffage_etas_insuffisant',
		'gestes',
		X,
		'Efficacité saisonnière insuffisante',
		'L’ETAS de l’équipement est inférieure au seuil exigé par les aides pour ce type d’équipement.'
	],
	[
		'x_chauffe_eau_thermodynamique_cop_insuffisant',
		'gestes',
		X,
		'COP du chauffe-eau thermodynamique insuffisant',
		'Le COP doit atteindre 2,5 sur air extrait et 2,4 sinon.'
	],
	[
		'x_siret_invalide',
		'admin',
		X,
		'SIRET invalide',
		'Le numéro SIRET ne respecte pas sa clé de contrôle (algorithme de Luhn) : il est probablement mal recopié.'
	],
	[
		'x_tva_cle_invalide',
		'admin',
		X,
		'Numéro de TVA invalide',
		'La clé du numéro de TVA intracommunautaire ne correspond pas au SIREN qu’il contient.'
	],
	[
		'x_tva_siren_different',
		'admin',
		W,
		'TVA et SIRET d’entreprises différentes',
		'Le SIREN contenu dans le numéro de TVA n’est pas celui du SIRET.'
	],
	[
		'x_date_pre_visite_posterieure',
		'admin',
		X,
		'Visite préalable postérieure au devis',
		'La visite technique préalable doit avoir lieu avant l’établissement du devis.'
	],
	[
		'x_date_debut_avant_devis',
		'admin',
		W,
		'Début des travaux antérieur au devis',
		'La date de début des travaux précède la date du devis : les travaux ne peuvent pas commencer avant l’acceptation du devis.'
	],
	[
		'x_entreprise_fermee',
		'admin',
		E,
		'Établissement fermé ou inconnu',
		'Le répertoire SIRENE ne connaît pas cet établissement comme actif.'
	],
	[
		'x_document_facture',
		'file',
		W,
		'Document de type facture',
		'Le document est une facture et non un devis : les contrôles sont faits, mais une facture ne remplace pas le devis.'
	],
	[
		'x_couche_texte_inexploitable',
		'file',
		W,
		'Couche texte inexploitable',
		'La couche texte du PDF est illisible : le document a été lu par reconnaissance de caractères, vérifiez les valeurs relevées.'
	],
	[
		'x_ocr_confiance_faible',
		'file',
		W,
		'Lecture incertaine (scan de faible qualité)',
		'La reconnaissance de caractères est peu sûre : vérifiez les valeurs relevées sur le document.'
	],
	[
		'x_type_reel_different',
		'file',
		W,
		'Type de fichier différent de son extension',
		'Le contenu du fichier ne correspond pas à son extension : il a été lu selon son contenu réel.'
	],
	[
		'x_pages_tronquees',
		'file',
		W,
		'Document tronqué',
		'Le document dépasse le nombre de pages lues : seules les premières pages ont été vérifiées.'
	],
	['x_lecture_partielle', 'file', W, 'Lecture partielle', 'Une partie du document n’a pas pu être lue.'],
	[
		'x_fichier_chiffre',
		'file',
		E,
		'PDF protégé par mot de passe',
		'Le PDF demande un mot de passe pour être ouvert : déposez une version sans protection.'
	],
	[
		'x_fichier_trop_volumineux',
		'file',
		E,
		'Fichier trop volumineux',
		'Le fichier dépasse la taille maximale acceptée (50 Mo).'
	],
	[
		'x_dossier_trop_de_devis',
		'case_incoherence',
		E,
		'Trop de devis dans le dossier',
		'Un dossier compte au plus 20 devis : les devis suivants ne sont pas pris en compte.'
	],
	[
		'x_entreprise_incoherente',
		'case_incoherence',
		W,
		'Même entreprise, SIRET différents',
		'Deux devis du dossier portent le même nom d’entreprise avec des SIRET différents.'
	],
	[
		'x_adresse_chantier_incoherente',
		'case_incoherence',
		W,
		'Adresses de chantier différentes',
		'Les devis du dossier n’indiquent pas la même adresse de chantier.'
	]
];

/** The ruleset as data, by code. */
export const RULES: ReadonlyMap<string, RuleSpec> = new Map(
	ROWS.map(([code, category, type, title, explanation, severity]) => [
		code,
		{
			code,
			category,
			type,
			severity: severity ?? (type === 'warning' ? 'avertissement' : 'bloquant'),
			title,
			explanation,
			...(code.startsWith('x_') ? { proposed: true } : {})
		}
	])
);

/** The spec of a code (throws on an unknown code: a programming error, caught by tests). */
export function ruleSpec(code: string): RuleSpec {
	const spec = RULES.get(code);
	if (!spec) throw new Error(`Code de règle inconnu : ${code}`);
	return spec;
}
