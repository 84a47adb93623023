import type { GesteFamily } from './geste-catalogue.ts';
import { cleanSpaces, fold, foldWithMap, parseNumber, unfoldSlice } from './value-normalise.ts';
import type { GesteType, GesteValue, LineItem, Provenance } from './types.ts';

/**
 * Technical values of a geste, read from its designation. The description is cut into
 * "label : value" chunks (any separator: dash, pipe, semicolon, new line) and each label is
 * looked up in a synonym table; values printed without a label ("ETAS 128 %", "Uw = 1,3",
 * "12 W-Th-C") are found by inline patterns.
 */

/** How a value is read. */
type Kind = 'text' | 'number' | 'flag';

/** One technical field: label synonyms (folded, whole label) and inline patterns (folded text). */
export interface GesteFieldSpec {
	id: string;
	kind: Kind;
	/** Families where this field is read (all when absent). */
	families?: GesteFamily[];
	/** Geste types where this field is read (narrower than families). */
	types?: GesteType[];
	labels?: RegExp;
	/** Patterns over the description; group 1 (or the whole match) is the value. */
	inline?: RegExp[];
	/** Inline patterns may also read the line label (e.g. "PAC 8 kW"); default true. */
	fromTitle?: boolean;
	/** Unit conversions for numbers: a number followed by this unit is multiplied. */
	scale?: { unit: RegExp; factor: number }[];
}

const BOUCHE_EXT = String.raw`(?:bouches? (?:d'extraction|extraction)|extractions?)`;
const ENTREE_AIR = String.raw`(?:entrees? d'air|bouches? d'entree d'air|grilles? d'entree d'air)`;
const SOUFFLAGE = String.raw`(?:bouches? de soufflage|bouches? d'insufflation|soufflage|insufflation)`;
const rx = (source: string) => new RegExp(source);

/**
 * Field catalogue, most specific first: a label is given to the first field whose `labels`
 * matches it (so "référence caisson" is read before the generic "référence").
 */
