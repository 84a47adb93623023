import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createGristPort, createMemoryBackend, type GristPort } from '#widget/index.ts';
import { readQuote } from '#worker/quotes/read/read-quote.ts';
import type { ReaderPorts } from '#worker/quotes/read/read-types.ts';
import { engineRules } from './engine-rules.ts';
import { dossierKey, gristQuoteOutput, quoteErrorKey, quoteKey } from './grist-quote-output.ts';
import { QuoteRunner } from './quote-runner.svelte.ts';
import { openQuoteStore } from './quote-store.ts';

const Q25 = readFileSync(resolve(import.meta.dirname, '../../../../shared/quotes/Q25.txt'), 'utf8');
const Q25_NO_SIRET = Q25.split('\n')
	.filter((line) => !/SIRET/i.test(line))
	.join('\n');

/** A runner over a real GristPort (in-memory Grist document) and the real reader and rules. */
function setup(port: GristPort = createGristPort(createMemoryBackend())) {
	let id = 0;
	const runner = new QuoteRunner({
		openStore: (docName) => openQuoteStore(docName, { indexedDB: new IDBFactory(), IDBKeyRange }),
		reader: () => ({
			async read(input, options) {
				const bytes = new Uint8Array(await input.file.arrayBuffer());
				return readQuote({ bytes, name: input.name }, {} as ReaderPorts, { signal: options.signal });
			}
		}),
		rules: engineRules(),
		grist: () => gristQuoteOutput(port),
		now: () => Date.UTC(2025, 10, 22, 13, 5),
		newId: () => `0000000${++id}-aaaa-bbbb-cccc-dddddddddddd`
	});
	return { runner, port };
}

const text = (name: string, content: string) => new File([content], name, { type: 'text/plain' });

describe('Grist output of the Devis tab', () => {
	it('writes the dossier with its name, its quotes and their errors', async () => {
		const { runner, port } = setup();
		await runner.open('Doc');
		const id = (await runner.addFiles([text('Q25.txt', Q25), text('sans-siret.txt', Q25_NO_SIRET)]))!;
		await runner.idle();

		const dossiers = (await port.readRows('Devis_dossiers')).map((r) => [
			r.fields.cle,
			r.fields.nom,
			r.fields.nb_devis
		]);
		expect(dossiers).toStrictEqual([[dossierKey({ id }), 'Dossier du 22/11/2025 à 14:05', 2]]);
		const devis = (await port.readRows('Devis')).map((r) => [
			r.fields.cle,
			r.fields.fichier,
			r.fields.statut,
			r.fields.siret
		]);
		const [a, b] = runner.files;
		expect(devis).toStrictEqual([
			[quoteKey(a!), 'Q25.txt', 'valide', '93304180800017'],
			[quoteKey(b!), 'sans-siret.txt', 'invalide', '']
		]);
		const errors = (await port.readRows('Devis_erreurs')).map((r) => r.fields.cle);
		expect(errors).toContain(quoteErrorKey(b!, 'siret_manquant'));
		expect(runner.gristWrites[id]).toMatchObject({ kind: 'done' });
	});

	it('keeps a false-positive mark across a re-check, a re-read and a rename', async () => {
		const { runner, port } = setup();
		await runner.open('Doc');
		const id = (await runner.addFiles([text('sans-siret.txt', Q25_NO_SIRET)]))!;
		await runner.idle();
		const file = runner.files[0]!;
		const key = quoteErrorKey(file, 'siret_manquant');

		expect(await runner.setMark(key, { motif: 'Information présente dans le devis' })).toBe(true);
		expect(runner.marks).toStrictEqual({
			[key]: { motif: 'Information présente dans le devis', commentaire: '' }
		});

		await runner.recheck(id);
		runner.reread(file.id);
		await runner.idle();
		await runner.renameDossier(id, 'Maison Dupont');
		await runner.idle();
		const row = (await port.readRows('Devis_erreurs')).find((r) => r.fields.cle === key)!;
		expect([row.fields.faux_positif, row.fields.motif, row.fields.presente]).toStrictEqual([
			true,
			'Information présente dans le devis',
			true
		]);
		expect(runner.marks[key]?.motif).toBe('Information présente dans le devis');
		expect((await port.readRows('Devis_dossiers')).map((r) => r.fields.nom)).toStrictEqual(['Maison Dupont']);
		expect(await port.readRows('Devis')).toHaveLength(1);

		await runner.setMark(key, null);
		expect(runner.marks).toStrictEqual({});
	});

	it('refuses to mark an error Grist does not hold yet, in French', async () => {
		const { runner } = setup();
		await runner.open('Doc');
		runner.autoGrist = false;
		await runner.addFiles([text('sans-siret.txt', Q25_NO_SIRET)]);
		await runner.idle();
		expect(await runner.setMark(quoteErrorKey(runner.files[0]!, 'siret_manquant'), { motif: 'Autre' })).toBe(
			false
		);
		expect(runner.notice?.message).toBe(
			'Marque de faux positif : Cette remarque n’est pas encore enregistrée dans Grist : cliquez d’abord sur « Enregistrer dans Grist ».'
		);
	});
});
