import { describe, expect, it } from 'vitest';
import type { Found } from '../extract/types.ts';
import {
	dossierChecks,
	firstNames,
	jaroWinkler,
	normaliseAddress,
	sameAddress,
	type DossierMember
} from './dossier-rules.ts';

const at = { page: 1, line: 1, text: '' };
const f = (value: string | null): Found<string> | null => (value === null ? null : { value, where: at });
const member = (
	key: string,
	prenom: string | null,
	nom: string | null,
	adresse: string | null,
	company = 'Isol’Ouest',
	siret = '98765430800012'
): DossierMember => ({
	key,
	client_prenom: f(prenom),
	client_nom: f(nom),
	client_adresse: f(adresse),
	raison_sociale: f(company),
	siret: f(siret),
	chantier_adresse: null
});
const codes = (members: DossierMember[], total?: number) =>
	dossierChecks(members, total).errors.map((e) => [e.code, e.value ?? null]);

describe('normalisation and fuzzy matching', () => {
	it('splits couples and keeps composed first names whole', () => {
		expect([[...firstNames('Paul et Claire')], [...firstNames('Jean-Pierre & Marie')]]).toStrictEqual([
			['paul', 'claire'],
			['jean pierre', 'marie']
		]);
	});
	it('normalises addresses and compares them by postcode, number and street', () => {
		expect([
			normaliseAddress('3, Rue du Moulin 37000 TOURS'),
			sameAddress(
				normaliseAddress('12 bd Gambetta, 87000 Limoges'),
				normaliseAddress('12 boulevard Gambetta 87000 LIMOGES')
			),
			sameAddress(
				normaliseAddress('12 bd Gambetta, 87000 Limoges'),
				normaliseAddress('14 bd Gambetta, 87000 Limoges')
			)
		]).toStrictEqual(['3 rue du moulin 37000 tours', true, false]);
	});
	it('scores Jaro-Winkler like the reference implementation', () => {
		expect(
			[jaroWinkler('martha', 'marhta'), jaroWinkler('dubreuil', 'dubreuil'), jaroWinkler('abc', 'xyz')].map(
				(n) => Math.round(n * 1000) / 1000
			)
		).toStrictEqual([0.961, 1, 0]);
	});
});

describe('dossierChecks', () => {
	it('flags a different first name and address but not the same surname', () => {
		expect(
			codes([
				member('a', 'Thierry', 'Vasseur', '11 allée des Pins, 33600 Pessac'),
				member('b', 'Martine', 'Vasseur', '27 rue Pasteur, 33700 Mérignac')
			])
		).toStrictEqual([
			['client_prenom_incoherent', 'Thierry / Martine'],
			['client_adresse_incoherent', '11 allée des Pins, 33600 Pessac / 27 rue Pasteur, 33700 Mérignac']
		]);
	});
	it('accepts case, punctuation, a partial couple and a missing value', () => {
		expect(
			codes([
				member('a', 'Paul et Claire', 'Dubreuil', '3 rue du Moulin, 37000 Tours'),
				member('b', 'Paul et Claire', 'DUBREUIL', '3, rue du Moulin 37000 TOURS'),
				member('c', 'Paul', 'Dubreuil', '3 r. du Moulin, 37000 Tours'),
				member('d', null, 'Dubreuil', null)
			])
		).toStrictEqual([]);
	});
	it('does not take Jeanne for Jean, and flags one company with two SIRETs', () => {
		expect(
			codes([
				member('a', 'Jean', 'Roux', '1 place du Marché 75001 Paris'),
				member('b', 'Jeanne', 'Roux', '1 place du Marché 75001 Paris', 'ISOL’OUEST', '98765430800020')
			])
		).toStrictEqual([
			['client_prenom_incoherent', 'Jean / Jeanne'],
			['x_entreprise_incoherente', '98765430800012 / 98765430800020']
		]);
	});
	it('refuses a dossier of more than 20 quotes as a whole', () => {
		const many = Array.from({ length: 21 }, (_, i) => member(`q${i}`, `Prénom${i}`, 'Nom', null));
		expect(codes(many)).toStrictEqual([['x_dossier_trop_de_devis', '21 devis']]);
	});
});
