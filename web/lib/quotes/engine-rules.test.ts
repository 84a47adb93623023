import { describe, expect, it } from 'vitest';
import { readFromText } from '#worker/quotes/extract/read-fixtures.ts';
import type { CompanySource, RgeSource } from '#worker/quotes/rules/index.ts';
import { engineRules } from './engine-rules.ts';

const DEVIS = [
	"RENOV'ISOL - SARL au capital de 20 000 € - 3 rue du Port - 13002 Marseille",
	'SIRET : 732 829 320 00074 - RCS Marseille 732 829 320 - N° TVA : FR44732829320',
	'Qualification RGE : QB/12345',
	'Client : M. Louis Martin - 8 rue Paradis 13006 Marseille',
	'DEVIS N° 2026-77 - Date : 10/03/2026 - Devis valable 3 mois',
	'N° | Désignation | Qté | Unité | PU HT | TVA | Total HT',
	'1 | Isolation des combles perdus laine soufflée | 100 | m² | 20,00 € | 5,5 % | 2 000,00 €',
	'Total HT : 2 000,00 € - TVA 5,5 % : 110,00 € - Total TTC : 2 110,00 €'
].join('\n');

describe('engineRules: online sources', () => {
	it('asks the online sources only while they are switched on, with the devis SIRET', async () => {
		const asked: string[] = [];
		const rge: RgeSource = {
			lookup: async (siret) => {
				asked.push(`rge ${siret}`);
				return { status: 'valide', qualifications: [] };
			}
		};
		const company: CompanySource = {
			lookup: async (siret) => {
				asked.push(`entreprise ${siret}`);
				return { status: 'valide', etat: 'etablissement_actif' };
			}
		};
		let on = false;
		const rules = engineRules({ online: () => (on ? { rge, company } : {}) });
		const file = { id: 'f1', name: 'devis.txt' };

		const offline = await rules.check(readFromText(DEVIS), file);
		expect(asked).toStrictEqual([]);
		expect(offline.external).toStrictEqual({ rge: null, company: null });

		on = true;
		const checked = await rules.check(readFromText(DEVIS), file);
		expect(asked).toStrictEqual(['rge 73282932000074', 'entreprise 73282932000074']);
		expect(checked.external).toStrictEqual({ rge: 'valide', company: 'valide' });
	});
});
