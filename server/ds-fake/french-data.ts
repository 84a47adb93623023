/**
 * Small French reference lists and identifier builders for realistic fake dossiers:
 * real communes with their INSEE and postal codes, départements, régions, EPCI, and
 * SIRET / IBAN numbers whose check digits are valid.
 */
import type { Rng } from './rng.ts';

/** A commune with the codes DS exposes. */
export interface CommuneRef {
	name: string;
	insee: string;
	postalCode: string;
	dept: string;
	epci: { code: string; name: string };
}

/** Communes used for addresses and commune champs. */
export const COMMUNES: readonly CommuneRef[] = [
	{
		name: 'Lyon',
		insee: '69123',
		postalCode: '69003',
		dept: '69',
		epci: { code: '200046977', name: 'Métropole de Lyon' }
	},
	{
		name: 'Villeurbanne',
		insee: '69266',
		postalCode: '69100',
		dept: '69',
		epci: { code: '200046977', name: 'Métropole de Lyon' }
	},
	{
		name: 'Vénissieux',
		insee: '69259',
		postalCode: '69200',
		dept: '69',
		epci: { code: '200046977', name: 'Métropole de Lyon' }
	},
	{
		name: 'Saint-Priest',
		insee: '69290',
		postalCode: '69800',
		dept: '69',
		epci: { code: '200046977', name: 'Métropole de Lyon' }
	},
	{
		name: 'Caluire-et-Cuire',
		insee: '69034',
		postalCode: '69300',
		dept: '69',
		epci: { code: '200046977', name: 'Métropole de Lyon' }
	},
	{
		name: 'Bourg-en-Bresse',
		insee: '01053',
		postalCode: '01000',
		dept: '01',
		epci: { code: '200071751', name: 'CA du Bassin de Bourg-en-Bresse' }
	},
	{
		name: 'Oyonnax',
		insee: '01283',
		postalCode: '01100',
		dept: '01',
		epci: { code: '200042935', name: 'Haut-Bugey Agglomération' }
	},
	{
		name: 'Grenoble',
		insee: '38185',
		postalCode: '38000',
		dept: '38',
		epci: { code: '200040715', name: 'Grenoble-Alpes-Métropole' }
	},
	{
		name: 'Vienne',
		insee: '38544',
		postalCode: '38200',
		dept: '38',
		epci: { code: '200077014', name: 'Vienne Condrieu Agglomération' }
	},
	{
		name: 'Voiron',
		insee: '38563',
		postalCode: '38500',
		dept: '38',
		epci: { code: '243800984', name: 'CA du Pays Voironnais' }
	},
	{
		name: 'Saint-Étienne',
		insee: '42218',
		postalCode: '42000',
		dept: '42',
		epci: { code: '244200770', name: 'Saint-Étienne Métropole' }
	},
	{
		name: 'Roanne',
		insee: '42187',
		postalCode: '42300',
		dept: '42',
		epci: { code: '200035731', name: 'Roannais Agglomération' }
	},
	{
		name: 'Annecy',
		insee: '74010',
		postalCode: '74000',
		dept: '74',
		epci: { code: '200066793', name: 'CA du Grand Annecy' }
	},
	{
		name: 'Chambéry',
		insee: '73065',
		postalCode: '73000',
		dept: '73',
		epci: { code: '200069110', name: 'Grand Chambéry' }
	},
	{
		name: 'Valence',
		insee: '26362',
		postalCode: '26000',
		dept: '26',
		epci: { code: '200068781', name: 'Valence Romans Agglo' }
	},
	{
		name: 'Privas',
		insee: '07186',
		postalCode: '07000',
		dept: '07',
		epci: { code: '200071413', name: 'CA Privas Centre Ardèche' }
	},
	{
		name: 'Aurillac',
		insee: '15014',
		postalCode: '15000',
		dept: '15',
		epci: { code: '241500230', name: 'CA du Bassin d’Aurillac' }
	},
	{
		name: 'Clermont-Ferrand',
		insee: '63113',
		postalCode: '63000',
		dept: '63',
		epci: { code: '246300701', name: 'Clermont Auvergne Métropole' }
	},
	{
		name: 'Paris',
		insee: '75056',
		postalCode: '75011',
		dept: '75',
		epci: { code: '200054781', name: 'Métropole du Grand Paris' }
	},
	{
		name: 'Marseille',
		insee: '13055',
		postalCode: '13001',
		dept: '13',
		epci: { code: '200054807', name: 'Métropole d’Aix-Marseille-Provence' }
	},
	{
		name: 'Toulouse',
		insee: '31555',
		postalCode: '31000',
		dept: '31',
		epci: { code: '243100518', name: 'Toulouse Métropole' }
	},
	{
		name: 'Nantes',
		insee: '44109',
		postalCode: '44000',
		dept: '44',
		epci: { code: '244400404', name: 'Nantes Métropole' }
	},
	{
		name: 'Lille',
		insee: '59350',
		postalCode: '59000',
		dept: '59',
		epci: { code: '200093201', name: 'Métropole Européenne de Lille' }
	},
	{
		name: 'Strasbourg',
		insee: '67482',
		postalCode: '67000',
		dept: '67',
		epci: { code: '246700488', name: 'Eurométropole de Strasbourg' }
	},
	{
		name: 'Bordeaux',
		insee: '33063',
		postalCode: '33000',
		dept: '33',
		epci: { code: '243300316', name: 'Bordeaux Métropole' }
	},
	{
		name: 'Rennes',
		insee: '35238',
		postalCode: '35000',
		dept: '35',
		epci: { code: '243500139', name: 'Rennes Métropole' }
	},
	{
		name: 'Dijon',
		insee: '21231',
		postalCode: '21000',
		dept: '21',
		epci: { code: '242100410', name: 'Dijon Métropole' }
	},
	{
		name: 'Montpellier',
		insee: '34172',
		postalCode: '34000',
		dept: '34',
		epci: { code: '243400017', name: 'Montpellier Méditerranée Métropole' }
	}
];

