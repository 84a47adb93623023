import type { GesteType } from './types.ts';

/** Families of gestes that share a block of required fields (quotes.md §2.4). */
export type GesteFamily =
	'chauffage' | 'pac_air_air' | 'isolation' | 'menuiserie' | 'eau_chaude' | 'ventilation';

/** A geste type: French label, family and the words that name it (on folded text). */
export interface GesteTypeSpec {
	type: GesteType;
	label: string;
	family: GesteFamily;
	patterns: RegExp[];
	/** Types this one wins over whenever both are named ("VMC double flux" is not a simple flux). */
	overrides?: GesteType[];
}

const PAC = String.raw`(?:pac|pompes? a chaleur)`;
const SEP = String.raw`\s*(?:\/|-|\s)\s*`;

/**
 * Geste types in tie-break order (more specific first). A line gets the type whose words appear
 * earliest in its label; ties go to the first entry.
 */
export const GESTE_TYPE_SPECS: GesteTypeSpec[] = [
	{
		type: 'chauffe_eau_thermo',
		label: 'Chauffe-eau thermodynamique',
		family: 'eau_chaude',
		patterns: [/chauffe[- ]?eau thermo(?:dynamique)?/, /ballon (?:d'eau chaude )?thermodynamique/, /\bcet\b/]
	},
	{
		type: 'chauffe_eau_solaire_individuel',
		label: 'Chauffe-eau solaire individuel',
		family: 'eau_chaude',
		patterns: [/chauffe[- ]?eau solaire/, /\bcesi\b/, /ballon solaire/]
	},
	{
		type: 'systeme_solaire_combine',
		label: 'Système solaire combiné',
		family: 'chauffage',
		patterns: [/systeme solaire combine/, /\bssc\b/, /(?:chauffage )?solaire combine/]
	},
	{
		type: 'pac_air_air',
		label: 'PAC air/air',
		family: 'pac_air_air',
		patterns: [
			new RegExp(`${PAC}.{0,40}?\\bair${SEP}air\\b`),
			/climatis(?:eur|ation) reversible/,
			/\b(?:multi|mono|bi|tri)[- ]?splits?\b/
		]
	},
	{
		type: 'pac_hybride',
		label: 'PAC hybride',
		family: 'chauffage',
		patterns: [new RegExp(`${PAC}.{0,30}?\\bhybride\\b`), /chaudiere hybride/]
	},
	{
		type: 'pac_eau_eau',
		label: 'PAC eau/eau (géothermique)',
		family: 'chauffage',
		patterns: [
			new RegExp(`${PAC}.{0,40}?\\b(?:eau${SEP}eau|sol${SEP}eau|sol${SEP}sol|geothermi)`),
			/\bgeothermi/
		]
	},
	{
		type: 'pac_air_eau',
		label: 'PAC air/eau',
		family: 'chauffage',
		patterns: [new RegExp(`${PAC}.{0,40}?\\bair${SEP}eau\\b`), /\b(?:pac|pompes? a chaleur)\b/, /aerotherm/]
	},
	{
		type: 'chaudiere_biomasse',
		label: 'Chaudière biomasse',
		family: 'chauffage',
		patterns: [
			/chaudiere.{0,30}?\b(?:biomasse|bois|granules?|pellets?|plaquettes?|buches?)\b/,
			/\b(?:biomasse|granules?|pellets?|plaquettes?|buches?)\b.{0,20}chaudiere/
		]
	},
	{
		type: 'poele_insert',
		label: 'Poêle ou insert',
		family: 'chauffage',
		patterns: [/\bpoeles?\b/, /\binserts?\b/, /\bfoyers? fermes?\b/, /cuisiniere (?:a bois|a granules|bois)/]
	},
	{
		type: 'isolation_toiture_terrasse',
		label: 'Isolation de toiture-terrasse',
		family: 'isolation',
		patterns: [/toitures?[- ]terrasses?/, /toits?[- ]terrasses?/]
	},
	{
		type: 'isolation_comble_perdu',
		label: 'Isolation des combles perdus',
		family: 'isolation',
		patterns: [/combles? perdus?/, /planchers? (?:de|des) combles?/, /\bgreniers?\b/, /combles? non amenag/]
	},
	{
		type: 'isolation_rampants_toiture',
		label: 'Isolation des rampants',
		family: 'isolation',
		patterns: [
			/\brampants?\b/,
			/sous[- ]toiture/,
			/combles? amenag/,
			/\bsarking\b/,
			/isolation (?:de la |des )?toitures?\b/,
			/plafonds? (?:de|des|sous) combles?/
		]
	},
	{
		type: 'isolation_plancher_bas',
		label: 'Isolation du plancher bas',
		family: 'isolation',
		patterns: [
			/planchers? bas/,
			/sous[- ]faces? (?:de |du |des )?planchers?/,
			/isolation (?:du |des )?(?:plafonds? )?(?:de |du )?(?:vide sanitaire|sous[- ]sol|caves?|garage)/,
			/planchers? (?:sur|au[- ]dessus d'un) (?:vide sanitaire|sous[- ]sol|cave|local)/
		]
	},
	{
		type: 'isolation_thermique_par_exterieur_ITE',
		label: 'Isolation des murs par l’extérieur (ITE)',
		family: 'isolation',
		patterns: [
			/isolation thermique (?:des murs |des facades )?(?:par|de) l'exterieur/,
			/\bi\.?t\.?e\.?\b/,
			/isolation (?:des )?(?:murs|facades?|parois)? ?(?:par l'|a l'|en )?exterieur/,
			/isolation exterieure/,
			/bardage isol/,
			/enduit isolant/
		]
	},
	{
		type: 'isolation_thermique_par_interieur_ITI',
		label: 'Isolation des murs par l’intérieur (ITI)',
		family: 'isolation',
		patterns: [
			/isolation thermique (?:des murs )?(?:par|de) l'interieur/,
			/\bi\.?t\.?i\.?\b/,
			/isolation (?:des )?(?:murs|parois)? ?(?:par l'|a l'|en )?interieur/,
			/isolation interieure/,
			/\bdoublages?\b/,
			/contre[- ]cloisons?/
		]
	},
	{
		type: 'menuiserie_fenetre_toit',
		label: 'Fenêtre de toit',
		family: 'menuiserie',
		patterns: [/fenetres? de (?:toit|toiture)/, /chassis de toit/, /\btabatieres?\b/, /\bvelux\b/]
	},
	{
		type: 'menuiserie_volet_isolant',
		label: 'Volet isolant',
		family: 'menuiserie',
		patterns: [/\bvolets?\b/, /\bpersiennes?\b/, /\bstores? isolants?\b/]
	},
	{
		type: 'menuiserie_porte',
		label: 'Porte',
		family: 'menuiserie',
		patterns: [
			/portes?[- ]fenetres?/,
			/portes? d'entree/,
			/\bportes?\b(?! de garage non)/,
			/\bbloc[- ]portes?\b/
		]
	},
	{
		type: 'menuiserie_fenetre',
		label: 'Fenêtre',
		family: 'menuiserie',
		patterns: [
			/\bfenetres?\b/,
			/\bbaies? (?:vitrees?|coulissantes?)\b/,
			/\bchassis\b/,
			/\bmenuiseries? (?:exterieures?|pvc|alu|aluminium|bois|mixtes?)\b/,
			/\bcoulissants?\b/,
			/\bsurvitrage\b/
		]
	},
	{
		type: 'vmc_double_flux',
		label: 'VMC double flux',
		family: 'ventilation',
		patterns: [/double[- ]flux/, /\bvmc df\b/, /\bvmdf\b/],
		overrides: ['vmc_simple_flux']
	},
	{
		type: 'vmc_simple_flux',
		label: 'VMC simple flux',
		family: 'ventilation',
		patterns: [
			/\bvmc\b/,
			/ventilation mecanique/,
			/simple[- ]flux/,
			/\bhygro ?(?:reglable|[ab])\b/,
			/\bvmi\b/,
			/ventilation (?:par insufflation|hygro)/
		]
	}
];

/**
 * Lines that are not gestes even when they name equipment: labour, scaffolding, disposal, travel,
 * accessories and studies (on the folded label, at its start).
 */
export const NOT_GESTE =
	/^(?:[-–•*]\s*)?(?:pose|poses|main[- ]d'(?:oe|œ)uvre|m\.?o\.?\b|mise en service|mise en route|installation et mise en service|installation et raccordement|raccordements?|depose|demontage|deplacements?|frais|echafaudages?|nacelle|evacuation|enlevement|gravats|dechets|benne|mise en decharge|nettoyage|protections?|travaux (?:induits|preparatoires|annexes|d'electricite|de plomberie|de maconnerie)|forfait (?:pose|installation|deplacement|main|mise)|montant forfaitaire|prestations? annexes?|location|transport|livraison|etude|audit|diagnostic|assistance|maitrise d'oeuvre|accompagnement|eco[- ]?participation|liaisons?|kits?\b|accessoires?|supports?\b|consoles?\b|thermostats?|regulation\b|programmateurs?|ballons? tampons?|vases? d'expansion|gaines?\b|conduits?\b|tubages?|sorties? de toit|habillages?|appuis?\b|grilles?\b|finitions?|peintures?|reprise|remise en etat|electricite|plomberie|maconnerie|carrelage|options?\b|garantie|contrat d'entretien|entretien)/;

/** A label that says supply is included ("Fourniture et pose", "fourni posé"): then it is a geste. */
export const SUPPLY = /\bfourni(?:ture|s|t|e)?\b|\bf\s?\+\s?p\b|\bf\s?&\s?p\b/;

/** Labour-only lines: their presence shows supply and installation are priced separately. */
export const LABOUR =
	/^(?:[-–•*]\s*)?(?:pose|poses|main[- ]d'(?:oe|œ)uvre|m\.?o\.?\b|mise en service|installation(?! d'une| d'un| de)|raccordements?|depose|forfait (?:pose|installation|main))/;

/** The type of a geste named by a label, or `null` (earliest match wins, then catalogue order). */
export function matchGesteType(text: string): GesteType | null {
	const lead = text.match(LEAD)?.[0].length ?? 0;
	const hits: { spec: GesteTypeSpec; index: number; order: number }[] = [];
	GESTE_TYPE_SPECS.forEach((spec, order) => {
		const indexes = spec.patterns
			.map((re) => {
				const i = re.exec(text)?.index ?? -1;
				// A bare generic noun ("portes", "volet", "PAC") names the line only when it leads it.
				return i > lead && GENERIC.some((g) => g.source === re.source) ? -1 : i;
			})
			.filter((i) => i >= 0);
		if (indexes.length > 0) hits.push({ spec, index: Math.min(...indexes), order });
	});
	if (hits.length === 0) return null;
	hits.sort((a, b) => a.index - b.index || a.order - b.order);
	const best = hits[0]!;
	const winner = hits.find((h) => h.spec.overrides?.includes(best.spec.type));
	return (winner ?? best).spec.type;
}

/** The words that may come before the noun naming a line ("Fourniture et pose d'une …"). */
const LEAD =
	/^(?:[-–•*\d.)\s]*)(?:(?:fourniture|pose|installation|remplacement|mise en place|depose et repose|reprise)(?: et (?:pose|installation|mise en service))?(?: (?:d'une?|d'|de la|du|des|de|en))?\s*)?(?:(?:nouvelle?s?|\d+)\s+)?/;

/** Patterns of generic nouns: they must lead the label (see `matchGesteType`). */
const GENERIC: RegExp[] = [
	/\bportes?\b(?! de garage non)/,
	/\bfenetres?\b/,
	/\bchassis\b/,
	/\bcoulissants?\b/,
	/\bvolets?\b/,
	/\bpersiennes?\b/,
	/\bpoeles?\b/,
	/\binserts?\b/,
	/\b(?:pac|pompes? a chaleur)\b/,
	/\bvmc\b/,
	/\bdoublages?\b/,
	/\bgreniers?\b/
];

/** The spec of a geste type. */
export function gesteTypeSpec(type: GesteType): GesteTypeSpec {
	return GESTE_TYPE_SPECS.find((s) => s.type === type)!;
}
