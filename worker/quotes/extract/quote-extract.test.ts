import { describe, expect, it } from 'vitest';
import {
	classifyItem,
	extractQuote,
	matchGesteType,
	parseClientName,
	parsePriceTail,
	type Extraction
} from './index.ts';
import { readFromRows, readFromText } from './read-fixtures.ts';

/** The extraction without provenance: what an agent reads. */
function summary(ex: Extraction) {
	const v = <T>(f: { value: T } | null) => (f ? f.value : null);
	const a = ex.admin;
	return {
		admin: {
			document_type: v(a.document_type),
			numero_devis: v(a.numero_devis),
			date_devis: v(a.date_devis),
			validite: v(a.validite),
			date_fin_validite: v(a.date_fin_validite),
			date_pre_visite: v(a.date_pre_visite),
			date_debut_chantier: v(a.date_debut_chantier),
			delai_debut_chantier: v(a.delai_debut_chantier),
			raison_sociale: v(a.raison_sociale),
			forme_juridique: v(a.forme_juridique),
			capital: v(a.capital),
			siret: v(a.siret),
			rcs: v(a.rcs),
			rcs_ville: v(a.rcs_ville),
			rne: v(a.rne),
			numero_tva: v(a.numero_tva),
			pro_adresse: v(a.pro_adresse),
			assurance: a.assurance !== null,
			rge_labels: a.rge_labels.map((r) => r.value),
			client: [v(a.client_civilite), v(a.client_prenom), v(a.client_nom), v(a.client_adresse)],
			chantier: [v(a.chantier_adresse), v(a.chantier_idem_client)],
			totaux: [
				v(a.prix_total_ht),
				v(a.prix_total_ttc),
				a.tva.map((t) => [t.taux_tva, t.base_ht, t.montant_tva])
			],
			tva_non_applicable: a.tva_non_applicable !== null,
			entrepreneur_individuel: v(a.entrepreneur_individuel),
			separation_fourniture_pose: v(a.separation_fourniture_pose),
			aides: a.aides
		},
		gestes: ex.gestes.map((g) => ({
			type: g.type,
			intitule: g.intitule,
			section: g.section,
			prix: [g.quantite, g.unite, g.prix_unitaire_ht, g.prix_ht, g.taux_tva],
			values: Object.fromEntries(Object.entries(g.values).map(([k, val]) => [k, val!.number ?? val!.text]))
		})),
		hors_geste: ex.lignes_hors_geste.map((l) => [l.intitule, l.prix_ht])
	};
}

