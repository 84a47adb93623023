import { describe, expect, test } from 'vitest';
import { dateCell, dateTimeCell, decimalCell, fieldCells, integerCell } from './champ-values.ts';
import type { DsChamp, DsDescriptor } from './ds-types.ts';
import { buildFormPlan } from './form-plan.ts';
import { champIdOf } from './testing.ts';

/** One descriptor per DS type, stable ids 1…n. */
const TYPES = [
	'Text',
	'Textarea',
	'Email',
	'IntegerNumber',
	'Number',
	'DecimalNumber',
	'Date',
	'Datetime',
	'Checkbox',
	'YesNo',
	'Civilite',
	'DropDownList',
	'MultipleDropDownList',
	'LinkedDropDownList',
	'PieceJustificative',
	'TitreIdentite',
	'Address',
	'Commune',
	'Departement',
	'Region',
	'Pays',
	'Epci',
	'Siret',
	'RNA',
	'RNF',
	'DossierLink',
	'Carte',
	'EngagementJuridique',
	'Repetition',
	'Quantique'
] as const;

const descriptors: DsDescriptor[] = TYPES.map((t, i) => ({
	__typename: `${t}ChampDescriptor`,
	id: champIdOf(i + 1),
	label: `Champ ${t}`,
	options: t === 'DropDownList' || t === 'MultipleDropDownList' ? ['Oui', 'Non', 'Peut-être'] : undefined,
	champDescriptors:
		t === 'Repetition' ? [{ __typename: 'TextChampDescriptor', id: champIdOf(100), label: 'Nom' }] : undefined
}));

const plan = buildFormPlan({
	id: 'UHJvY2VkdXJlLTQy',
	number: 42,
	title: 'Essai',
	state: 'publiee',
	dateDerniereModification: '2026-01-01T00:00:00+01:00',
	activeRevision: { id: 'R1' },
	revisions: [
		{
			id: 'R1',
			dateCreation: '2026-01-01T00:00:00+01:00',
			champDescriptors: descriptors,
			annotationDescriptors: []
		}
	],
	groupeInstructeurs: [],
	labels: []
});

const field = (t: (typeof TYPES)[number]) => plan.champs[TYPES.indexOf(t)]!;
const champ = (t: (typeof TYPES)[number], typename: string, values: Partial<DsChamp>): DsChamp => ({
	__typename: typename,
	id: champIdOf(TYPES.indexOf(t) + 1),
	champDescriptorId: champIdOf(TYPES.indexOf(t) + 1),
	stringValue: null,
	...values
});

describe('cell conversions', () => {
	test('dates, date-times, BigInt and decimals become Grist cells', () => {
		expect([
			dateCell('2026-03-29'),
			dateCell('pas une date'),
			dateTimeCell('2026-03-29T10:15:00+02:00'),
			dateTimeCell(null),
			integerCell('42'),
			integerCell('-7'),
			integerCell('123456789012345678901'),
			integerCell(''),
			decimalCell(12.5),
			decimalCell('1234,50'),
			decimalCell('n/a')
		]).toStrictEqual([
			1_774_742_400,
			null,
			1_774_772_100,
			null,
			42,
			-7,
			'123456789012345678901',
			null,
			12.5,
			1234.5,
			'n/a'
		]);
	});
});

