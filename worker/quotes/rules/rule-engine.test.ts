import { describe, expect, it } from 'vitest';
import { extractQuote } from '../extract/quote-extract.ts';
import { readFromText } from '../extract/read-fixtures.ts';
import { ADMIN_RULES } from './admin-rules.ts';
import { GESTE_FIELD_RULES, THRESHOLD_RULES } from './geste-rules.ts';
import { RULES, RULESET_VERSION } from './rule-catalogue.ts';
import { runRules } from './rule-engine.ts';
import { VALUE_RULES } from './value-rules.ts';

/** A complete devis for one geste; `change` rewrites lines to make variants. */
function devis(change: (text: string) => string = (t) => t): string {
	return change(`RENOV'ISOL
SARL au capital de 20 000 € - 3 rue du Port - 13002 Marseille
SIRET : 732 829 320 00074 - RCS Marseille 732 829 320 - N° TVA : FR44732829320
Assurance décennale : Provence Assurances, police 77-123, France entière
Qualification RGE : QB/12345

DEVIS N° 2026-77
Date : 10/03/2026
Devis valable 3 mois
Visite technique préalable : 03/03/2026
Début des travaux : 20/04/2026
Aides : MaPrimeRénov'

Client : M. Louis Martin
8 rue Paradis
13006 Marseille

N° | Désignation | Qté | Unité | PU HT | TVA | Total HT
1 | Isolation des combles perdus laine soufflée | 100 | m² | 20,00 € | 5,5 % | 2 000,00 €
    Marque : Isoflox (fictive) - Référence : LVS 45 - Épaisseur : 34 cm
    Résistance thermique R = 7,5 m².K/W - Certificat ACERMI 19/018/1234
2 | Main d'œuvre et mise en œuvre | 1 | forfait | 500,00 € | 5,5 % | 500,00 €

Total HT : 2 500,00 €
TVA 5,5 % : 137,50 €
Total TTC : 2 637,50 €
`);
}

const codes = (text: string, aides: string[] = []) =>
	runRules(extractQuote(readFromText(text)), { aides }).errors.map((e) => [
		e.code,
		e.severity,
		e.geste ?? null
	]);

describe('the ruleset as data', () => {
	it('gives every code a category, a type, a severity and French wording, and has a version', () => {
		const used = new Set([
			...ADMIN_RULES.map((r) => r.code),
			...GESTE_FIELD_RULES.map((r) => r.code),
			...THRESHOLD_RULES.map((r) => r.code),
			...VALUE_RULES.map((r) => r.code)
		]);
		const missing = [...used].filter((c) => !RULES.has(c));
		const incomplete = [...RULES.values()].filter(
			(r) => !r.title || r.explanation.length < 20 || !/[éèàêç’ ]/.test(r.explanation)
		);
		expect({ missing, incomplete, version: /^devis-regles-\d{4}\.\d+$/.test(RULESET_VERSION) }).toStrictEqual(
			{
				missing: [],
				incomplete: [],
				version: true
			}
		);
	});
	it('keeps MDSO types: warnings are not blocking, the rest is, with the documented exceptions', () => {
		const odd = [...RULES.values()]
			.filter((r) => (r.type === 'warning') !== (r.severity === 'avertissement'))
			.map((r) => r.code)
			.sort();
		expect(odd).toStrictEqual(['client_civilite_manquant', 'numero_devis_manquant']);
	});
});