describe('a two-column header with the client on the left, VAT codes and sections per room', () => {
	const read = readFromRows([
		[
			{ x: 40, cells: ['Madame Marie DURAND', 'ÉCO-CHAUFFAGE LYONNAIS'], size: 11 },
			{ x: 40, cells: ['14 rue des Lilas', 'SAS au capital social de 50.000,00 €'] },
			{ x: 40, cells: ['69003 LYON', 'Siège : 8, avenue Jean Jaurès – 69007 Lyon'] },
			{ x: 40, cells: ['Tél : 06 12 34 56 78', 'SIRET 732 829 320 00074 - R.C.S. Lyon B 732 829 320'] },
			{ x: 330, cells: ['TVA intracom. FR 44 732829320'] },
			{ x: 330, cells: ['Assurance décennale AXA France, contrat n° 1234567, couverture : France entière'] },
			{ x: 330, cells: ['Qualification QualiPAC RGE n° QPAC/55555 valable jusqu’au 31/12/2027'] },
			{ x: 40, cells: ['DEVIS N° : 2026-0042'], size: 14 },
			{ x: 40, cells: ['Établi le 12 mars 2026 – Validité de l’offre : 90 jours'] },
			{ x: 40, cells: ['Date de la visite technique : 2026-03-05'] },
			{ x: 40, cells: ['Lieu d’intervention : même adresse que le client'] },
			{ x: 40, cells: ['Démarrage des travaux : sous 6 semaines après acceptation'] },
			{ x: 40, cells: ['Réf.', 'Description', 'Unité', 'Qté', 'Prix U. HT', 'Montant HT', 'TVA'] },
			{ x: 40, cells: ['Séjour'] },
			{
				x: 40,
				cells: ['A1', 'Pompe à chaleur air-eau Thermor Aéromax 8 kW', 'U', '1', '8.900,00', '8.900,00', 'A']
			},
			{
				x: 70,
				cells: [
					'Fabricant : Thermor (fictive) ; Modèle : Aéromax 8 ; Puissance calorifique : 8 kW ; ηs = 130 % ;'
				]
			},
			{
				x: 70,
				cells: ['COP à +7 °C : 4,8 ; Réfrigérant : R-32 ; Température de départ : basse température ;']
			},
			{ x: 70, cells: ['En remplacement d’une chaudière gaz non condensation'] },
			{
				x: 40,
				cells: [
					'A2',
					'Main-d’œuvre installation et mise en service',
					'Forfait',
					'1',
					'1.500,00',
					'1.500,00',
					'A'
				]
			},
			{ x: 40, cells: ['A3', 'Évacuation des déchets', 'Forfait', '1', '150,00', '150,00', 'B'] },
			{ x: 40, cells: ['Montant total HT', '10.550,00 €'] },
			{ x: 40, cells: ['A : TVA 5,5 % sur 10.400,00', '572,00 €'] },
			{ x: 40, cells: ['B : TVA 10 % sur 150,00', '15,00 €'] },
			{ x: 40, cells: ['Net à payer TTC', '11.137,00 €'] },
			{ x: 40, cells: ['Aides : MaPrimeRénov’ et prime CEE (montants estimatifs non déduits)'] },
			{ x: 40, cells: ['Fait à Lyon, le 12/03/2026', 'Bon pour accord'] }
		]
	]);

	it('reads the administrative block by its labels', () => {
		expect(summary(extractQuote(read)).admin).toStrictEqual({
			document_type: 'devis',
			numero_devis: '2026-0042',
			date_devis: '2026-03-12',
			validite: '90 jours',
			date_fin_validite: '2026-06-10',
			date_pre_visite: '2026-03-05',
			date_debut_chantier: null,
			delai_debut_chantier: 'sous 6 semaines après acceptation',
			raison_sociale: 'ÉCO-CHAUFFAGE LYONNAIS',
			forme_juridique: 'SAS',
			capital: '50.000,00 €',
			siret: '73282932000074',
			rcs: '732 829 320',
			rcs_ville: 'Lyon',
			rne: null,
			numero_tva: 'FR44732829320',
			pro_adresse: '8, avenue Jean Jaurès, 69007 Lyon',
			assurance: true,
			rge_labels: ['QPAC/55555'],
			client: ['Madame', 'Marie', 'DURAND', '14 rue des Lilas, 69003 LYON'],
			chantier: [null, true],
			totaux: [
				10550,
				11137,
				[
					[5.5, 10400, 572],
					[10, 150, 15]
				]
			],
			tva_non_applicable: false,
			entrepreneur_individuel: null,
			separation_fourniture_pose: true,
			aides: ['MaPrimeRénov’', 'CEE']
		});
	});

	it('reads the geste with its room, VAT code and unlabelled values; labour and disposal are not gestes', () => {
		const s = summary(extractQuote(read));
		expect({ gestes: s.gestes, hors_geste: s.hors_geste }).toStrictEqual({
			gestes: [
				{
					type: 'pac_air_eau',
					intitule: 'Pompe à chaleur air-eau Thermor Aéromax 8 kW',
					section: 'Séjour',
					prix: [1, 'u', 8900, 8900, 5.5],
					values: {
						marque: 'Thermor (fictive)',
						reference: 'Aéromax 8',
						puissance: 8,
						etas: 130,
						cop: 4.8,
						type_fluide_frigorigene: 'R-32',
						regime_temperature: 'basse température',
						remplacement_chaudiere_condensation: 'En remplacement d’une chaudière gaz non condensation'
					}
				}
			],
			hors_geste: [
				['Main-d’œuvre installation et mise en service', 1500],
				['Évacuation des déchets', 150]
			]
		});
	});

	it('keeps where each value was read', () => {
		const ex = extractQuote(read);
		expect([ex.admin.siret?.where, ex.gestes[0]!.values.cop?.where]).toStrictEqual([
			{ page: 1, line: 4, text: 'Tél : 06 12 34 56 78  SIRET 732 829 320 00074 - R.C.S. Lyon B 732 829 320' },
			{
				page: 1,
				line: 17,
				text: 'COP à +7 °C : 4,8 ; Réfrigérant : R-32 ; Température de départ : basse température ;'
			}
		]);
	});
});

