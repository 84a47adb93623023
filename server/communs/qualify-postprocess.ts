import { COMPETENCE_BY_CODE, COMPETENCES, LEVIERS, labelKey, type Competence } from './reference-lists.ts';

/**
 * Post-processing of a qualification, as Les communs does it (communs-recoco-qfdmod.md §A.4):
 * labels are corrected to the reference lists (aliases, spelling), unknown ones dropped, the best
 * score kept per label, only scores above 0.7 kept, sorted by score; for compétences a valid code
 * wins (its label is re-read from the list), else the label is mapped to its code.
 */

/** Scores must be strictly above this to be kept. */
export const QUALIFICATION_THRESHOLD = 0.7;
/** Compétences kept at most. */
export const MAX_COMPETENCES = 3;

/** A compétence with its score. */
export interface ScoredCompetence {
	code: string;
	libelle: string;
	score: number;
}

/** A levier with its score. */
export interface ScoredLevier {
	libelle: string;
	score: number;
}

/** Frequent variants of levier labels (models and people shorten or rephrase them). */
const LEVIER_ALIASES: Record<string, string> = {
	'energies renouvelables': 'Electricité renouvelable',
	'energie renouvelable': 'Electricité renouvelable',
	'electricite renouvelable photovoltaique': 'Electricité renouvelable',
	photovoltaique: 'Electricité renouvelable',
	'mobilite douce': 'Vélo',
	'mobilites douces': 'Vélo',
	cyclable: 'Vélo',
	'transport en commun': 'Transports en commun',
	'bus et cars decarbones': 'Bus et cars décarbonés',
	'bus decarbones': 'Bus et cars décarbonés',
	'vehicule electrique': 'Véhicules électriques',
	'2 roues electriques': '2 roues (élec&efficacité)',
	'deux roues electriques': '2 roues (élec&efficacité)',
	'renovation energetique': 'Rénovation (hors changement chaudières)',
	renovation: 'Rénovation (hors changement chaudières)',
	'renovation hors changement de chaudieres': 'Rénovation (hors changement chaudières)',
	'sobriete energetique des batiments': 'Sobriété des bâtiments (tertiaire)',
	'sobriete des batiments publics': 'Sobriété des bâtiments (tertiaire)',
	'reseau de chaleur': 'Réseaux de chaleur décarbonés',
	'reseaux de chaleur': 'Réseaux de chaleur décarbonés',
	'reseau de froid': 'Réseaux de froid',
	methanisation: 'Biogaz',
	'zero artificialisation nette': 'Sobriété foncière',
	zan: 'Sobriété foncière',
	desimpermeabilisation: 'Désimperméabilisation des sols',
	'ilot de chaleur urbain': "Renaturation des villes et réduction de l'effet d'îlot de chaleur urbain",
	'renaturation des villes': "Renaturation des villes et réduction de l'effet d'îlot de chaleur urbain",
	haies: 'Gestion des haies',
	'prevention et reduction des dechets': 'Prévention des déchets',
	'reduction des dechets': 'Prévention des déchets',
	recyclage: 'Valorisation matière des déchets',
	egalim: "Respect d'Egalim pour la restauration collective",
	'agriculture biologique': "Développement de l'agriculture biologique et de HVE",
	'economies d eau': "Sobriété dans l'utilisation de la ressource en eau",
	"economies d'eau": "Sobriété dans l'utilisation de la ressource en eau"
};

/** Frequent variants of compétence labels. */
const COMPETENCE_ALIASES: Record<string, string> = {
	energie: '90-75',
	'politique energetique': '90-75',
	photovoltaique: '90-752',
	'energie solaire': '90-752',
	eolien: '90-753',
	'mobilites douces': '90-87',
	'mobilite douce': '90-87',
	velo: '90-87',
	'transports en commun': '90-82',
	'transport public': '90-82',
	dechets: '90-72',
	'gestion des dechets': '90-721',
	eau: '90-73',
	assainissement: '90-733',
	'eau potable': '90-732',
	urbanisme: '90-51',
	amenagement: '90-51',
	'espaces verts': '90-511',
	'eclairage public': '90-512',
	logement: '90-55',
	habitat: '90-55',
	environnement: '90-71',
	biodiversite: '90-76',
	agriculture: '90-631',
	tourisme: '90-633',
	'qualite de l air': '90-74',
	"qualite de l'air": '90-74',
	voirie: '90-84',
	stationnement: '90-848',
	parkings: '90-848',
	'restauration scolaire': '90-281'
};

function levenshtein(a: string, b: string): number {
	if (a === b) return 0;
	let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(
				previous[j]! + 1,
				current[j - 1]! + 1,
				previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
			);
		}
		previous = current;
	}
	return previous[b.length]!;
}

