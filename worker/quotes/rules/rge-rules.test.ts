import { describe, expect, it } from 'vitest';
import { extractQuote } from '../extract/quote-extract.ts';
import { readFromText } from '../extract/read-fixtures.ts';
import { labelMatches, mockSources, qualificationTypes, rgeChecks, validOn } from './rge-rules.ts';
import type { RgeQualification } from './rule-types.ts';

const SIRET = '73282932000074';
const qualibat: RgeQualification = {
	siret: SIRET,
	code_qualification: '190233',
	nom_certificat: 'QUALIBAT-RGE',
	domaine: ["Isolation des murs par l'extérieur", 'Isolation des combles perdus'],
	date_debut: '2024-03-01',
	date_fin: '2027-02-28',
	_id: `190233-${SIRET}-2024-03-01`
};
const qualipac: RgeQualification = {
	siret: SIRET,
	code_qualification: '41777',
	nom_certificat: 'QualiPAC module Chauffage et ECS',
	domaine: ['Pompe à chaleur : chauffage'],
	date_debut: '2022-01-01',
	date_fin: '2025-12-31',
	_id: `41777-${SIRET}-2022-01-01`
};

function extraction(rge: string, date = '10/03/2026') {
	return extractQuote(
		readFromText(`ISOL SUD
SIRET : 732 829 320 00074
Qualification RGE : ${rge}
DEVIS N° 12
Date : ${date}
N° | Désignation | Qté | Unité | PU HT | TVA | Total HT
1 | Isolation des combles perdus | 80 | m² | 25,00 € | 5,5 % | 2 000,00 €
2 | PAC air/eau 8 kW | 1 | u | 9 000,00 € | 5,5 % | 9 000,00 €
`)
	);
}

describe('ADEME mapping', () => {
	it('maps domains and certificates to geste types, dates and printed numbers', () => {
		expect([
			[...qualificationTypes(qualibat)].sort(),
			[...qualificationTypes({ siret: SIRET, nom_certificat: 'Chauffage +', domaine: 'Autre' })].sort(),
			validOn(qualipac, '2026-03-10'),
			labelMatches('E-E190233', qualibat),
			labelMatches('QPAC/41777', qualibat)
		]).toStrictEqual([
			['isolation_comble_perdu', 'isolation_thermique_par_exterieur_ITE'],
			['chauffe_eau_solaire_individuel', 'chauffe_eau_thermo'],
			false,
			true,
			false
		]);
	});
});

describe('rgeChecks', () => {
	const answer = { status: 'valide' as const, qualifications: [qualibat, qualipac] };

	it('flags an expired qualification for its geste, and a geste with no qualification at all', () => {
		const out = rgeChecks(extraction('E-E190233, QPAC/41777'), answer);
		expect(out.findings.map((f) => [f.code, f.geste ?? null])).toStrictEqual([['geste_rge_hors_date', 1]]);
	});

	it('suggests the number to print when the company is qualified but cites another one', () => {
		const out = rgeChecks(extraction('QPAC/41777', '10/03/2025'), answer);
		expect(out.findings).toStrictEqual([
			{
				code: 'geste_rge_non_mentionne',
				geste: 0,
				value: 'Isolation des combles perdus',
				detail: 'Numéro à citer : QUALIBAT-RGE 190233.'
			}
		]);
	});

	it("flags a number that belongs to another company, and one not valid on the quote's date", () => {
		expect([
			rgeChecks(extraction('QB/99999'), answer).findings.map((f) => f.code),
			rgeChecks(extraction('QPAC/41777'), { status: 'valide', qualifications: [qualipac] }).findings.map(
				(f) => f.code
			)
		]).toStrictEqual([
			['rge_non_correspondant', 'geste_rge_non_mentionne', 'geste_rge_hors_date'],
			['rge_hors_date', 'geste_rge_non_correspondant', 'geste_rge_hors_date']
		]);
	});

	it('runs nothing when the source could not answer', () => {
		expect(rgeChecks(extraction('QB/1234'), { status: 'non_verifie', qualifications: [] })).toStrictEqual({
			findings: [],
			points: 0
		});
	});
});

describe('mockSources', () => {
	it('answers from the manifest mocks, and says "non vérifié" without them', async () => {
		const { rge, company } = mockSources({ ademe_historique_rge: [qualibat], sirene: 'etablissement_actif' });
		const none = mockSources({ ademe_historique_rge: 'non appelé (SIRET invalide)', sirene: 'non appelé' });
		expect([
			(await rge.lookup(SIRET)).status,
			(await rge.lookup('12345678900010')).status,
			(await company.lookup(SIRET)).status,
			(await none.rge.lookup(SIRET)).status,
			(await none.company.lookup(SIRET)).status,
			(await mockSources({ sirene: 'etablissement_ferme' }).company.lookup(SIRET)).status
		]).toStrictEqual(['valide', 'invalide', 'valide', 'non_verifie', 'non_verifie', 'invalide']);
	});
});