describe('a plain-text devis of a sole trader with labelled client lines and numbered lines', () => {
	const text = `ISOL+ NORD
Entreprise individuelle - 17 rue Faidherbe - 59800 Lille
SIREN 404 833 048 - RM 404 833 048 Lille - TVA non applicable, art. 293 B du CGI
Assurance RC décennale : MAAF Pro, police 99-1234, valable en France métropolitaine
Certibat RGE n° 12-345

DEVIS N° D-2026/118                 Date : 12.03.2026
Durée de validité : 2 mois
Visite préalable le 02.03.2026
Date de début des travaux : 06/04/2026

Client
Nom : DUPONT
Prénom : Jean-Pierre
Civilité : M.
Adresse : 5 place de la Mairie 59000 Lille
Adresse du chantier : 12 chemin du Bois 59650 Villeneuve-d'Ascq

Désignation                                   Quantité   Unité   P.U. HT     Total HT
1. Isolation des combles perdus en ouate de cellulose soufflée      95,5   m2   24,00 €   2 292,00 €
   Marque : Ouatéco (fictive)  Référence : Soufflo 45
   Épaisseur 320 mm - R = 7,5 m².K/W (certificat ACERMI n° 12/345/678)
2. Fenêtre oscillo-battante PVC - Chambre 2      2   u   650,00 €   1 300,00 €
   Marque Menuis+ (fictive), modèle Clair 70, double vitrage 4/20/4 argon
   Uw 1,2 W/m².K ; Sw 0,42 ; pose en rénovation au nu intérieur
3. Forfait pose fenêtres      1   forfait   300,00 €   300,00 €
4. Déplacement      1   forfait   45,00 €   45,00 €

TOTAL H.T. : 3 937,00 €
TVA non applicable, art. 293 B du CGI
NET A PAYER : 3 937,00 €
`;

	it('reads the company, the RM number with its city and the VAT exemption', () => {
		expect(summary(extractQuote(readFromText(text))).admin).toStrictEqual({
			document_type: 'devis',
			numero_devis: 'D-2026/118',
			date_devis: '2026-03-12',
			validite: '2 mois',
			date_fin_validite: '2026-05-12',
			date_pre_visite: '2026-03-02',
			date_debut_chantier: '2026-04-06',
			delai_debut_chantier: null,
			raison_sociale: 'ISOL+ NORD',
			forme_juridique: 'Entrepreneur individuel',
			capital: null,
			siret: '404833048',
			rcs: null,
			rcs_ville: 'Lille',
			rne: 'RM 404 833 048',
			numero_tva: null,
			pro_adresse: '17 rue Faidherbe, 59800 Lille',
			assurance: true,
			rge_labels: ['12-345'],
			client: ['M.', 'Jean-Pierre', 'DUPONT', '5 place de la Mairie 59000 Lille'],
			chantier: ["12 chemin du Bois 59650 Villeneuve-d'Ascq", null],
			totaux: [3937, 3937, []],
			tva_non_applicable: true,
			entrepreneur_individuel: true,
			separation_fourniture_pose: true,
			aides: []
		});
	});

	it('reads values written without colons, thickness in mm and the window room from its label', () => {
		const s = summary(extractQuote(readFromText(text)));
		expect({ gestes: s.gestes, hors_geste: s.hors_geste }).toStrictEqual({
			gestes: [
				{
					type: 'isolation_comble_perdu',
					intitule: 'Isolation des combles perdus en ouate de cellulose soufflée',
					section: null,
					prix: [95.5, 'm²', 24, 2292, null],
					values: {
						marque: 'Ouatéco (fictive)',
						reference: 'Soufflo 45',
						resistance_thermique: 7.5,
						epaisseur: 32,
						acermi: '12/345/678',
						surface: 95.5
					}
				},
				{
					type: 'menuiserie_fenetre',
					intitule: 'Fenêtre oscillo-battante PVC - Chambre 2',
					section: null,
					prix: [2, 'u', 650, 1300, null],
					values: {
						uw: 1.2,
						sw: 0.42,
						type_materiau: 'PVC',
						type_vitrage: 'double vitrage 4/20/4 argon',
						type_pose: 'pose en rénovation',
						position_paroi: 'nu intérieur',
						localisation: 'Chambre 2',
						marque: 'Menuis+ (fictive)',
						reference: 'Clair 70'
					}
				}
			],
			hors_geste: [
				['Forfait pose fenêtres', 300],
				['Déplacement', 45]
			]
		});
	});
});