/** Départements of the communes above, with their région code. */
export const DEPARTEMENTS: readonly { code: string; name: string; region: string }[] = [
	{ code: '01', name: 'Ain', region: '84' },
	{ code: '07', name: 'Ardèche', region: '84' },
	{ code: '13', name: 'Bouches-du-Rhône', region: '93' },
	{ code: '15', name: 'Cantal', region: '84' },
	{ code: '21', name: 'Côte-d’Or', region: '27' },
	{ code: '26', name: 'Drôme', region: '84' },
	{ code: '31', name: 'Haute-Garonne', region: '76' },
	{ code: '33', name: 'Gironde', region: '75' },
	{ code: '34', name: 'Hérault', region: '76' },
	{ code: '35', name: 'Ille-et-Vilaine', region: '53' },
	{ code: '38', name: 'Isère', region: '84' },
	{ code: '42', name: 'Loire', region: '84' },
	{ code: '44', name: 'Loire-Atlantique', region: '52' },
	{ code: '59', name: 'Nord', region: '32' },
	{ code: '63', name: 'Puy-de-Dôme', region: '84' },
	{ code: '67', name: 'Bas-Rhin', region: '44' },
	{ code: '69', name: 'Rhône', region: '84' },
	{ code: '73', name: 'Savoie', region: '84' },
	{ code: '74', name: 'Haute-Savoie', region: '84' },
	{ code: '75', name: 'Paris', region: '11' }
];

/** The 18 régions. */
export const REGIONS: readonly { code: string; name: string }[] = [
	{ code: '01', name: 'Guadeloupe' },
	{ code: '02', name: 'Martinique' },
	{ code: '03', name: 'Guyane' },
	{ code: '04', name: 'La Réunion' },
	{ code: '06', name: 'Mayotte' },
	{ code: '11', name: 'Île-de-France' },
	{ code: '24', name: 'Centre-Val de Loire' },
	{ code: '27', name: 'Bourgogne-Franche-Comté' },
	{ code: '28', name: 'Normandie' },
	{ code: '32', name: 'Hauts-de-France' },
	{ code: '44', name: 'Grand Est' },
	{ code: '52', name: 'Pays de la Loire' },
	{ code: '53', name: 'Bretagne' },
	{ code: '75', name: 'Nouvelle-Aquitaine' },
	{ code: '76', name: 'Occitanie' },
	{ code: '84', name: 'Auvergne-Rhône-Alpes' },
	{ code: '93', name: 'Provence-Alpes-Côte d’Azur' },
	{ code: '94', name: 'Corse' }
];

/** Countries offered by the Pays champ (ISO 3166 alpha-2). */
export const PAYS: readonly { code: string; name: string }[] = [
	{ code: 'FR', name: 'France' },
	{ code: 'BE', name: 'Belgique' },
	{ code: 'CH', name: 'Suisse' },
	{ code: 'DE', name: 'Allemagne' },
	{ code: 'IT', name: 'Italie' },
	{ code: 'ES', name: 'Espagne' },
	{ code: 'PT', name: 'Portugal' },
	{ code: 'MA', name: 'Maroc' },
	{ code: 'DZ', name: 'Algérie' },
	{ code: 'TN', name: 'Tunisie' },
	{ code: 'SN', name: 'Sénégal' },
	{ code: 'GB', name: 'Royaume-Uni' },
	{ code: 'RO', name: 'Roumanie' },
	{ code: 'PL', name: 'Pologne' }
];

