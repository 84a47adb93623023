import { describe, expect, it } from 'vitest';
import { createGristPort, createMemoryBackend } from '#widget/index.ts';
import { checkDossier, checkQuote } from './check/index.ts';
import { readFromText } from './extract/read-fixtures.ts';
import { DEVIS_ERREURS_TABLE, errorKey, writeQuoteResults } from './grist-output.ts';

function devis(client: string, acermi = ' - Certificat ACERMI 19/018/1234') {
	return readFromText(`RENOV'ISOL
SARL au capital de 20 000 € - 3 rue du Port - 13002 Marseille
SIRET : 732 829 320 00074 - RCS Marseille 732 829 320 - N° TVA : FR44732829320
Assurance décennale : Provence Assurances, police 77-123, France entière
Qualification RGE : QB/12345
DEVIS N° 2026-77 - Date : 10/03/2026 - Devis valable 3 mois
Visite technique préalable : 03/03/2026 - Début des travaux : 20/04/2026
Client : ${client}
8 rue Paradis 13006 Marseille
N° | Désignation | Qté | Unité | PU HT | TVA | Total HT
1 | Isolation des combles perdus laine soufflée | 100 | m² | 20,00 € | 5,5 % | 2 000,00 €
    Marque : Isoflox (fictive) - Référence : LVS 45 - Épaisseur : 34 cm
    Résistance thermique R = 7,5 m².K/W${acermi}
2 | Main d'œuvre | 1 | forfait | 500,00 € | 5,5 % | 500,00 €
Total HT : 2 500,00 €
TVA 5,5 % : 137,50 €
Total TTC : 2 637,50 €
`);
}

async function batch(acermi?: string) {
	const a = await checkQuote(devis('Louis Martin', acermi), { file: 'a.txt' });
	const b = await checkQuote(devis('Mme Anne Martin'), { file: 'b.txt' });
	return {
		quotes: [
			{ key: 'a.txt', result: a, dossier: 'D1' },
			{ key: 'b.txt', result: b, dossier: 'D1' }
		],
		dossiers: [{ key: 'D1', result: checkDossier([a, b]) }]
	};
}

describe('writeQuoteResults', () => {
	it('creates the three tables and writes one row per devis, error and dossier', async () => {
		const backend = createMemoryBackend();
		const port = createGristPort(backend);
		const { quotes, dossiers } = await batch(' ');
		const summary = await writeQuoteResults(port, quotes, dossiers);
		const devis = (await port.readRows('Devis')).map((r) => [
			r.fields.cle,
			r.fields.statut,
			r.fields.date_devis,
			r.fields.client,
			r.fields.nb_bloquants,
			r.fields.dossier
		]);
		const erreurs = (await port.readRows('Devis_erreurs')).map((r) => [
			r.fields.cle,
			r.fields.gravite,
			r.fields.devis,
			r.fields.dossier,
			r.fields.geste_intitule,
			r.fields.page,
			r.fields.faux_positif
		]);
		expect({ summary, devis, erreurs }).toStrictEqual({
			summary: {
				devis: { added: 2, updated: 0, unchanged: 0 },
				erreurs: { added: 3, updated: 0, unchanged: 0, stale: 0 },
				dossiers: { added: 1, updated: 0, unchanged: 0 }
			},
			devis: [
				['a.txt', 'invalide', Date.UTC(2026, 2, 10) / 1000, 'Louis Martin', 1, 1],
				['b.txt', 'valide', Date.UTC(2026, 2, 10) / 1000, 'Mme Anne Martin', 0, 1]
			],
			erreurs: [
				['a.txt|client_civilite_manquant|', 'avertissement', 1, 0, '', 1, false],
				[
					'a.txt|isolation_norme_acermi_manquant|0',
					'bloquant',
					1,
					0,
					'Isolation des combles perdus laine soufflée',
					1,
					false
				],
				['dossier:D1|client_prenom_incoherent|', 'bloquant', 0, 1, '', null, false]
			]
		});
	});

	it('keeps the agent’s false-positive mark and reason through re-checks, even when the error goes', async () => {
		const backend = createMemoryBackend();
		const port = createGristPort(backend);
		const first = await batch(' ');
		await writeQuoteResults(port, first.quotes, first.dossiers);
		// The agent marks the ACERMI error as a false positive, as in the widget.
		const key = errorKey('a.txt', 'isolation_norme_acermi_manquant', 0);
		await port.upsert(
			DEVIS_ERREURS_TABLE.id,
			[
				{
					cle: key,
					faux_positif: true,
					motif: 'Information présente dans le devis',
					commentaire: 'ACERMI en annexe'
				}
			],
			{ key: ['cle'] }
		);
		const again = await writeQuoteResults(port, first.quotes, first.dossiers);
		const fixed = await batch();
		const after = await writeQuoteResults(port, fixed.quotes, fixed.dossiers);
		const row = (await port.readRows(DEVIS_ERREURS_TABLE.id)).find((r) => r.fields.cle === key)!.fields;
		expect({
			again: again.erreurs,
			after: after.erreurs,
			row: [row.presente, row.faux_positif, row.motif, row.commentaire]
		}).toStrictEqual({
			again: { added: 0, updated: 0, unchanged: 3, stale: 0 },
			after: { added: 0, updated: 1, unchanged: 2, stale: 1 },
			row: [false, true, 'Information présente dans le devis', 'ACERMI en annexe']
		});
	});
});