describe('a header whose two columns were joined by a single space', () => {
	it('still finds the number and the date in the middle of a line, not the policy number', () => {
		const ex = extractQuote(
			readFromRows([
				[
					{ x: 40, cells: ['Thermi-Rénov Atlantique DEVIS'] },
					{ x: 40, cells: ['Assurance : Garantie décennale n° DEC-2024-88123 - Mutuelle (fictive)'] },
					{ x: 40, cells: ['44000 Nantes N° DV-2025-0412'] },
					{ x: 40, cells: ['Tél. 02 40 00 11 22 – contact@thermi-renov.example Date : 14/03/2025'] },
					{ x: 40, cells: ['Visite technique préalable : 07/03/2025'] }
				]
			])
		);
		expect([
			ex.admin.raison_sociale?.value,
			ex.admin.numero_devis?.value,
			ex.admin.date_devis?.value
		]).toStrictEqual(['Thermi-Rénov Atlantique', 'DV-2025-0412', '2025-03-14']);
	});
});

describe('a designation on two lines', () => {
	it('takes the prices printed on the second line for the line above', () => {
		const ex = extractQuote(
			readFromRows([
				[
					{ x: 40, cells: ['N°', 'Désignation', 'Qté', 'PU HT', 'TVA', 'Total HT'] },
					{ x: 40, cells: ['1', 'Pompe à chaleur air/eau basse température'] },
					{ x: 60, cells: ['Caloria HydroAir 11 BT', '1', '9 800,00 €', '5,5 %', '9 800,00 €'] },
					{ x: 60, cells: ['Marque : Caloria (fictive) – Référence : HydroAir 11 BT'] },
					{ x: 40, cells: ['2', 'Pose et mise en service', '1', '2 200,00 €', '5,5 %', '2 200,00 €'] },
					{ x: 40, cells: ['Total HT', '12 000,00 €'] }
				]
			])
		);
		expect(
			ex.gestes.map((g) => [g.type, g.intitule, g.quantite, g.prix_ht, g.values.marque?.text])
		).toStrictEqual([
			['pac_air_eau', 'Pompe à chaleur air/eau basse température', 1, 9800, 'Caloria (fictive)']
		]);
	});
});