/** Common French first names, with the civilité they usually go with. */
export const PRENOMS: readonly { prenom: string; civilite: 'M' | 'Mme' }[] = [
	{ prenom: 'Marie', civilite: 'Mme' },
	{ prenom: 'Camille', civilite: 'Mme' },
	{ prenom: 'Léa', civilite: 'Mme' },
	{ prenom: 'Chloé', civilite: 'Mme' },
	{ prenom: 'Manon', civilite: 'Mme' },
	{ prenom: 'Inès', civilite: 'Mme' },
	{ prenom: 'Françoise', civilite: 'Mme' },
	{ prenom: 'Nathalie', civilite: 'Mme' },
	{ prenom: 'Isabelle', civilite: 'Mme' },
	{ prenom: 'Aïcha', civilite: 'Mme' },
	{ prenom: 'Hélène', civilite: 'Mme' },
	{ prenom: 'Zoé', civilite: 'Mme' },
	{ prenom: 'Jean', civilite: 'M' },
	{ prenom: 'Pierre', civilite: 'M' },
	{ prenom: 'Nicolas', civilite: 'M' },
	{ prenom: 'Thomas', civilite: 'M' },
	{ prenom: 'Lucas', civilite: 'M' },
	{ prenom: 'Hugo', civilite: 'M' },
	{ prenom: 'Mohamed', civilite: 'M' },
	{ prenom: 'François', civilite: 'M' },
	{ prenom: 'Jérôme', civilite: 'M' },
	{ prenom: 'Stéphane', civilite: 'M' },
	{ prenom: 'Noël', civilite: 'M' },
	{ prenom: 'Gaël', civilite: 'M' }
];

/** Common French family names. */
export const NOMS: readonly string[] = [
	'Martin',
	'Bernard',
	'Dubois',
	'Thomas',
	'Robert',
	'Richard',
	'Petit',
	'Durand',
	'Leroy',
	'Moreau',
	'Simon',
	'Laurent',
	'Lefèvre',
	'Michel',
	'Garcia',
	'David',
	'Bertrand',
	'Roux',
	'Vincent',
	'Fournier',
	'Morel',
	'Girard',
	'André',
	'Mercier',
	'Dupont',
	'Lambert',
	'Bonnet',
	'François',
	'Martinez',
	'Benali',
	'Nguyen',
	'Da Silva',
	'Le Gall',
	'Müller',
	'Öztürk',
	'D’Almeida'
];

/** Street names for addresses. */
export const VOIES: readonly string[] = [
	'rue de la République',
	'avenue Jean Jaurès',
	'boulevard Voltaire',
	'rue Victor Hugo',
	'place de la Mairie',
	'chemin des Vignes',
	'rue Pasteur',
	'allée des Tilleuls',
	'impasse des Lilas',
	'rue du Général de Gaulle',
	'cours Gambetta',
	'quai Claude Bernard',
	'route de Grenoble',
	'montée de la Grande Côte',
	'rue de l’Église'
];

/** Building companies (raison sociale, NAF code and label). */
export const ENTREPRISES: readonly { nom: string; naf: string; libelleNaf: string }[] = [
	{ nom: 'ISOLATION RHÔNE-ALPES', naf: '43.29A', libelleNaf: 'Travaux d’isolation' },
	{
		nom: 'THERMIQUE SERVICES',
		naf: '43.22B',
		libelleNaf: 'Travaux d’installation d’équipements thermiques et de climatisation'
	},
	{ nom: 'MENUISERIES DU LYONNAIS', naf: '43.32A', libelleNaf: 'Travaux de menuiserie bois et PVC' },
	{ nom: 'ÉCO-RÉNOV 69', naf: '43.29A', libelleNaf: 'Travaux d’isolation' },
	{
		nom: 'CHAUFFAGE MARTIN & FILS',
		naf: '43.22B',
		libelleNaf: 'Travaux d’installation d’équipements thermiques et de climatisation'
	},
	{ nom: 'BÂTI CONFORT', naf: '41.20A', libelleNaf: 'Construction de maisons individuelles' },
	{
		nom: 'SOLAIRE DAUPHINÉ',
		naf: '43.21A',
		libelleNaf: 'Travaux d’installation électrique dans tous locaux'
	},
	{ nom: 'LES ARTISANS DU BOIS', naf: '43.32A', libelleNaf: 'Travaux de menuiserie bois et PVC' },
	{
		nom: 'ÉNERGIES NOUVELLES SAVOIE',
		naf: '43.22B',
		libelleNaf: 'Travaux d’installation d’équipements thermiques et de climatisation'
	},
	{ nom: 'COUVERTURE DURAND', naf: '43.91B', libelleNaf: 'Travaux de couverture par éléments' }
];