/** The unique closest key within a small edit distance, or null. */
function closest<T>(key: string, index: ReadonlyMap<string, T>): T | null {
	let best: T | null = null;
	let bestDistance = Infinity;
	let tie = false;
	const limit = Math.max(2, Math.floor(key.length / 10));
	for (const [candidate, value] of index) {
		if (Math.abs(candidate.length - key.length) > limit) continue;
		const d = levenshtein(key, candidate);
		if (d < bestDistance) {
			best = value;
			bestDistance = d;
			tie = false;
		} else if (d === bestDistance && value !== best) tie = true;
	}
	return bestDistance <= limit && !tie ? best : null;
}

const LEVIER_INDEX = new Map(LEVIERS.map((l) => [labelKey(l), l]));
const LEVIER_ALIAS_INDEX = new Map(Object.entries(LEVIER_ALIASES).map(([k, v]) => [labelKey(k), v]));

/** The reference label of a levier as a model or a person wrote it, or null when it is not one. */
export function resolveLevier(label: string): string | null {
	const key = labelKey(label);
	if (!key) return null;
	return LEVIER_INDEX.get(key) ?? LEVIER_ALIAS_INDEX.get(key) ?? closest(key, LEVIER_INDEX);
}

/** Full labels, and the child part of "Parent > Enfant" labels when it is unique. */
const COMPETENCE_INDEX = (() => {
	const index = new Map<string, Competence>();
	const childCounts = new Map<string, number>();
	for (const c of COMPETENCES) {
		index.set(labelKey(c.libelle), c);
		const child = c.libelle.split(' > ')[1];
		if (child) childCounts.set(labelKey(child), (childCounts.get(labelKey(child)) ?? 0) + 1);
	}
	for (const c of COMPETENCES) {
		const child = c.libelle.split(' > ')[1];
		if (child && childCounts.get(labelKey(child)) === 1 && !index.has(labelKey(child)))
			index.set(labelKey(child), c);
	}
	return index;
})();
const COMPETENCE_ALIAS_INDEX = new Map(
	Object.entries(COMPETENCE_ALIASES).map(([k, code]) => [labelKey(k), COMPETENCE_BY_CODE.get(code)!])
);

/** The reference compétence of a (code, label) pair: a valid code wins, else the corrected label. */
export function resolveCompetence(item: {
	code?: string | null;
	competence?: string | null;
}): Competence | null {
	const code = item.code?.trim().replace(/^(\d{2})[.\s_]?(\d{2,3})$/, '$1-$2');
	if (code && COMPETENCE_BY_CODE.has(code)) return COMPETENCE_BY_CODE.get(code)!;
	const key = labelKey(item.competence ?? '');
	if (!key) return null;
	return COMPETENCE_INDEX.get(key) ?? COMPETENCE_ALIAS_INDEX.get(key) ?? closest(key, COMPETENCE_INDEX);
}

function clampScore(score: unknown): number {
	const n = typeof score === 'number' ? score : Number(score);
	if (!Number.isFinite(n)) return 0;
	// Some answers give percentages.
	const s = n > 1 && n <= 100 ? n / 100 : n;
	return Math.min(1, Math.max(0, Math.round(s * 1000) / 1000));
}

/** Leviers: corrected, unknown ones dropped, best score per label, above the threshold, by score. */
export function postProcessLeviers(items: readonly { levier: string; score: unknown }[]): ScoredLevier[] {
	const best = new Map<string, number>();
	for (const item of items) {
		const label = resolveLevier(item.levier);
		if (!label) continue;
		best.set(label, Math.max(best.get(label) ?? 0, clampScore(item.score)));
	}
	return [...best]
		.filter(([, score]) => score > QUALIFICATION_THRESHOLD)
		.map(([libelle, score]) => ({ libelle, score }))
		.sort((a, b) => b.score - a.score || a.libelle.localeCompare(b.libelle, 'fr'));
}

/**
 * Compétences: resolved by code or label, best score per code, above the threshold, by score,
 * at most three (the prompt asks for three at most; a parent may stay beside its sous-compétence,
 * as in Les communs' own data).
 */
export function postProcessCompetences(
	items: readonly { code?: string | null; competence?: string | null; score: unknown }[]
): ScoredCompetence[] {
	const best = new Map<string, number>();
	for (const item of items) {
		const competence = resolveCompetence(item);
		if (!competence) continue;
		best.set(competence.code, Math.max(best.get(competence.code) ?? 0, clampScore(item.score)));
	}
	return [...best]
		.filter(([, score]) => score > QUALIFICATION_THRESHOLD)
		.map(([code, score]) => ({ code, libelle: COMPETENCE_BY_CODE.get(code)!.libelle, score }))
		.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code))
		.slice(0, MAX_COMPETENCES);
}