describe('runRules', () => {
	it('finds nothing on a complete devis and counts the points checked', () => {
		const outcome = runRules(extractQuote(readFromText(devis())));
		expect({ errors: outcome.errors, points: outcome.pointsChecked }).toStrictEqual({
			errors: [],
			points: 47
		});
	});

	it('reports missing mentions with MDSO codes and geste indexes', () => {
		const text = devis((t) =>
			t
				.replace('Devis valable 3 mois\n', '')
				.replace('Client : M. Louis Martin', 'Client : Martin')
				.replace(' - Certificat ACERMI 19/018/1234', '')
		);
		expect(codes(text)).toStrictEqual([
			['date_validite_manquant', 'avertissement', null],
			['client_prenom_manquant', 'bloquant', null],
			['client_civilite_manquant', 'avertissement', null],
			['isolation_norme_acermi_manquant', 'bloquant', 0]
		]);
	});

	it('exempts a sole trader from capital, VAT number and RCS city, as warnings', () => {
		const text = devis((t) =>
			t
				.replace('SARL au capital de 20 000 € - ', 'EI - ')
				.replace('RCS Marseille 732 829 320 - N° TVA : FR44732829320', 'RM 732 829 320 (CMA PACA)')
				.replace(/\| 5,5 % \|/g, '|  |')
				.replace(
					'TVA 5,5 % : 137,50 €\nTotal TTC : 2 637,50 €',
					'TVA non applicable, art. 293 B du CGI\nTotal TTC : 2 500,00 €'
				)
		);
		expect(codes(text)).toStrictEqual([
			['tva_manquant', 'avertissement', null],
			['capital_manquant', 'avertissement', null],
			['rcs_ville_manquant', 'avertissement', null],
			['geste_taux_tva_manquant', 'avertissement', 0]
		]);
	});

	it('checks values: SIRET key, VAT key, dates in order, VAT rate and totals', () => {
		const text = devis((t) =>
			t
				.replace('732 829 320 00074', '732 829 320 00075')
				.replace('FR44732829320', 'FR45732829320')
				.replace('Visite technique préalable : 03/03/2026', 'Visite technique préalable : 12/03/2026')
				.replace('| 5,5 % | 2 000,00 €', '| 10 % | 2 000,00 €')
				.replace('Total TTC : 2 637,50 €', 'Total TTC : 2 737,50 €')
		);
		const outcome = runRules(extractQuote(readFromText(text)), {});
		expect(outcome.errors.map((e) => [e.code, e.severity, e.geste ?? null, e.value ?? null])).toStrictEqual([
			['x_siret_invalide', 'bloquant', null, '73282932000075'],
			['x_tva_cle_invalide', 'bloquant', null, 'FR45732829320'],
			['x_date_pre_visite_posterieure', 'bloquant', null, 'Visite le 12/03/2026, devis du 10/03/2026'],
			['x_taux_tva_inhabituel', 'avertissement', 0, '10 %'],
			[
				'x_totaux_incoherents',
				'bloquant',
				null,
				'Total HT 2 500,00 € + TVA 137,50 € = 2 637,50 € ≠ total TTC 2 737,50 €'
			]
		]);
	});

	it('judges aid thresholds: blocking with a declared aid, a warning without', () => {
		const low = devis((t) => t.replace('R = 7,5', 'R = 6,5'));
		expect([codes(low), codes(low.replace("Aides : MaPrimeRénov'\n", ''))]).toStrictEqual([
			[['x_isolation_r_insuffisant', 'bloquant', 0]],
			[['x_isolation_r_insuffisant', 'avertissement', 0]]
		]);
	});

	it('stops at the file type when no energy-renovation geste is found', () => {
		const kitchen = devis((t) =>
			t
				.replace('Isolation des combles perdus laine soufflée', 'Meubles de cuisine en chêne')
				.replace(/ {4}.*\n/g, '')
		);
		expect(codes(kitchen)).toStrictEqual([['file_type_error', 'bloquant', null]]);
	});

	it('turns reading caveats into file warnings', () => {
		const outcome = runRules(extractQuote(readFromText(devis())), {
			readWarnings: [
				{ code: 'x_ocr_confiance_faible', message: 'Lecture peu sûre.', pages: [1] },
				{ code: 'inconnu' }
			]
		});
		expect(
			outcome.errors.map((e) => [
				e.code,
				e.category,
				e.type,
				e.explanation.endsWith('Lecture peu sûre. Page 1.')
			])
		).toStrictEqual([['x_ocr_confiance_faible', 'file', 'warning', true]]);
	});
});
