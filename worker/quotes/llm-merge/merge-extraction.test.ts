import { describe, expect, it } from 'vitest';
import { anonymise, restoreDeep } from '../../anonymise/index.ts';
import { extractQuote } from '../extract/index.ts';
import { plainTextLines, type ReadResult } from '../read/index.ts';
import { runRules } from '../rules/index.ts';
import { llmQuoteSchema, normaliseGesteType, type LlmQuoteExtraction } from './llm-quote-schema.ts';
import { mergeLlmExtraction } from './merge-extraction.ts';

/** Corpus quote Q25 with its pre-visit date, VAT number and caisson class removed, and a CET line the rules do not recognise. */
const TEXT = `Ventil'Air Pro
40 bd du Roi René
49100 Angers

SARL au capital de 8 000 € - SIRET : 93304180800017 - RCS Angers 933 041 808
Qualification RGE : VPLUS/49811

DEVIS N° VAP-25-260
Date : 14/03/2025
Devis valable 3 mois

Client :
M. Yannick Le Goff
5 impasse des Mouettes
29200 Brest

Début prévisionnel des travaux : 12/05/2025
Objet : installation d'une VMC double flux

N° | Désignation | Qté | Unité | PU HT | TVA | Total HT
1 | VMC double flux | 1 | u | 4 600,00 € | 5,5 % | 4 600,00 €
    Type : VMC double flux avec échangeur
    Caisson : marque Aerolia (fictive)
    Référence caisson : DF 300
    Bouches d'extraction : marque Aerolia
    Réf. bouches d'extraction : BE 125
    Nombre de bouches d'extraction : 3
    Puissance absorbée pondérée : 24 W-Th-C
    Bouches de soufflage : marque Aerolia
    Réf. bouches de soufflage : BS 125
    Nombre de bouches de soufflage : 4
    Emplacement des bouches de soufflage : séjour, 3 chambres
2 | Fourniture Aquapac 270 (fictive) | 1 | u | 2 300,00 € | 5,5 % | 2 300,00 €
3 | Main d'œuvre : pose du caisson, des gaines et des bouches, mise en service | 1 | forfait | 900,00 € | 5,5 % | 900,00 €

Total HT : 7 800,00 €
TVA 5,5 % : 429,00 €
Total TTC : 8 229,00 €`;

function readText(text: string): ReadResult {
	const lines = plainTextLines(text, 1);
	return {
		format: 'text',
		pageCount: 1,
		ocrPages: 0,
		warnings: [],
		pages: [
			{ number: 1, source: 'text', text: lines.map((l) => l.text).join('\n'), lines, rotation: 0, cgv: false }
		]
	};
}

/** What a model answers for the anonymised text (as JSON, before validation). */
const ANSWER = {
	type_fichier: 'devis',
	numero_devis: 'AUTRE-NUMERO',
	date_devis: '2025-03-14',
	date_pre_visite: '07/03/2025',
	date_debut_chantier: null,
	delai_debut_chantier: null,
	separation_prix_fourniture_pose: true,
	prix_total_ht: '7 800,00',
	prix_total_ttc: 8229,
	pro: {
		raison_sociale: "Ventil'Air Pro",
		forme_juridique: 'SARL',
		capital: '8 000 €',
		siret: '93304180800018',
		numero_tva: 'FR00933041808',
		rcs: null,
		rcs_ville: null,
		rne: null,
		assurance: null,
		rge_labels: ['VPLUS/49811', 'QPAC/41234']
	},
	client: { civilite: 'M.', nom: '[NOM_1]', prenom: null, adresse: '[ADRESSE_2]' },
	gestes: [
		{
			type: 'vmc_double_flux',
			intitule: 'VMC double flux',
			quantite: 1,
			unite: 'u',
			prix_unitaire_ht: 4600,
			prix_ht: 4600,
			taux_tva: 5.5,
			valeurs: [
				{ champ: 'reference_caisson', valeur: 'DF 999' },
				{ champ: 'classe_caisson', valeur: 'A' },
				{ champ: 'uw', valeur: '1,3' }
			],
			citation: '1 | VMC double flux | 1 | u | 4 600,00 € | 5,5 % | 4 600,00 €'
		},
		{
			type: 'Chauffe-eau thermodynamique',
			intitule: 'Fourniture Aquapac 270 (fictive)',
			quantite: 1,
			unite: 'u',
			prix_unitaire_ht: '2 300,00 €',
			prix_ht: 2300,
			taux_tva: '5,5 %',
			valeurs: [
				{ champ: 'volume', valeur: '270 L' },
				{ champ: 'cop', valeur: 'environ' }
			],
			citation: 'Fourniture Aquapac 270 (fictive)'
		},
		{
			type: 'pac_air_eau',
			intitule: "Main d'œuvre",
			quantite: 1,
			unite: 'forfait',
			prix_unitaire_ht: 900,
			prix_ht: 900,
			taux_tva: 5.5,
			valeurs: [],
			citation: null
		},
		{
			type: 'autre',
			intitule: 'Échafaudage',
			quantite: null,
			unite: null,
			prix_unitaire_ht: null,
			prix_ht: 150,
			taux_tva: null,
			valeurs: [],
			citation: null
		}
	]
};