/** Legal forms (label, INSEE code). */
export const FORMES_JURIDIQUES: readonly { label: string; code: string }[] = [
	{ label: 'SAS, société par actions simplifiée', code: '5710' },
	{ label: 'Société à responsabilité limitée (sans autre indication)', code: '5499' },
	{ label: 'Entrepreneur individuel', code: '1000' }
];

/** Associations (for RNA champs and associations demanderesses). */
export const ASSOCIATIONS: readonly string[] = [
	'SOLIHA RHÔNE ET GRAND LYON',
	'HABITAT ET HUMANISME RHÔNE',
	'LES COMPAGNONS BÂTISSEURS AUVERGNE-RHÔNE-ALPES',
	'AGENCE LOCALE DE L’ÉNERGIE ET DU CLIMAT',
	'HESPUL',
	'ASSOCIATION DES AMIS DU VIEUX VILLEURBANNE'
];

/** Foundations (for RNF champs). */
export const FONDATIONS: readonly string[] = [
	'FONDATION ABBÉ PIERRE',
	'FONDATION DU PATRIMOINE',
	'FONDATION DE FRANCE',
	'FONDATION POUR LE LOGEMENT DES DÉFAVORISÉS'
];

/** Webmail domains for usager e-mails. */
export const EMAIL_DOMAINS: readonly string[] = [
	'gmail.com',
	'orange.fr',
	'free.fr',
	'laposte.net',
	'outlook.fr',
	'sfr.fr',
	'wanadoo.fr',
	'yahoo.fr'
];

/** Région of a département code. */
export function regionOf(deptCode: string): { code: string; name: string } {
	const dept = DEPARTEMENTS.find((d) => d.code === deptCode);
	const region = REGIONS.find((r) => r.code === dept?.region);
	return region ?? { code: '84', name: 'Auvergne-Rhône-Alpes' };
}

/** Département of a code. */
export function departementOf(code: string): { code: string; name: string } {
	const dept = DEPARTEMENTS.find((d) => d.code === code);
	return { code, name: dept?.name ?? 'Rhône' };
}

/** True when the digits pass the Luhn check (SIREN and SIRET use it). */
export function luhnValid(digits: string): boolean {
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

/** Appends the digit that makes `body` Luhn-valid. */
function withLuhnDigit(body: string): string {
	for (let d = 0; d <= 9; d++) {
		if (luhnValid(body + d)) return body + d;
	}
	throw new Error('unreachable: one Luhn digit always fits');
}

/** A SIREN (9 digits) and a SIRET of it (14 digits), both Luhn-valid. */
export function fakeSiret(rng: Rng): { siren: string; siret: string } {
	const siren = withLuhnDigit(String(rng.int(1, 9)) + rng.digits(7));
	const siret = withLuhnDigit(siren + rng.digits(4));
	return { siren, siret };
}

/** A French IBAN with a valid mod-97 key, grouped by four as users type it. */
export function fakeIban(rng: Rng): string {
	const bban = `${rng.digits(5)}${rng.digits(5)}${rng.digits(11)}${rng.digits(2)}`;
	// ISO 13616: move "FR00" to the end, letters to numbers (F=15, R=27), key = 98 - mod 97.
	const key = 98 - Number(BigInt(`${bban}152700`) % 97n);
	const iban = `FR${String(key).padStart(2, '0')}${bban}`;
	return iban.replace(/(.{4})/g, '$1 ').trim();
}

/** True when an IBAN (spaces allowed) has a valid mod-97 key. */
export function ibanValid(iban: string): boolean {
	const compact = iban.replace(/\s+/g, '');
	const moved = compact.slice(4) + compact.slice(0, 4);
	const numeric = moved.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
	return BigInt(numeric) % 97n === 1n;
}

/** Removes accents and odd characters for e-mail local parts. */
export function slug(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
}

/** A French mobile or landline number as typed by users. */
export function fakePhone(rng: Rng): string {
	const first = rng.pick(['06', '07', '04', '01', '09']);
	return [first, rng.digits(2), rng.digits(2), rng.digits(2), rng.digits(2)].join(' ');
}
