import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type QuoteCheckJson } from './quotes-check.ts';

const CORPUS = join(import.meta.dirname, '../../../shared/quotes');
const MANIFEST = join(CORPUS, 'manifest.json');
const scratch = mkdtempSync(join(tmpdir(), 'quotes-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(argv: string[]) {
	const out: string[] = [];
	const err: string[] = [];
	const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
	return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('quotes:check', () => {
	it('prints one JSON object per file with the expected shape and MDSO codes', async () => {
		const files = ['Q15.pdf', 'Q25.txt', 'B04.pdf', 'B05.pdf'].map((f) => join(CORPUS, f));
		const { code, out, err } = await run([
			...files,
			join(scratch, 'absent.pdf'),
			'--manifest',
			MANIFEST,
			'--json'
		]);
		const results = JSON.parse(out) as QuoteCheckJson[];
		expect({
			code,
			err,
			results: results.map(({ ms, ...r }) => ({ ...r, ms: typeof ms === 'number' }))
		}).toStrictEqual({
			code: 0,
			err: '',
			results: [
				{
					file: 'Q15.pdf',
					status: 'invalide',
					errors: [
						{ code: 'rge_non_correspondant', category: 'admin', type: 'error', geste: null },
						{ code: 'geste_rge_non_correspondant', category: 'gestes', type: 'warning', geste: 0 }
					],
					fields: {
						siret: '90010020700019',
						numero_devis: 'MV-25-090',
						date_devis: '2025-03-14',
						prix_total_ht: 8100,
						prix_total_ttc: 8545.5,
						client_nom: 'Benhamou',
						gestes: [{ type: 'pac_air_air', marque: 'Caloria (fictive)', reference: 'Multi3 7.1' }]
					},
					pages: 1,
					ocr_pages: 0,
					ms: true
				},
				{
					file: 'Q25.txt',
					status: 'valide',
					errors: [],
					fields: {
						siret: '93304180800017',
						numero_devis: 'VAP-25-260',
						date_devis: '2025-03-14',
						prix_total_ht: 5500,
						prix_total_ttc: 5802.5,
						client_nom: 'Le Goff',
						gestes: [{ type: 'vmc_double_flux', marque: 'Aerolia (fictive)', reference: 'DF 300' }]
					},
					pages: 1,
					ocr_pages: 0,
					ms: true
				},
				{
					file: 'B04.pdf',
					status: 'illisible',
					errors: [{ code: 'empty_file_error', category: 'file', type: 'error', geste: null }],
					fields: {
						siret: null,
						numero_devis: null,
						date_devis: null,
						prix_total_ht: null,
						prix_total_ttc: null,
						client_nom: null,
						gestes: []
					},
					pages: null,
					ocr_pages: null,
					ms: true,
					message: 'Le fichier « B04.pdf » est vide (0 octet). Déposez à nouveau le devis.'
				},
				{
					file: 'B05.pdf',
					status: 'illisible',
					errors: [{ code: 'unsupported_file_format', category: 'file', type: 'error', geste: null }],
					fields: {
						siret: null,
						numero_devis: null,
						date_devis: null,
						prix_total_ht: null,
						prix_total_ttc: null,
						client_nom: null,
						gestes: []
					},
					pages: null,
					ocr_pages: null,
					ms: true,
					message:
						'Format non pris en charge : « B05.pdf » est une archive ZIP ou un document Word/OpenOffice. Déposez le devis en PDF, en image PNG ou JPEG, ou en texte.'
				},
				{
					file: 'absent.pdf',
					status: 'illisible',
					errors: [{ code: 'file_reading_error', category: 'file', type: 'error', geste: null }],
					fields: {
						siret: null,
						numero_devis: null,
						date_devis: null,
						prix_total_ht: null,
						prix_total_ttc: null,
						client_nom: null,
						gestes: []
					},
					pages: null,
					ocr_pages: null,
					ms: true,
					message: `Fichier introuvable : « ${join(scratch, 'absent.pdf')} ».`
				}
			]
		});
	});

	it('reads every quote file of a folder and says "non vérifié" for RGE without a manifest', async () => {
		writeFileSync(join(scratch, 'notes.md'), '# pas un devis');
		writeFileSync(join(scratch, 'vide.txt'), '');
		const { code, out } = await run([scratch, '--json']);
		expect([
			code,
			(JSON.parse(out) as QuoteCheckJson[]).map((r) => [r.file, r.errors.map((e) => e.code)])
		]).toStrictEqual([0, [['vide.txt', ['empty_file_error']]]]);
	});

	it('prints a French report without --json', async () => {
		const { code, out } = await run([join(CORPUS, 'Q15.pdf'), '--manifest', MANIFEST]);
		expect([code, out.split('\n').slice(1)]).toStrictEqual([
			0,
			[
				'  ✗ rge_non_correspondant : RGE d’une autre entreprise (QPAC/41234)',
				'  ! geste_rge_non_correspondant [geste 1] : Pas de qualification RGE pour ce geste (PAC air/air multisplit 3 unités intérieures)'
			]
		]);
	});

	it('exits 2 on usage errors only', async () => {
		const none = await run([]);
		const bad = await run(['--nope', 'x.pdf']);
		const manifest = await run([join(CORPUS, 'Q25.txt'), '--manifest', join(scratch, 'absent.json')]);
		expect([none.code, bad.code, manifest.code, none.err.split('\n')[0]]).toStrictEqual([
			2,
			2,
			2,
			'Erreur : Aucun fichier ni dossier à vérifier.'
		]);
	});

	it('runs as a command', () => {
		const result = spawnSync(process.execPath, [join(import.meta.dirname, 'quotes-check.ts'), '--json'], {
			encoding: 'utf8'
		});
		expect([result.status, result.stdout]).toStrictEqual([2, '']);
	});
});