describe('every champ type maps to its cells', () => {
	const cases: [(typeof TYPES)[number], DsChamp, Record<string, unknown>][] = [
		[
			'Text',
			champ('Text', 'TextChamp', { textValue: 'Bonjour', stringValue: 'Bonjour' }),
			{ champ_1: 'Bonjour' }
		],
		['Textarea', champ('Textarea', 'TextChamp', { textValue: 'L1\nL2' }), { champ_2: 'L1\nL2' }],
		['Email', champ('Email', 'TextChamp', { textValue: '' }), { champ_3: null }],
		[
			'IntegerNumber',
			champ('IntegerNumber', 'IntegerNumberChamp', { integerValue: '1200' }),
			{ champ_4: 1200 }
		],
		[
			'Number',
			champ('Number', 'IntegerNumberChamp', { integerValue: '9007199254740993' }),
			{ champ_5: '9007199254740993' }
		],
		[
			'DecimalNumber',
			champ('DecimalNumber', 'DecimalNumberChamp', { decimalValue: 3.14 }),
			{ champ_6: 3.14 }
		],
		['Date', champ('Date', 'DateChamp', { date: '2026-01-15' }), { champ_7: 1_768_435_200 }],
		[
			'Datetime',
			champ('Datetime', 'DatetimeChamp', { datetime: '2026-01-15T09:30:00+01:00' }),
			{ champ_8: 1_768_465_800 }
		],
		['Checkbox', champ('Checkbox', 'CheckboxChamp', { checked: true }), { champ_9: true }],
		['YesNo', champ('YesNo', 'YesNoChamp', { yesNo: null }), { champ_10: null }],
		['Civilite', champ('Civilite', 'CiviliteChamp', { civilite: 'Mme' }), { champ_11: 'Mme' }],
		[
			'DropDownList',
			champ('DropDownList', 'DropDownListChamp', { choice: 'Autre réponse' }),
			{ champ_12: 'Autre réponse' }
		],
		[
			'MultipleDropDownList',
			champ('MultipleDropDownList', 'MultipleDropDownListChamp', { values: ['Oui', 'Peut-être'] }),
			{ champ_13: ['L', 'Oui', 'Peut-être'] }
		],
		[
			'LinkedDropDownList',
			champ('LinkedDropDownList', 'LinkedDropDownListChamp', {
				primaryValue: 'Fruits',
				secondaryValue: 'Pomme'
			}),
			{ champ_14: 'Fruits / Pomme' }
		],
		[
			'PieceJustificative',
			champ('PieceJustificative', 'PieceJustificativeChamp', {
				files: [{ filename: 'rib.pdf' }, { filename: 'statuts.pdf' }]
			}),
			{ champ_15: 'rib.pdf, statuts.pdf' }
		],
		['TitreIdentite', champ('TitreIdentite', 'TitreIdentiteChamp', { filled: true }), { champ_16: true }],
		[
			'Address',
			champ('Address', 'AddressChamp', {
				address: {
					label: '20 avenue de Ségur 75007 Paris',
					postalCode: '75007',
					cityName: 'Paris',
					cityCode: '75107',
					departmentCode: '75',
					departmentName: 'Paris'
				}
			}),
			{
				champ_17: '20 avenue de Ségur 75007 Paris',
				champ_17_code_postal: '75007',
				champ_17_code_insee: '75107',
				champ_17_departement: '75 – Paris'
			}
		],
		[
			'Commune',
			champ('Commune', 'CommuneChamp', { commune: { name: 'Lyon', code: '69123', postalCode: '69001' } }),
			{ champ_18: 'Lyon', champ_18_code_insee: '69123', champ_18_code_postal: '69001' }
		],
		[
			'Departement',
			champ('Departement', 'DepartementChamp', { departement: { code: '2A', name: 'Corse-du-Sud' } }),
			{ champ_19: '2A – Corse-du-Sud' }
		],
		[
			'Region',
			champ('Region', 'RegionChamp', { region: { code: '84', name: 'Auvergne-Rhône-Alpes' } }),
			{ champ_20: 'Auvergne-Rhône-Alpes' }
		],
		[
			'Pays',
			champ('Pays', 'PaysChamp', { pays: { code: 'BE', name: 'Belgique' } }),
			{ champ_21: 'Belgique' }
		],
		[
			'Epci',
			champ('Epci', 'EpciChamp', { epci: { code: '200046977', name: 'Métropole de Lyon' } }),
			{ champ_22: 'Métropole de Lyon', champ_22_code: '200046977' }
		],
		[
			'Siret',
			champ('Siret', 'SiretChamp', {
				etablissement: { siret: '01234567890123', entreprise: { raisonSociale: 'ACME' } }
			}),
			{ champ_23: '01234567890123', champ_23_raison_sociale: 'ACME' }
		],
		[
			'RNA',
			champ('RNA', 'RNAChamp', { rna: { id: 'W751234567', title: 'Les Amis' } }),
			{ champ_24: 'W751234567', champ_24_titre: 'Les Amis' }
		],
		[
			'RNF',
			champ('RNF', 'RNFChamp', { rnf: null, stringValue: '075-FDD-00001-01' }),
			{ champ_25: '075-FDD-00001-01', champ_25_titre: null }
		],
		[
			'DossierLink',
			champ('DossierLink', 'DossierLinkChamp', { dossier: { number: 1234 } }),
			{ champ_26: 1234 }
		],
		[
			'Carte',
			champ('Carte', 'CarteChamp', {
				geoAreas: [
					{
						source: 'cadastre',
						commune: '75107',
						section: 'AB',
						numero: '12',
						prefixe: '000',
						surface: '350'
					},
					{ source: 'selection_utilisateur', description: 'Zone humide' }
				]
			}),
			{ champ_27: 'Parcelle 000 AB 12 (75107), 350 m² ; Zone humide' }
		],
		[
			'EngagementJuridique',
			champ('EngagementJuridique', 'EngagementJuridiqueChamp', {
				engagementJuridique: { montantEngage: '1500.50', montantPaye: null }
			}),
			{ champ_28_montant_engage: 1500.5, champ_28_montant_paye: null }
		],
		[
			'Repetition',
			champ('Repetition', 'RepetitionChamp', {
				rows: [
					{ id: 'r1', champs: [] },
					{ id: 'r2', champs: [] }
				]
			}),
			{ champ_29: 2 }
		],
		[
			'Quantique',
			champ('Quantique', 'QuantiqueChamp', { stringValue: 'valeur future' }),
			{ champ_30: 'valeur future' }
		]
	];

	test.each(cases)('%s', (type, value, expected) => {
		expect(fieldCells(field(type), value)).toStrictEqual(expected);
	});

	test('a champ hidden by a condition empties every column of its field', () => {
		expect(fieldCells(field('Address'), undefined)).toStrictEqual({
			champ_17: null,
			champ_17_code_postal: null,
			champ_17_code_insee: null,
			champ_17_departement: null
		});
	});

	test('every type is covered by a case', () => {
		expect(cases.map((c) => c[0])).toStrictEqual([...TYPES]);
	});
});
