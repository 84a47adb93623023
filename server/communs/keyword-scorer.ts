import { COMPETENCES, LEVIERS, labelKey } from './reference-lists.ts';

/**
 * Deterministic qualification without an LLM: each levier and compétence gets a score from
 * (1) trigger expressions written for the frequent ones and (2) how many significant words of
 * its own label the project text contains. The output goes through the same post-processing
 * as LLM answers (threshold 0.7), so a levier needs a trigger or its whole label to be kept.
 *
 * Scores: first trigger 0.8, +0.05 per further distinct trigger (max 0.95); label words
 * 0.75 × the share of the label's significant words found (at least two words, or one word for
 * a one-word label). The best of the two counts.
 */

/** Triggers per levier (regular expressions over the folded text: lower case, no accents). */
export const LEVIER_TRIGGERS: Record<string, RegExp[]> = {
	Vélo: [/\bvelos?\b/, /cyclab/, /cycliste/, /bicyclette/, /voies? vertes?/],
	Covoiturage: [/covoitur/, /autopartage/],
	'Transports en commun': [
		/transports? (en commun|collectifs?|publics?)/,
		/\bbus\b/,
		/\btram/,
		/\bnavettes?\b/,
		/lignes? de car/
	],
	'Véhicules électriques': [
		/vehicules? (de service )?electrique/,
		/bornes? de recharge/,
		/\birve\b/,
		/voitures? electrique/,
		/flotte/
	],
	'Bus et cars décarbonés': [/(bus|cars?) (electrique|hydrogene|gnv|bio)/],
	'Réduction des déplacements': [
		/mobilites?\b/,
		/deplacements?/,
		/teletravail/,
		/tiers lieux?/,
		/pieton/,
		/coworking/,
		/plan de mobilite/
	],
	'Efficacité énergétique des véhicules privés': [/eco ?conduite/, /vehicules? (moins |peu )?emissif/],
	'Electricité renouvelable': [
		/photovolta/,
		/panneaux? solaires?/,
		/eolien/,
		/hydroelectri/,
		/energies? renouvelables?/,
		/\benr\b/,
		/zaenr/,
		/centrales? (villageoises?|solaires?)/,
		/ombrieres?/
	],
	Biogaz: [/methanis/, /biogaz/, /biomethane/],
	'Réseaux de chaleur décarbonés': [/reseaux? de chaleur/, /chaufferies? (bois|biomasse)/, /geotherm/],
	'Réseaux de froid': [/reseaux? de froid/],
	'Rénovation (hors changement chaudières)': [
		/renovation (energetique|thermique|globale)/,
		/isolation/,
		/passoires?/,
		/renover/
	],
	'Sobriété des bâtiments (tertiaire)': [
		/batiments? (publics?|communa|tertiaire|municipa)/,
		/sobriete energetique/,
		/economies? d'energie/,
		/consommations? (d'energie|energetique)/,
		/eclairage/
	],
	'Sobriété des bâtiments (résidentiel)': [/logements?/, /residentiel/, /menages?/, /habitat/],
	'Changement chaudières fioul + rénovation (résidentiel)': [/chaudieres? (au )?fioul/],
	'Changement chaudières gaz + rénovation (tertiaire)': [/chaudieres? (au )?gaz/],
	'Sobriété foncière': [
		/artificialis/,
		/\bzan\b/,
		/friches?/,
		/foncier/,
		/etalement urbain/,
		/densification/
	],
	'Désimperméabilisation des sols': [/desimpermeabil/, /demineralis/, /cours? oasis/],
	"Renaturation des villes et réduction de l'effet d'îlot de chaleur urbain": [
		/renaturation/,
		/ilots? de chaleur/,
		/vegetalis/,
		/plantations? d'arbres/,
		/cours? oasis/
	],
	'Gestion des haies': [/\bhaies?\b/, /bocage/],
	'Gestion des forêts et produits bois': [/forets?\b/, /forestier/, /sylvicult/],
	'Restauration des habitats naturels': [
		/zones? humides?/,
		/restauration (des milieux|ecologique)/,
		/habitats? naturels?/,
		/biodiversite/,
		/trame (verte|bleue)/
	],
	'Surface en aire protégée': [/aires? protegees?/, /reserves? naturelles?/, /natura 2000/],
	'Prévention des déchets': [
		/dechets?/,
		/zero dechet/,
		/reemploi/,
		/recycleries?/,
		/ressourceries?/,
		/gaspillage/
	],
	'Valorisation matière des déchets': [/recyclage/, /\btri\b/, /biodechets?/, /compost/],
	'Augmentation du taux de collecte': [/collecte/],
	"Sobriété dans l'utilisation de la ressource en eau": [
		/economies? d'eau/,
		/ressource en eau/,
		/eau potable/,
		/fuites? d'eau/,
		/recuperation (d'eau|des eaux)/
	],
	"Protection des zones de captage d'eau": [/captages?/],
	"Respect d'Egalim pour la restauration collective": [
		/egalim/,
		/cantines?/,
		/restauration (collective|scolaire)/
	],
	"Développement de l'agriculture biologique et de HVE": [
		/agriculture biologique/,
		/\bbio\b/,
		/maraich/,
		/circuits? courts?/,
		/projet alimentaire/
	],
	"Réduction de l'usage des produits phytosanitaires": [/phyto/, /pesticides?/],
	'Prévention des inondations par ruissellement': [/ruissellement/],
	"Prévention des inondations par débordement de cours d'eau, notamment via restauration des milieux aquatiques":
		[/inondations?/, /\bcrues?\b/, /gemapi/],
	'Intégration du confort d’été dans la rénovation et la construction des bâtiments': [
		/confort d'ete/,
		/surchauffe/
	],
	"Protection et mise à l'abri des personnes vulnérables": [/canicule/, /personnes vulnerables/],
	'Efficacité et sobriété logistique': [/logistique/, /livraisons?/],
	'Fret décarboné et multimodalité': [/\bfret\b/, /marchandises/],
	'Préservation des sites culturels et patrimoniaux': [/patrimoine (culturel|bati|historique)/, /monuments?/]
};

/** Triggers per compétence code. */
export const COMPETENCE_TRIGGERS: Record<string, RegExp[]> = {
	'90-87': [
		/\bvelos?\b/,
		/cyclab/,
		/pieton/,
		/mobilites? (douces?|actives?)/,
		/voies? vertes?/,
		/marche a pied/
	],
	'90-82': [/transports? (en commun|collectifs?|publics?)/, /\bbus\b/, /\bnavettes?\b/, /\btram/],
	'90-86': [/multimodal/, /intermodal/, /poles? d'echanges?/, /covoitur/, /autopartage/, /mobilites?\b/],
	'90-75': [
		/energ/,
		/climat/,
		/sobriete/,
		/photovolta/,
		/carbone/,
		/\bges\b/,
		/\bpcaet\b/,
		/\bcae\b/,
		/chaleur/
	],
	'90-751': [/reseaux? de (chaleur|froid)/, /chaufferie/],
	'90-752': [/photovolta/, /panneaux? solaires?/, /ombrieres?/],
	'90-753': [/eolien/],
	'90-754': [/hydroelectri/, /microcentrale/],
	'90-758': [
		/methanis/,
		/biogaz/,
		/hydrogene/,
		/geotherm/,
		/zaenr/,
		/bois[ ]energie/,
		/energies? renouvelables?/,
		/\benr\b/
	],
	'90-71': [/environnement/, /transition ecologique/, /sensibilis/, /plan climat/, /\bpcaet\b/, /climat/],
	'90-76': [
		/biodiversite/,
		/espaces? naturels?/,
		/zones? humides?/,
		/\bhaies?\b/,
		/trame (verte|bleue)/,
		/natura 2000/,
		/artificialis/,
		/renaturation/
	],
	'90-72': [/dechets?/, /proprete/],
	'90-721': [/collecte/, /\btri\b/, /recyclage/, /compost/, /biodechets?/, /decheterie|dechetterie/],
	'90-722': [/proprete urbaine/, /depots? sauvages?/],
	'90-73': [/\beaux?\b/],
	'90-731': [/ressource en eau/, /politique de l'eau/, /\bsage\b/],
	'90-732': [/eau potable/, /captages?/],
	'90-733': [/assainissement/, /station d'epuration/, /eaux usees/],
	'90-734': [/eaux pluviales/, /pluvial/, /desimpermeabil/],
	'90-735': [/inondations?/, /\bcrues?\b/, /gemapi/, /digues?/],
	'90-74': [/qualite de l'air/, /pollution (de l'air|atmospherique)/, /particules fines/, /\bzfe/],
	'90-51': [
		/urbanisme/,
		/amenagement/,
		/\bplui?\b/,
		/\bscot\b/,
		/centre[ ]bourg/,
		/espaces? publics?/,
		/requalification/,
		/friches?/,
		/artificialis/
	],
	'90-511': [/espaces? verts?/, /parcs? urbains?/, /vegetalis/, /plantations? d'arbres/, /jardins?/],
	'90-512': [/eclairage public/, /luminaires?/, /extinction nocturne/],
	'90-515': [/\bzac\b/, /lotissement/, /operations? d'amenagement/, /eco ?quartier/],
	'90-55': [/logements?/, /habitat/, /\bopah\b/],
	'90-555': [/logements? sociaux|logement social/, /\bhlm\b/, /bailleurs? sociaux/],
	'90-581': [/reserves? foncieres?/, /acquisitions? foncieres?/, /portage foncier/],
	'90-57': [/numerique/, /\bfibre\b/, /tres haut debit/],
	'90-631': [/agricul/, /alimentaire/, /maraich/, /circuits? courts?/, /elevage/],
	'90-632': [/commerces?/, /artisan/, /industri/],
	'90-633': [/touris/],
	'90-281': [/cantines?/, /restauration (scolaire|collective)/],
	'90-211': [/ecoles? maternelles?/],
	'90-212': [/ecoles?\b/, /groupes? scolaires?/],
	'90-221': [/colleges?/],
	'90-222': [/lycees?/],
	'90-321': [/gymnases?/, /salles? de sport/],
	'90-322': [/stades?/],
	'90-323': [/piscines?/],
	'90-313': [/mediatheques?/, /bibliotheques?/],
	'90-314': [/musees?/],
	'90-312': [/patrimoine/],
	'90-41': [/sante/, /medical/],
	'90-42': [/action sociale/, /\bccas\b/, /solidarit/],
	'90-422': [/creches?/, /petite enfance/],
	'90-423': [/personnes agees/, /\behpad\b/, /seniors?/],
	'90-84': [/voirie/, /chaussees?/],
	'90-848': [/parkings?/, /stationnement/],
	'90-849': [/securite routiere/],
	'90-851': [/gares? routieres?/],
	'90-822': [/ferroviaire/, /\btrains?\b/],
	'90-83': [/\bfret\b/, /marchandises/, /logistique/],
	'90-025': [/cimetieres?/],
	'90-12': [/incendie/, /pompiers/, /\bsdis\b/],
	'90-66': [/services? publics?/, /france services/],
	'90-65': [/economie sociale/, /\bess\b/, /insertion/],
	'90-67': [/recherche/, /innovation/],
	'90-56': [/littoral/, /trait de cote/],
	'90-54': [/\brural/],
	'90-52': [/politique de la ville/, /quartiers? prioritaires?/, /\bqpv\b/]
};

/** Words that say nothing about a label's topic. */
const STOP_WORDS = new Set(
	'les des une aux par pour sur dans avec sans autres autre actions action leur leurs plus moins entre hors notamment via son ses est sont ete tout tous toute toutes mise place faveur'.split(
		' '
	)
);

/** A crude French stem: six first letters (plural already stripped). */
function stem(word: string): string {
	return word.length > 6 ? word.slice(0, 6) : word;
}

function significantWords(text: string): string[] {
	return labelKey(text)
		.split(/[\s']+/)
		.filter((w) => w.length > 2 && !STOP_WORDS.has(w) && !/^\d+$/.test(w))
		.map((w) => w.replace(/(s|x)$/, ''));
}

function triggerScore(text: string, triggers: readonly RegExp[] | undefined): number {
	const hits = (triggers ?? []).filter((t) => t.test(text)).length;
	return hits ? Math.min(0.95, 0.8 + 0.05 * (hits - 1)) : 0;
}

function labelScore(textWords: Set<string>, textStems: Set<string>, label: string): number {
	const words = [...new Set(significantWords(label))];
	if (!words.length) return 0;
	// A one-word label must be printed as such ("Electrification" is not "électrique").
	const found =
		words.length === 1
			? textWords.has(words[0]!)
				? 1
				: 0
			: words.filter((w) => textStems.has(stem(w))).length;
	if (found < Math.min(2, words.length)) return 0;
	return Math.round(0.75 * (found / words.length) * 1000) / 1000;
}

/** Scored leviers and compétences of a project text, before post-processing (all scores, threshold not applied). */
export function scoreByKeywords(text: string): {
	leviers: { levier: string; score: number }[];
	competences: { code: string; score: number }[];
} {
	const folded = labelKey(text);
	const words = new Set(significantWords(text));
	const stems = new Set([...words].map(stem));
	const leviers = LEVIERS.map((levier) => ({
		levier,
		score: Math.max(triggerScore(folded, LEVIER_TRIGGERS[levier]), labelScore(words, stems, levier))
	})).filter((l) => l.score > 0);
	const competences = COMPETENCES.map((c) => ({
		code: c.code,
		// For "Parent > Enfant" only the child part describes the sous-compétence.
		score: Math.max(
			triggerScore(folded, COMPETENCE_TRIGGERS[c.code]),
			labelScore(words, stems, c.libelle.split(' > ').pop()!)
		)
	})).filter((c) => c.score > 0);
	return { leviers, competences };
}
