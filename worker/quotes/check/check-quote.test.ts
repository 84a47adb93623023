import { describe, expect, it } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import { readFromText } from '../extract/read-fixtures.ts';
import { RULESET_VERSION } from '../rules/rule-catalogue.ts';
import { mockSources } from '../rules/rge-rules.ts';
import type { RgeSource } from '../rules/rule-types.ts';
import { checkDossier, checkQuote, failedQuote, quoteStatus } from './index.ts';

const SIRET = '73282932000074';

function devis(client: string, address: string, rge = 'QB/12345') {
	return readFromText(`RENOV'ISOL
SARL au capital de 20 000 € - 3 rue du Port - 13002 Marseille
SIRET : 732 829 320 00074 - RCS Marseille 732 829 320 - N° TVA : FR44732829320
Assurance décennale : Provence Assurances, police 77-123, France entière
Qualification RGE : ${rge}
DEVIS N° 2026-77 - Date : 10/03/2026 - Devis valable 3 mois
Visite technique préalable : 03/03/2026 - Début des travaux : 20/04/2026
Client : ${client}
${address}
N° | Désignation | Qté | Unité | PU HT | TVA | Total HT
1 | Isolation des combles perdus laine soufflée | 100 | m² | 20,00 € | 5,5 % | 2 000,00 €
    Marque : Isoflox (fictive) - Référence : LVS 45 - Épaisseur : 34 cm
    Résistance thermique R = 7,5 m².K/W - Certificat ACERMI 19/018/1234
2 | Main d'œuvre | 1 | forfait | 500,00 € | 5,5 % | 500,00 €
Total HT : 2 500,00 €
TVA 5,5 % : 137,50 €
Total TTC : 2 637,50 €
`);
}

const mocks = {
	ademe_historique_rge: [
		{
			siret: SIRET,
			code_qualification: '12345',
			nom_certificat: 'QUALIBAT-RGE',
			domaine: ['Isolation des combles perdus'],
			date_debut: '2024-01-01',
			date_fin: '2026-01-31',
			_id: `12345-${SIRET}-2024-01-01`
		}
	],
	sirene: 'etablissement_actif'
};

describe('checkQuote', () => {
	it('runs extraction, external checks and rules into one result', async () => {
		const r = await checkQuote(devis('M. Louis Martin', '8 rue Paradis 13006 Marseille'), {
			file: 'a.txt',
			...mockSources(mocks)
		});
		expect({
			file: r.file,
			status: r.status,
			errors: r.errors.map((e) => [e.code, e.severity, e.geste ?? null]),
			points: r.pointsChecked,
			version: r.rulesetVersion,
			read: r.read,
			external: r.external,
			numero: r.fields?.numero_devis?.value,
			gestes: r.gestes.map((g) => g.type)
		}).toStrictEqual({
			file: 'a.txt',
			status: 'invalide',
			errors: [
				['rge_hors_date', 'bloquant', null],
				['geste_rge_hors_date', 'avertissement', 0]
			],
			points: 52,
			version: RULESET_VERSION,
			read: { format: 'text', pageCount: 1, ocrPages: 0 },
			external: { rge: 'valide', company: 'valide' },
			numero: '2026-77',
			gestes: ['isolation_comble_perdu']
		});
	});

	it('treats a failing source as "non vérifié", never as an error', async () => {
		const broken: RgeSource = {
			lookup: async () => {
				throw new Error('ADEME indisponible');
			}
		};
		const r = await checkQuote(devis('M. Louis Martin', '8 rue Paradis 13006 Marseille'), { rge: broken });
		expect([r.status, r.errors, r.external]).toStrictEqual([
			'valide',
			[],
			{ rge: 'non_verifie', company: null }
		]);
	});
});

describe('failedQuote and quoteStatus', () => {
	it('keeps the reader’s code, its finer codes and its French message', () => {
		const encrypted = new PasserelleError(
			'file_reading_error',
			'Le PDF est protégé par un mot de passe.',
			false,
			{
				details: { reason: 'password', extraCodes: ['x_fichier_chiffre'] }
			}
		);
		const r = failedQuote(encrypted, { file: 'b.pdf' });
		expect([r.status, r.errors.map((e) => [e.code, e.value ?? null])]).toStrictEqual([
			'illisible',
			[
				['file_reading_error', 'Le PDF est protégé par un mot de passe.'],
				['x_fichier_chiffre', null]
			]
		]);
	});
	it('does not let warnings invalidate a devis', () => {
		const w = {
			code: 'x',
			category: 'admin',
			type: 'warning',
			severity: 'avertissement',
			title: '',
			explanation: ''
		} as const;
		expect([quoteStatus([]), quoteStatus([w]), quoteStatus([{ ...w, severity: 'bloquant' }])]).toStrictEqual([
			'valide',
			'valide',
			'invalide'
		]);
	});
});

describe('checkDossier', () => {
	it('compares the quotes of a dossier and leaves unreadable ones aside', async () => {
		const a = await checkQuote(devis('M. Louis Martin', '8 rue Paradis 13006 Marseille'), { file: 'a' });
		const b = await checkQuote(devis('Mme Anne Martin', '8, rue Paradis 13006 MARSEILLE'), { file: 'b' });
		const c = failedQuote(new PasserelleError('empty_file_error', 'Vide.'), { file: 'c' });
		const d = checkDossier([a, b, c]);
		expect([d.status, d.errors.map((e) => [e.code, e.value]), d.members, d.pointsChecked]).toStrictEqual([
			'invalide',
			[['client_prenom_incoherent', 'Louis / Anne']],
			['a', 'b', 'c'],
			4
		]);
	});
});