describe('parsePriceTail', () => {
	it('takes a numeric VAT code between two amounts for a code, not a quantity', () => {
		const p = parsePriceTail('Isolation  85 m²  28,00  1  2 380,00', new Set(['1', '2']));
		expect([p.quantite, p.unite, p.prix_unitaire_ht, p.code_tva, p.prix_ht]).toStrictEqual([
			85,
			'm²',
			28,
			'1',
			2380
		]);
	});

	it('reads columns from the right whatever their order', () => {
		const pick = (t: string) => {
			const p = parsePriceTail(t, new Set(['A']));
			return [p.head, p.quantite, p.unite, p.prix_unitaire_ht, p.prix_ht, p.taux_tva ?? p.code_tva];
		};
		expect([
			pick('PAC air/eau  1 u  9 800,00 €  5,5 %  9 800,00 €'),
			pick('Laine soufflée  m²  85  28,00  2 380,00  A'),
			pick('Fenêtre PVC  2  650,00 €  1 300,00 €  10 %'),
			pick('Volets x4  5,5%  2640,00 € |'),
			pick('PAC  1|u  2300,00€)  55%  2 300,00 €'),
			pick('Résistance thermique R = 6,5'),
			pick('Poêle 8 kW  1  3 900,00  5,50  3 900,00')
		]).toStrictEqual([
			['PAC air/eau', 1, 'u', 9800, 9800, 5.5],
			['Laine soufflée', 85, 'm²', 28, 2380, 'A'],
			['Fenêtre PVC', 2, null, 650, 1300, 10],
			['Volets x4', null, null, null, 2640, 5.5],
			['PAC', 1, 'u', 2300, 2300, 5.5],
			['Résistance thermique R = 6,5', null, null, null, null, null],
			['Poêle 8 kW', 1, null, 3900, 3900, 5.5]
		]);
	});
});

describe('names and types', () => {
	it('splits client names: civility, first names, surname with particles or in capitals', () => {
		expect(
			[
				'M. Yannick Le Goff',
				'M. et Mme Paul et Claire Dubreuil',
				'Mme DURAND Marie',
				'Dubreuil',
				'Monsieur Jean-Pierre de La Fontaine'
			].map(parseClientName)
		).toStrictEqual([
			{ civilite: 'M.', prenom: 'Yannick', nom: 'Le Goff' },
			{ civilite: 'M. et Mme', prenom: 'Paul et Claire', nom: 'Dubreuil' },
			{ civilite: 'Mme', prenom: 'Marie', nom: 'DURAND' },
			{ civilite: null, prenom: null, nom: 'Dubreuil' },
			{ civilite: 'Monsieur', prenom: 'Jean-Pierre', nom: 'de La Fontaine' }
		]);
	});
	it('names geste types from labels in many wordings', () => {
		expect(
			[
				'pompe a chaleur air-eau',
				'pac air/air multisplit',
				'vmc double flux',
				'vmc hygro b',
				'porte-fenetre pvc',
				'fenetre de toit',
				'isolation sous rampants',
				'doublage isolant des murs',
				'ite facades',
				'chauffe-eau thermodynamique 200 l',
				'chaudiere a granules',
				'insert bois',
				'meubles de cuisine',
				'meubles hauts chene 6 portes',
				"fourniture et pose d'une porte d'entree",
				'store interieur pour fenetre'
			].map(matchGesteType)
		).toStrictEqual([
			'pac_air_eau',
			'pac_air_air',
			'vmc_double_flux',
			'vmc_simple_flux',
			'menuiserie_porte',
			'menuiserie_fenetre_toit',
			'isolation_rampants_toiture',
			'isolation_thermique_par_interieur_ITI',
			'isolation_thermique_par_exterieur_ITE',
			'chauffe_eau_thermo',
			'chaudiere_biomasse',
			'poele_insert',
			null,
			null,
			'menuiserie_porte',
			null
		]);
	});
	it('leaves labour, scaffolding and travel out of the gestes, but keeps supply-and-install lines', () => {
		const item = (intitule: string) => ({
			intitule,
			section: null,
			description: intitule,
			quantite: null,
			unite: null,
			prix_unitaire_ht: null,
			prix_ht: 1,
			taux_tva: null,
			where: { page: 1, line: 1, text: intitule },
			lines: []
		});
		expect(
			[
				'Pose et mise en service PAC',
				'Échafaudage',
				'Frais de déplacement',
				'Fourniture et pose d’une PAC air/eau',
				'Dépose des menuiseries existantes',
				'Liaisons frigorifiques PAC'
			].map((t) => classifyItem(item(t)))
		).toStrictEqual([null, null, null, 'pac_air_eau', null, null]);
	});
});