export const GESTE_FIELDS: GesteFieldSpec[] = [
	// Ventilation: caisson, extraction, air inlets, supply vents.
	{
		id: 'marque_bouche_extraction',
		kind: 'text',
		families: ['ventilation'],
		labels: rx(`^(?:${BOUCHE_EXT} (?:de )?marque|marque (?:des |de la )?${BOUCHE_EXT})$`)
	},
	{
		id: 'reference_bouche_extraction',
		kind: 'text',
		families: ['ventilation'],
		labels: rx(
			`^(?:${BOUCHE_EXT} (?:ref|reference|modele)|(?:ref|reference|modele)\\.? (?:des |de la )?${BOUCHE_EXT})\\.?$`
		)
	},
	{
		id: 'nombre_bouches_extraction',
		kind: 'number',
		families: ['ventilation'],
		labels: rx(`^(?:nombre|nb|quantite)\\.? (?:de |des )?${BOUCHE_EXT}$|^${BOUCHE_EXT} (?:nombre|nb)$`),
		inline: [
			rx(`\\b(\\d{1,2}) ${BOUCHE_EXT}`),
			/\b(\d{1,2}) bouches?\b(?! d'(?:entree|insufflation))(?! de soufflage)/
		]
	},
	{
		id: 'nombre_bouches_entree_dair',
		kind: 'number',
		families: ['ventilation'],
		labels: rx(`^(?:nombre|nb|quantite)\\.? (?:de |des |d')?${ENTREE_AIR}$|^${ENTREE_AIR} (?:nombre|nb)$`),
		inline: [rx(`\\b(\\d{1,2}) ${ENTREE_AIR}`)]
	},
	{
		id: 'marque_bouches_entree_dair',
		kind: 'text',
		families: ['ventilation'],
		labels: rx(`^(?:${ENTREE_AIR} (?:de )?marque|marque (?:des )?${ENTREE_AIR})$`)
	},
	{
		id: 'reference_bouches_entree_dair',
		kind: 'text',
		families: ['ventilation'],
		labels: rx(
			`^(?:${ENTREE_AIR} (?:ref|reference|modele)|(?:ref|reference|modele)\\.? (?:des )?${ENTREE_AIR})\\.?$`
		)
	},
	{
		id: 'emplacement_bouches_entree_dair',
		kind: 'text',
		families: ['ventilation'],
		labels: rx(
			`^(?:(?:emplacement|localisation|implantation|position)s? (?:des )?${ENTREE_AIR}|${ENTREE_AIR} (?:emplacement|localisation|(?:situees?|placees?|posees?|installees?) (?:en|dans|sur|aux?))|${ENTREE_AIR} (?:en|dans|sur))$`
		)
	},
	{
		id: 'marque_bouches_soufflage',
		kind: 'text',
		families: ['ventilation'],
		labels: rx(`^(?:${SOUFFLAGE} (?:de )?marque|marque (?:des )?${SOUFFLAGE})$`)
	},
	{
		id: 'reference_bouches_soufflage',
		kind: 'text',
		families: ['ventilation'],
		labels: rx(
			`^(?:${SOUFFLAGE} (?:ref|reference|modele)|(?:ref|reference|modele)\\.? (?:des )?${SOUFFLAGE})\\.?$`
		)
	},
	{
		id: 'nombre_bouches_soufflage',
		kind: 'number',
		families: ['ventilation'],
		labels: rx(`^(?:nombre|nb|quantite)\\.? (?:de |des )?${SOUFFLAGE}$|^${SOUFFLAGE} (?:nombre|nb)$`),
		inline: [rx(`\\b(\\d{1,2}) ${SOUFFLAGE}`)]
	},
	{
		id: 'emplacement_bouches_soufflage',
		kind: 'text',
		families: ['ventilation'],
		labels: rx(
			`^(?:(?:emplacement|localisation|implantation|position)s? (?:des )?${SOUFFLAGE}|${SOUFFLAGE} (?:emplacement|localisation|(?:situees?|placees?|posees?|installees?) (?:en|dans|sur|aux?))|${SOUFFLAGE} (?:en|dans|sur))$`
		)
	},
	{
		id: 'classe_caisson',
		kind: 'text',
		families: ['ventilation'],
		labels:
			/^(?:classe(?: energetique)?(?: du)? caisson|caisson classe(?: energetique)?|classe energetique|classe)$/,
		inline: [/\bclasse (?:energetique )?(?:du caisson )?:?\s*(a\+*|[b-g])\b/]
	},
	{
		id: 'puissance_ponderee',
		kind: 'number',
		families: ['ventilation'],
		labels:
			/^(?:puissance (?:electrique )?(?:absorbee )?ponderee|puissance absorbee|puissance electrique|consommation(?: electrique)?|puissance)$/,
		inline: [/(\d+(?:[.,]\d+)?)\s*w[- ]?th[- ]?c\b/, /(\d+(?:[.,]\d+)?)\s*w\b/]
	},
	{
		id: 'marque_caisson',
		kind: 'text',
		families: ['ventilation'],
		labels: /^(?:caisson (?:de )?marque|marque (?:du )?caisson|caisson|marque|fabricant)$/
	},
	{
		id: 'reference_caisson',
		kind: 'text',
		families: ['ventilation'],
		labels:
			/^(?:caisson (?:ref|reference|modele)|(?:ref|reference|modele)\.? (?:du )?caisson|ref|reference|modele)\.?$/
	},
	{
		id: 'type_vmc',
		kind: 'text',
		families: ['ventilation'],
		labels: /^(?:type(?: de vmc| de ventilation| de caisson)?|technologie|systeme)$/,
		inline: [
			/\bhygro ?(?:reglable)? ?(?:de )?(?:type )?(a|b)\b/,
			/\b(autoreglable|double flux(?: avec echangeur)?|hygroreglable(?: (?:de )?type [ab])?)\b/
		]
	},
	// Heating: controller and emissions before the generic brand and reference.
	{
		id: 'marque_regulateur',
		kind: 'text',
		families: ['chauffage'],
		labels: /^(?:regulateur|regulation|marque (?:du )?regulateur|regulateur marque)$/
	},
	{
		id: 'reference_regulateur',
		kind: 'text',
		families: ['chauffage'],
		labels: /^(?:(?:ref|reference|modele)\.? (?:du )?regulateur|regulateur (?:ref|reference|modele))\.?$/
	},
	{
		id: 'classe_regulateur',
		kind: 'text',
		families: ['chauffage'],
		labels: /^(?:classe (?:du |de )?(?:regulateur|regulation)|classe de regulation|classe)$/,
		inline: [
			/\bclasse (?:du regulateur |de regulation |de la regulation )?:?\s*(i{1,3}|iv|v|vi{1,3}|[1-8])\b/
		]
	},
	{
		id: 'emission_co',
		kind: 'number',
		types: ['chaudiere_biomasse', 'poele_insert'],
		labels: /^(?:emissions? (?:de )?(?:co|monoxyde de carbone)|co|monoxyde de carbone)$/,
		inline: [/\b(?:co|monoxyde de carbone)\s*[:=]?\s*(\d+(?:[.,]\d+)?)\s*mg/]
	},
	{
		id: 'emission_cog',
		kind: 'number',
		types: ['chaudiere_biomasse', 'poele_insert'],
		labels: /^(?:emissions? (?:de )?(?:cog|composes organiques gazeux)|cog|composes organiques gazeux)$/,
		inline: [/\b(?:cog|composes organiques gazeux)\s*[:=]?\s*(\d+(?:[.,]\d+)?)\s*mg/]
	},
	{
		id: 'emission_particules',
		kind: 'number',
		types: ['chaudiere_biomasse', 'poele_insert'],
		labels: /^(?:emissions? (?:de )?(?:particules|poussieres)(?: fines)?|particules|poussieres|pm)$/,
		inline: [/\b(?:particules|poussieres|pm)\s*[:=]?\s*(\d+(?:[.,]\d+)?)\s*mg/]
	},
	{
		id: 'emission_nox',
		kind: 'number',
		types: ['chaudiere_biomasse', 'poele_insert'],
		labels: /^(?:emissions? (?:de |d')?(?:nox|oxydes? d'azote)|nox|oxydes? d'azote)$/,
		inline: [/\b(?:nox|oxydes? d'azote)\s*[:=]?\s*(\d+(?:[.,]\d+)?)\s*mg/]
	},
	{
		id: 'label_flamme_verte',
		kind: 'flag',
		types: ['chaudiere_biomasse', 'poele_insert'],
		inline: [/flamme verte/]
	},
	{
		id: 'type_combustible',
		kind: 'text',
		types: ['chaudiere_biomasse', 'poele_insert'],
		labels: /^(?:combustible|type de combustible|energie|combustible utilise)$/,
		inline: [/\b(granules?(?: de bois)?|pellets?|buches?|bois buches?|plaquettes?(?: forestieres)?|bois)\b/]
	},
	{
		id: 'type_chargement',
		kind: 'text',
		types: ['chaudiere_biomasse'],
		labels: /^(?:chargement|type de chargement|alimentation|mode d'alimentation|mode de chargement)$/,
		inline: [/\b(?:chargement|alimentation) (automatique|manuel(?:le)?)\b/]
	},
	{
		id: 'contenance_silo',
		kind: 'number',
		types: ['chaudiere_biomasse'],
		labels:
			/^(?:contenance(?: du silo)?|volume (?:du )?silo|capacite (?:du )?silo|capacite de stockage|volume de stockage)$/,
		scale: [
			{ unit: /^\s*m[³3]/, factor: 1000 },
			{ unit: /^\s*(?:l|litres?)\b/, factor: 1 }
		]
	},
	{
		id: 'type_silo',
		kind: 'text',
		types: ['chaudiere_biomasse'],
		labels: /^(?:silo|type de silo|stockage|type de stockage)$/,
		inline: [/\bsilo (?:textile|maconne|enterre|exterieur|interieur|existant|neuf)[^–;|\n]*/]
	},
	{
		id: 'rendement',
		kind: 'number',
		types: ['chaudiere_biomasse', 'poele_insert'],
		labels: /^(?:rendement(?: energetique| nominal| global| utile| a pleine charge| sur pci)?|η)$/,
		inline: [
			/\brendement(?: energetique| nominal| global| utile| a pleine charge)?\s*[:=]?\s*(\d{2,3}(?:[.,]\d+)?)\s*%/
		]
	},
	// Heat pumps and heating base.
	{
		id: 'scop',
		kind: 'number',
		families: ['chauffage', 'pac_air_air'],
		labels: /^scop\b/,
		inline: [/\bscop\b(?:[^:=]{0,25}[:=])?\s*(\d(?:[.,]\d+)?)/]
	},
	{
		id: 'cop',
		kind: 'number',
		families: ['chauffage', 'pac_air_air', 'eau_chaude'],
		labels: /^(?:cop\b|coefficient de performance)/,
		// "COP 4,6", "COP à +7 °C : 4,8", "COP (EN 16147) = 3,1".
		inline: [/\bcop\b(?:[^:=]{0,25}[:=])?\s*(\d(?:[.,]\d+)?)/]
	},
	{
		id: 'etas',
		kind: 'number',
		families: ['chauffage', 'eau_chaude'],
		labels: /^(?:etas\b|ηs|ns$|efficacite (?:energetique )?saisonniere|rendement saisonnier)/,
		inline: [
			/\b(?:etas|ηs|efficacite energetique saisonniere)\b(?:[^:=\d]{0,25}[:=])?\s*(\d{2,3}(?:[.,]\d+)?)\s*%/,
			/\b(?:etas|ηs)\s*[:=]?\s*(\d{2,3}(?:[.,]\d+)?)/
		]
	},
	{
		id: 'puissance',
		kind: 'number',
		families: ['chauffage', 'pac_air_air'],
		labels:
			/^(?:puissance(?: nominale| calorifique| thermique| de chauffage| utile| chauffage| en kw| a -7 ?°?c| pnom)?|pnom|p nom)$/,
		inline: [
			/\bpuissance(?: nominale| calorifique| thermique| utile)?\s*[:=]?\s*(\d+(?:[.,]\d+)?)\s*kw\b/,
			/\b(\d+(?:[.,]\d+)?)\s*kw\b/
		]
	},
	{
		id: 'regime_temperature',
		kind: 'text',
		families: ['chauffage'],
		labels:
			/^(?:regime(?: de temperature)?|temperature de fonctionnement|application|temperature de depart)$/,
		inline: [/\b((?:tres )?(?:basse|moyenne|haute) temperature)\b/]
	},
	{
		id: 'type_fluide_frigorigene',
		kind: 'text',
		families: ['chauffage', 'pac_air_air', 'eau_chaude'],
		labels: /^(?:fluide(?: frigorigene)?|(?:gaz|fluide) refrigerant|refrigerant|gaz frigorigene)$/,
		inline: [/\b(?:fluide|gaz)(?: frigorigene| refrigerant)?\s*[:=]?\s*(r[- ]?\d{2,4}[a-z]?)\b/],
		fromTitle: false
	},
	{
		id: 'remplacement_chaudiere_condensation',
		kind: 'text',
		families: ['chauffage'],
		labels:
			/^(?:chaudiere (?:remplacee|existante|deposee)|ancienne chaudiere|equipement (?:remplace|existant)|remplacement(?: de chaudiere)?|generateur remplace|installation existante)$/,
		inline: [
			/\b(?:depose|remplacement|en remplacement) d'une? (?:ancienne )?chaudiere[^–;|\n]*/,
			/\bchaudiere (?:existante|remplacee|deposee)[^–;|\n]*/,
			/\b(?:non )?condensation\b/
		],
		fromTitle: false
	},
	// Insulation.
	{
		id: 'surface',
		kind: 'number',
		families: ['isolation'],
		labels: /^(?:surface(?: isolee| a isoler| traitee| totale| d'isolation| isolant| de pose)?|superficie)$/,
		inline: [/\bsurface (?:isolee|traitee|a isoler)\s*[:=]?\s*(\d+(?:[.,]\d+)?)\s*m/]
	},
	{
		id: 'epaisseur',
		kind: 'number',
		families: ['isolation'],
		labels: /^(?:epaisseur(?: d'isolant| de l'isolant| totale| mise en oeuvre)?|ep\.?)$/,
		inline: [/\bepaisseur\s*[:=]?\s*(\d+(?:[.,]\d+)?)\s*(?:cm|mm)\b/, /\b(\d+(?:[.,]\d+)?)\s*(?:cm|mm)\b/],
		scale: [
			{ unit: /^\s*mm\b/, factor: 0.1 },
			{ unit: /^\s*cm\b/, factor: 1 }
		]
	},
	{
		id: 'resistance_thermique',
		kind: 'number',
		families: ['isolation'],
		labels: /^(?:resistance thermique(?: r| certifiee| declaree)?|r|r certifiee|r \(m2\.?k\/w\)|valeur r)$/,
		inline: [
			/\bresistance thermique(?: certifiee| declaree)?\s*(?:\(?r\)?)?\s*[:=]?\s*(\d+(?:[.,]\d+)?)/,
			/\br\s*[:=]\s*(\d+(?:[.,]\d+)?)/,
			/(\d+(?:[.,]\d+)?)\s*m[²2]\s*\.?\s*k\s*\/\s*w/
		]
	},
	{
		id: 'norme',
		kind: 'text',
		families: ['isolation'],
		labels: /^(?:norme|norme de calcul|r certifiee selon|selon la norme|methode)$/,
		inline: [/\bnf en (?:iso )?\d{4,5}(?:-\d+)?\b/]
	},
	{
		id: 'acermi',
		kind: 'text',
		families: ['isolation'],
		labels:
			/^(?:(?:certificat|certification|n°|numero|no) ?acermi(?: n°| no)?|acermi|certificat(?: n°| no)?)$/,
		// ACERMI numbers read "20/007/1550": with the word ACERMI, or after "certificat".
		inline: [
			/\bacermi\b\s*(?:n°|no|numero)?\s*:?\s*(\d{2}\s?\/\s?\d{3}\s?\/\s?\d{2,5})/,
			/\bcertifi\w*\s*(?:n°|no)?\s*:?\s*(\d{2}\s?\/\s?\d{3}\s?\/\s?\d{3,5})\b/
		]
	},
	{
		id: 'parement',
		kind: 'text',
		types: ['isolation_thermique_par_exterieur_ITE', 'isolation_thermique_par_interieur_ITI'],
		labels:
			/^(?:parement(?: \/ finition)?|finition|revetement(?: de finition)?|enduit|parement et finition|habillage)$/,
		inline: [/\b(?:enduit|bardage|plaques? de platre|ba ?13|parement|crepi|vetage|vetture)\b/],
		fromTitle: false
	},
	{
		id: 'fixation',
		kind: 'text',
		types: ['isolation_thermique_par_exterieur_ITE', 'isolation_thermique_par_interieur_ITI'],
		labels: /^(?:fixation|mode de fixation|type de fixation|fixations)$/,
		inline: [
			/\b(?:cale[- ]?chevill\w*|chevill\w*|colle|plots? de colle|fixation mecanique|rails?|ossature metallique)\b/
		],
		fromTitle: false
	},
	{
		id: 'protection',
		kind: 'text',
		types: ['isolation_thermique_par_exterieur_ITE', 'isolation_thermique_par_interieur_ITI'],
		labels: /^(?:protection|protections|protection de l'isolant|profiles|pare[- ]vapeur|membrane)$/,
		inline: [/\b(?:profiles? de (?:depart|protection|d'angle)|pare[- ]vapeur|baguettes? d'angle|corniere)\b/],
		fromTitle: false
	},
	{
		id: 'localisation_plancher_bas',
		kind: 'text',
		types: ['isolation_plancher_bas'],
		labels:
			/^(?:localisation|emplacement|situation|local (?:sous[- ]jacent|situe en dessous)|au[- ]dessus de|sur|local non chauffe|type de local)$/,
		inline: [
			/\b(?:au[- ]dessus d'une? |sur )(?:vide sanitaire|sous[- ]sol|cave|garage|local non chauffe|terre[- ]plein|passage ouvert)\b/
		],
		fromTitle: false
	},
	{
		id: 'type_isolation_toiture_terrasse',
		kind: 'text',
		types: ['isolation_toiture_terrasse'],
		labels: /^(?:type d'isolation|procede|technique|mise en oeuvre)$/,
		inline: [/\bpar l'(?:exterieur|interieur)\b/, /\b(?:isolation inversee|sous etancheite|sur etancheite)\b/]
	},
	// Joinery.
	{
		id: 'uw',
		kind: 'number',
		families: ['menuiserie'],
		labels: /^(?:uw\b|coefficient uw|coefficient de transmission thermique(?: surfacique)? uw)/,
		inline: [/\buw\b[^:=\d]{0,12}[:=]?\s*(\d(?:[.,]\d+)?)/]
	},
	{
		id: 'sw',
		kind: 'number',
		families: ['menuiserie'],
		labels: /^(?:sw\b|facteur solaire|facteur de transmission solaire)/,
		inline: [
			/\bsw\b[^:=\d]{0,12}[:=]?\s*(\d?[.,]\d+|\d)/,
			/\bfacteur solaire[^:=\d]{0,12}[:=]?\s*(\d?[.,]\d+)/
		]
	},
	{
		id: 'ud',
		kind: 'number',
		families: ['menuiserie'],
		labels: /^(?:ud\b|coefficient ud)/,
		inline: [/\bud\b[^:=\d]{0,12}[:=]?\s*(\d(?:[.,]\d+)?)/]
	},
	{
		id: 'delta_r',
		kind: 'number',
		families: ['menuiserie'],
		labels: /^(?:δr|delta ?r|resistance thermique additionnelle(?: δr)?|δ r)$/,
		inline: [
			/(?:δ ?r|delta ?r)\s*[:=]?\s*(\d?[.,]\d+|\d)/,
			/resistance (?:thermique )?additionnelle\s*[:=]?\s*(\d?[.,]\d+)/
		]
	},
	{
		id: 'type_materiau',
		kind: 'text',
		families: ['menuiserie'],
		labels: /^(?:materiaux?|matiere|materiau du cadre|cadre|menuiserie|nature|type de materiau)$/,
		inline: [
			/\b(pvc|alu(?:minium)?|bois[- ]alu(?:minium)?|mixte(?: bois[- ]alu(?:minium)?)?|bois|acier|composite|fibre de verre)\b/
		]
	},
	{
		id: 'type_vitrage',
		kind: 'text',
		families: ['menuiserie'],
		types: ['menuiserie_fenetre', 'menuiserie_fenetre_toit', 'menuiserie_porte'],
		labels: /^(?:vitrage|type de vitrage|composition du vitrage)$/,
		inline: [
			/\b(?:simple|double|triple) vitrage\b[^–;|\n]*/,
			/\bvitrage (?:double|triple|feuillete|isolant|4\/\d+\/4)[^–;|\n]*/
		]
	},
	{
		id: 'type_pose',
		kind: 'text',
		families: ['menuiserie'],
		types: ['menuiserie_fenetre', 'menuiserie_fenetre_toit', 'menuiserie_porte'],
		labels: /^(?:type de pose|pose|mode de pose|mise en oeuvre)$/,
		inline: [
			/\bpose (?:en )?(?:renovation|applique|tunnel|feuillure|neuf|dormant existant)\b/,
			/\bdepose totale\b/,
			/\ben renovation\b/
		]
	},
	{
		id: 'position_paroi',
		kind: 'text',
		families: ['menuiserie'],
		types: ['menuiserie_fenetre', 'menuiserie_fenetre_toit', 'menuiserie_porte'],
		labels:
			/^(?:position(?: dans la paroi| de la menuiserie| dans le mur| de pose)?|implantation|position paroi)$/,
		inline: [/\bnu (?:interieur|exterieur)\b/, /\ben tunnel\b/, /\bau nu\b/]
	},
	{
		id: 'localisation',
		kind: 'text',
		families: ['menuiserie'],
		labels: /^(?:localisation|emplacement|piece|pieces|local|lieu|situation)$/,
		inline: [
			/\b(sejour|salon|salle a manger|chambres?(?: \d+)?|cuisine|salle de bains?|salle d'eau|sdb|wc|entree|bureau|couloir|degagement|garage|cellier|buanderie|mezzanine|palier|veranda|combles?)\b/
		]
	},
	// Hot water.
	{
		id: 'profil_soutirage',
		kind: 'text',
		families: ['eau_chaude', 'chauffage'],
		labels: /^(?:profil(?: de soutirage)?|soutirage|profil de puisage)$/,
		inline: [/\bprofil (?:de soutirage )?:?\s*(3xl|4xl|xxl|xl|xxs|xs|[sml])\b/]
	},
	{
		id: 'type_installation',
		kind: 'text',
		types: ['chauffe_eau_thermo'],
		labels:
			/^(?:type d'installation|installation|source d'air|air capte|prise d'air|configuration|mode de fonctionnement|type)$/,
		inline: [/\b(?:sur |air )(?:air )?(ambiant|exterieur|extrait)\b/],
		fromTitle: false
	},
	{
		id: 'type_appoint',
		kind: 'text',
		types: ['chauffe_eau_solaire_individuel', 'systeme_solaire_combine'],
		labels: /^(?:appoint|energie d'appoint|type d'appoint|appoint electrique|source d'appoint)$/,
		inline: [/\bappoint (?:electrique|gaz|fioul|bois|hydraulique|par chaudiere)\b/]
	},
	{
		id: 'surface_capteurs',
		kind: 'number',
		types: ['chauffe_eau_solaire_individuel', 'systeme_solaire_combine'],
		labels:
			/^(?:surface (?:des |de )?capt(?:eurs?|age)|surface d'entree|surface hors tout|surface de captage|surface)$/,
		inline: [/(\d+(?:[.,]\d+)?)\s*m[²2] de capt/, /surface (?:des )?capteurs?\s*[:=]?\s*(\d+(?:[.,]\d+)?)/]
	},
	{
		id: 'classe_ballon',
		kind: 'text',
		types: ['chauffe_eau_solaire_individuel', 'systeme_solaire_combine', 'chauffe_eau_thermo'],
		labels: /^(?:classe(?: energetique)?(?: du ballon| de stockage)?|classe ballon)$/,
		inline: [/\bclasse (?:energetique )?(?:du ballon )?:?\s*(a\+*|[b-g])\b/]
	},
	{
		id: 'fluide_caloporteur',
		kind: 'text',
		types: ['chauffe_eau_solaire_individuel'],
		labels: /^(?:fluide(?: caloporteur)?|caloporteur|fluide solaire)$/,
		inline: [/\b(?:eau glycolee|antigel|autovidangeable|fluide caloporteur[^–;|\n]*)/]
	},
	{
		id: 'volume',
		kind: 'number',
		families: ['eau_chaude', 'chauffage'],
		labels:
			/^(?:volume(?: du ballon| de stockage| utile| ballon)?|capacite(?: du ballon)?|contenance(?: du ballon)?)$/,
		inline: [/\b(\d{2,4})\s*(?:l|litres)\b/]
	},
	{
		id: 'marque_capteurs',
		kind: 'text',
		types: ['systeme_solaire_combine'],
		labels: /^(?:marque (?:des )?capteurs|capteurs marque)$/
	},
	{
		id: 'reference_capteurs',
		kind: 'text',
		types: ['systeme_solaire_combine'],
		labels: /^(?:(?:ref|reference|modele)\.? (?:des )?capteurs|capteurs (?:ref|reference))$/
	},
	{
		id: 'type_capteurs',
		kind: 'text',
		types: ['systeme_solaire_combine'],
		labels: /^(?:type (?:de |des )?capteurs|capteurs)$/,
		inline: [/\bcapteurs? (?:plans?|sous vide|a tubes)\b/]
	},
	{
		id: 'productivite_capteurs',
		kind: 'number',
		types: ['systeme_solaire_combine'],
		labels: /^(?:productivite(?: des capteurs)?)$/,
		inline: [/(\d+(?:[.,]\d+)?)\s*w\s*\/\s*m[²2]/]
	},
	// Generic brand and reference, last.
	{
		id: 'marque',
		kind: 'text',
		labels:
			/^(?:marque|fabricant|constructeur)(?: de l'isolant| de l'equipement| du produit| de l'appareil| du materiel| du ballon| de la menuiserie| de l'isolation| commerciale| de la pac| du poele| de la chaudiere)?$/,
		// "Marque Menuis+, modèle Clair 70" without a colon.
		inline: [
			/\b(?:marque|fabricant)\s+([^\s,;|:][^,;|:]*?)(?=\s*(?:,|;|\||$|\bmodele\b|\breference\b|\bref\b))/
		],
		fromTitle: false
	},
	{
		id: 'reference',
		kind: 'text',
		labels:
			/^(?:ref|reference|modele|gamme|type de produit|designation commerciale|reference commerciale|reference produit|produit)\.?(?: de l'isolant| du produit| de l'equipement| commerciale| du modele| fabricant| de la pac| de l'appareil)?$/,
		inline: [/\b(?:modele|reference|ref\.)\s+([^\s,;|:][^,;|:]*?)(?=\s*(?:,|;|\||$))/],
		fromTitle: false
	}
];

/** A chunk of a designation: an optional label and its value, with where it starts. */
export interface Chunk {
	label: string | null;
	value: string;
	title: boolean;
	where: Provenance;
}

const SEPARATORS =
	/\s+[–—]\s+|\s+\|\s+|\s*;\s+|\s+•\s+|\s+·\s+|\s+-\s+(?=[^:]{1,45}\s?[:=]\s)|,\s+(?=[^:,]{1,45}\s?:\s)/;

/** Whether a chunk is a complete "label : value" (a new line may then start a new chunk). */
function isComplete(chunk: string): boolean {
	const m = chunk.match(/^[^:=]{1,60}?\s*[:=]\s*(.*)$/);
	// "Caisson : marque" waits for the brand on the next line.
	return (
		m !== null &&
		m[1]!.trim() !== '' &&
		!/^(?:marque|r[ée]f(?:[ée]rence)?\.?|mod[èe]le|nombre|nb)$/i.test(m[1]!.trim())
	);
}

/** Words that open a new technical field when a line starts with them ("Épaisseur 320 mm"). */
const FIELD_START =
	/^(?:marque|fabricant|r[ée]f[ée]rence|r[ée]f\.|mod[èe]le|[ée]paisseur|surface|r[ée]sistance|r\s?=|uw|sw|ud|etas|ηs|cop|scop|puissance|volume|capacit[ée]|profil|classe|type|nombre|emplacement|localisation|vitrage|pose|position|mat[ée]riau|fluide|r[ée]gime|combustible|certificat|acermi|norme|label|rendement|[ée]missions?|silo|contenance|appoint|caisson|bouches?|entr[ée]es? d'air)\b/i;

/** Cuts a line item's designation into label/value chunks (the first line is the title). */
export function chunkDescription(item: LineItem): Chunk[] {
	const descLines = item.description.split('\n');
	// Rebuild logical lines: a line continues the previous one unless that one ended on a
	// complete "label : value" and the new one starts with a label.
	const logical: { text: string; where: Provenance; title: boolean }[] = [];
	descLines.forEach((line, i) => {
		const where = item.lines[i] ?? item.lines[item.lines.length - 1] ?? item.where;
		const text = line.trim();
		if (text === '') return;
		if (i === 0) {
			logical.push({ text, where, title: true });
			return;
		}
		const last = logical[logical.length - 1]!;
		const lastParts = last.text.split(SEPARATORS);
		const lastChunk = lastParts[lastParts.length - 1] ?? '';
		const firstChunk = text.split(SEPARATORS)[0] ?? '';
		const startsLabel = /^[^:=]{1,60}?\s*[:=]\s*\S/.test(firstChunk);
		// A wrapped line goes on in lower case ("nominale : 11 kW"); a new field starts with a capital.
		const capital = /^\p{Lu}/u.test(text);
		const fieldStart =
			capital && FIELD_START.test(text) && (isComplete(lastChunk) || !/[:=]\s*$/.test(last.text));
		if (last.title || (startsLabel && (capital || isComplete(lastChunk))) || fieldStart) {
			logical.push({ text, where, title: false });
		} else if (/[a-zà-ÿ]-$/i.test(last.text) && /^[a-zà-ÿ]/.test(text)) {
			last.text += text;
		} else {
			last.text = `${last.text} ${text}`;
		}
	});
	const chunks: Chunk[] = [];
	for (const l of logical) {
		for (const raw of l.text.split(SEPARATORS)) {
			const part = cleanSpaces(raw.replace(/^[-–•*·]\s*/, ''));
			if (part === '') continue;
			const m = part.match(/^([^:=]{1,60}?)\s*[:=]\s*(.*)$/);
			if (m && !l.title && !/^\d/.test(m[1]!) && !/\b(?:dont|soit)\b/i.test(m[1]!)) {
				let label = m[1]!;
				let value = m[2]!;
				// "Caisson : marque X" → label "Caisson marque", value "X".
				const sub = value.match(
					/^(marque|ref(?:erence)?\.?|réf(?:érence)?\.?|modèle|modele|nombre|nb)\s+(.*)$/i
				);
				if (sub) {
					label = `${label} ${sub[1]}`;
					value = sub[2]!;
				}
				chunks.push({ label, value, title: false, where: l.where });
			} else {
				chunks.push({ label: null, value: part, title: l.title, where: l.where });
			}
		}
	}
	return chunks;
}

/** Folds a label for the synonym tables: no parentheses, no trailing punctuation. */
export function labelKey(label: string): string {
	return fold(label)
		.replace(/\([^)]*\)/g, ' ')
		.replace(/[.:]+$/g, '')
		.replace(/\s+/g, ' ')
		.trim();
}

/** Reads the technical values of a geste from its designation. */
export function readGesteValues(
	item: LineItem,
	type: GesteType,
	family: GesteFamily
): Partial<Record<string, GesteValue>> {
	const fields = GESTE_FIELDS.filter(
		(f) => (!f.families || f.families.includes(family)) && (!f.types || f.types.includes(type))
	);
	const values: Partial<Record<string, GesteValue>> = {};
	const chunks = chunkDescription(item);
	// 1. Labelled chunks: the first field whose synonyms match the label.
	for (const chunk of chunks) {
		if (!chunk.label) continue;
		const key = labelKey(chunk.label);
		const field = fields.find((f) => f.labels?.test(key));
		if (!field || values[field.id]) continue;
		const value = readValue(field, chunk.value);
		if (value) values[field.id] = { ...value, where: chunk.where };
	}
	// 2. Inline patterns, in every chunk (labelled chunks included: "Puissance : 8 kW – ETAS 87 %").
	for (const field of fields) {
		if (values[field.id] || !field.inline) continue;
		for (const chunk of chunks) {
			if (chunk.title && field.fromTitle === false) continue;
			const printed = chunk.label ? `${chunk.label} : ${chunk.value}` : chunk.value;
			const folded = foldWithMap(printed);
			const text = folded.key;
			const hit = field.inline.map((re) => text.match(re)).find((m) => m !== null);
			if (!hit) continue;
			// The value as printed (accents, case), from the folded match.
			const start = (hit.index ?? 0) + (hit[1] !== undefined ? hit[0].indexOf(hit[1]) : 0);
			const raw = unfoldSlice(printed, folded, start, start + (hit[1] ?? hit[0]).length);
			const unitAfter = text.slice(start + (hit[1] ?? hit[0]).length);
			const value = readValue(field, raw, unitAfter);
			if (value) {
				values[field.id] = { ...value, where: chunk.where };
				break;
			}
		}
	}
	// 3. Prose without colons ("Fabricant X, modèle Y, contenance du silo 200"): the longest
	// opening words that name a field are its label, the rest its value. After the patterns,
	// which read values more precisely.
	for (const chunk of chunks) {
		if (chunk.label || chunk.title) continue;
		for (const part of chunk.value.split(/,\s+|;\s*|\.\s+|\s+[–—]\s+/)) {
			const words = part.trim().replace(/\.$/, '').split(/\s+/);
			for (let k = Math.min(7, words.length - 1); k >= 1; k--) {
				const key = labelKey(words.slice(0, k).join(' '));
				const field = fields.find((f) => f.labels?.test(key));
				if (!field) continue;
				if (!values[field.id]) {
					const value = readValue(field, words.slice(k).join(' '));
					if (value) values[field.id] = { ...value, where: chunk.where };
				}
				break;
			}
		}
	}
	// 4. Quantities in m² give the insulated surface when none is printed.
	if (
		family === 'isolation' &&
		!values.surface &&
		item.quantite !== null &&
		/^m[²2]$/i.test(item.unite ?? '')
	) {
		values.surface = { text: `${item.quantite} ${item.unite}`, number: item.quantite, where: item.where };
	}
	// 5. The room of a line comes from its section title when the line does not name one.
	if (family === 'menuiserie' && !values.localisation && item.section) {
		values.localisation = { text: item.section, number: null, where: item.where };
	}
	return values;
}

function readValue(field: GesteFieldSpec, raw: string, after = ''): Omit<GesteValue, 'where'> | null {
	const text = cleanSpaces(raw).replace(/[\s,;.–-]+$/, '');
	if (field.kind === 'flag') return { text: text || 'oui', number: 1 };
	if (text === '' || /^(?:non (?:communique|precise|renseigne)|nc|n\/c|-|\.+)$/i.test(fold(text)))
		return null;
	if (field.kind === 'text') return { text, number: null };
	const n = parseNumber(text);
	if (n === null) return null;
	let number = n;
	const unitText = fold(text.replace(/^[^\d]*\d+(?:[.,]\d+)?/, '') || after);
	// A value read with its unit right after it ("320" then " mm").

	for (const s of field.scale ?? []) {
		if (s.unit.test(unitText)) {
			number = Math.round(n * s.factor * 1000) / 1000;
			break;
		}
	}
	return { text, number };
}