describe('LLM answer schema', () => {
	it('accepts French numbers and type variants, and fills absent keys with null', () => {
		const parsed = llmQuoteSchema.parse({
			gestes: [{ type: 'pompe à chaleur', intitule: 'PAC', prix_ht: '9 800,00 €' }]
		});
		expect(parsed.gestes[0]).toStrictEqual({
			type: 'pac_air_eau',
			intitule: 'PAC',
			quantite: null,
			unite: null,
			prix_unitaire_ht: null,
			prix_ht: 9800,
			taux_tva: null,
			valeurs: [],
			citation: null
		});
		expect(parsed.pro.rge_labels).toStrictEqual([]);
		expect(normaliseGesteType('VMC')).toBe('vmc_simple_flux');
		expect(normaliseGesteType('cuisine équipée')).toBe('autre');
	});
});

describe('mergeLlmExtraction', () => {
	const read = readText(TEXT);
	const rules = extractQuote(read);
	const lines = read.pages.flatMap((p) => p.lines);
	const anonymised = anonymise(TEXT);
	const llm: LlmQuoteExtraction = restoreDeep(llmQuoteSchema.parse(ANSWER), anonymised.mapping);
	const merged = mergeLlmExtraction(rules, llm, { lines });

	it('starts from a rule extraction that misses the CET and some fields', () => {
		expect(rules.gestes.map((g) => g.type)).toStrictEqual(['vmc_double_flux']);
		expect(rules.admin.date_pre_visite).toBeNull();
		expect(rules.gestes[0]!.values.classe_caisson).toBeUndefined();
	});

	it('keeps every value the rules found, and its origin', () => {
		const a = merged.extraction.admin;
		expect(a.numero_devis?.value).toBe('VAP-25-260');
		expect(a.siret?.value).toBe('93304180800017');
		expect(merged.origins.admin.numero_devis).toBe('règle');
		expect(merged.extraction.gestes[0]!.values.reference_caisson?.text).toBe('DF 300');
		expect(merged.origins.gestes[0]!.values.reference_caisson).toBe('règle');
	});

	it('fills what the rules missed, with origin "IA" and where it is printed', () => {
		const a = merged.extraction.admin;
		expect(a.date_pre_visite).toStrictEqual({
			value: '2025-03-07',
			where: { page: 0, line: 0, text: '07/03/2025' }
		});
		expect(merged.origins.admin.date_pre_visite).toBe('IA');
		// The answer's placeholders were restored in the browser; the rules' client block still wins.
		expect(llm.client).toMatchObject({
			nom: 'Yannick Le Goff',
			adresse: '5 impasse des Mouettes\n29200 Brest'
		});
		expect(a.client_adresse?.value).toBe('5 impasse des Mouettes, 29200 Brest');
		expect(merged.origins.admin.client_adresse).toBe('règle');
		expect(a.rge_labels.map((l) => l.value)).toStrictEqual(['VPLUS/49811', 'QPAC/41234']);
		expect(merged.extraction.gestes[0]!.values.classe_caisson).toMatchObject({ text: 'A', number: null });
		expect(merged.origins.gestes[0]!.values.classe_caisson).toBe('IA');
		expect(merged.added.admin).toStrictEqual(['date_pre_visite', 'rge_labels']);
	});

	it('adds the geste the rules missed, and not the labour line a model called a geste', () => {
		const added = merged.extraction.gestes[1]!;
		expect(merged.extraction.gestes).toHaveLength(2);
		expect(merged.added.gestes).toStrictEqual([1]);
		expect(added).toMatchObject({
			index: 1,
			type: 'chauffe_eau_thermo',
			intitule: 'Fourniture Aquapac 270 (fictive)',
			prix_unitaire_ht: 2300,
			prix_ht: 2300,
			taux_tva: 5.5,
			where: {
				page: 1,
				line: 27,
				text: '2 | Fourniture Aquapac 270 (fictive) | 1 | u | 2 300,00 € | 5,5 % | 2 300,00 €'
			}
		});
		expect(added.values.volume).toMatchObject({ text: '270 L', number: 270 });
		expect(merged.origins.gestes[1]).toStrictEqual({
			geste: 'IA',
			fields: { quantite: 'IA', unite: 'IA', prix_unitaire_ht: 'IA', prix_ht: 'IA', taux_tva: 'IA' },
			values: { volume: 'IA' }
		});
	});

	it('rejects values that fail the format checks', () => {
		expect(merged.rejected).toStrictEqual([
			{ field: 'numero_tva', value: 'FR00933041808', reason: 'numéro de TVA invalide' },
			{ field: 'gestes.0.uw', value: '1,3', reason: 'champ inconnu pour ce type de geste' },
			{ field: 'gestes.1.cop', value: 'environ', reason: 'nombre illisible' }
		]);
	});

	it('lets the rules check the merged gestes (the CET now gets its own checks)', () => {
		const before = runRules(rules);
		const after = runRules(merged.extraction);
		expect(after.pointsChecked).toBeGreaterThan(before.pointsChecked);
		expect(after.errors.some((e) => e.geste === 1 && e.code.startsWith('eau_chaude_'))).toBe(true);
		expect(before.errors.some((e) => e.code === 'date_pre_visite_manquant')).toBe(true);
		expect(after.errors.some((e) => e.code === 'date_pre_visite_manquant')).toBe(false);
	});
});
