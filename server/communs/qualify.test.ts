import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import type { Database } from '../db/database.ts';
import { createLogger } from '../log.ts';
import { startLlmDouble, type LlmDouble, type LlmDoubleHandler } from '../llm/llm-double.ts';
import { loadLlmConfig } from '../llm/llm-config.ts';
import { createLlmService } from '../llm/llm-service.ts';
import { createLlmStore } from '../llm/llm-store.ts';
import { openTestDatabase } from '../testing/pglite.ts';
import { COMPETENCE_TRIGGERS, LEVIER_TRIGGERS } from './keyword-scorer.ts';
import {
	postProcessCompetences,
	postProcessLeviers,
	resolveCompetence,
	resolveLevier
} from './qualify-postprocess.ts';
import { qualifyProject } from './qualify-service.ts';
import { COMPETENCE_BY_CODE, COMPETENCES, LEVIERS } from './reference-lists.ts';

const TET_CSV = new URL('../../../shared/data/les-communs/import-projets-tet-data.csv', import.meta.url);

describe('reference lists', () => {
	it('hold the 156 M57 codes and 72 leviers, and every keyword trigger names one of them', () => {
		expect(COMPETENCES).toHaveLength(156);
		expect(LEVIERS).toHaveLength(72);
		expect(COMPETENCE_BY_CODE.get('90-752')).toStrictEqual({
			code: '90-752',
			libelle: "Politique de l'énergie > Energie photovoltaïque",
			parentCode: '90-75'
		});
		expect(Object.keys(LEVIER_TRIGGERS).filter((l) => !LEVIERS.includes(l))).toStrictEqual([]);
		expect(Object.keys(COMPETENCE_TRIGGERS).filter((c) => !COMPETENCE_BY_CODE.has(c))).toStrictEqual([]);
	});
});

describe('post-processing (communs-recoco-qfdmod.md §A.4)', () => {
	it('corrects levier labels, drops unknown ones, keeps the best score above 0.7, sorted', () => {
		expect(
			postProcessLeviers([
				{ levier: 'velo', score: 0.9 },
				{ levier: 'Vélo', score: 0.75 },
				{ levier: 'Electricité renouvelabe', score: 0.8 },
				{ levier: 'Energies renouvelables', score: 0.85 },
				{ levier: 'Covoiturage', score: 0.7 },
				{ levier: 'Levier inventé', score: 1 },
				{ levier: 'Transports en commun', score: 95 }
			])
		).toStrictEqual([
			{ libelle: 'Transports en commun', score: 0.95 },
			{ libelle: 'Vélo', score: 0.9 },
			{ libelle: 'Electricité renouvelable', score: 0.85 }
		]);
	});

	it('lets a valid code win, maps labels to codes, drops the rest, keeps three at most', () => {
		expect(resolveCompetence({ code: '90-87', competence: 'Mauvais libellé' })?.libelle).toBe(
			'Circulations douces'
		);
		expect(resolveCompetence({ code: '90.752', competence: null })?.code).toBe('90-752');
		expect(resolveCompetence({ code: null, competence: 'Energie photovoltaique' })?.code).toBe('90-752');
		expect(resolveCompetence({ code: '99-99', competence: 'Politique de l’energie' })?.code).toBe('90-75');
		expect(resolveCompetence({ code: null, competence: 'Autres' })).toBeNull();
		expect(resolveLevier('Levier inventé')).toBeNull();
		expect(
			postProcessCompetences([
				{ code: '90-752', competence: 'x', score: 0.9 },
				{ code: null, competence: "Politique de l'énergie", score: 0.8 },
				{ code: '90-75', competence: null, score: 0.85 },
				{ code: null, competence: 'Circulations douces', score: 0.75 },
				{ code: '90-71', competence: null, score: 0.72 },
				{ code: null, competence: 'Compétence inconnue', score: 1 },
				{ code: '90-84', competence: null, score: 0.6 }
			])
		).toStrictEqual([
			{ code: '90-752', libelle: "Politique de l'énergie > Energie photovoltaïque", score: 0.9 },
			{ code: '90-75', libelle: "Politique de l'énergie", score: 0.85 },
			{ code: '90-87', libelle: 'Circulations douces', score: 0.75 }
		]);
	});
});

describe('keyword scorer (no LLM configured)', () => {
	it('qualifies a cycling project and says why the LLM was not used', async () => {
		const result = await qualifyProject(
			{
				nom: 'Création d’une piste cyclable',
				description: 'Relier le bourg au collège par une voie verte sécurisée pour les vélos.'
			},
			{ llm: null, docId: 'doc' }
		);
		expect(result).toMatchObject({
			methode: 'mots-cles',
			provider: null,
			notice: 'Aucun modèle d’IA n’est configuré : qualification par mots-clés.',
			seuil: 0.7,
			referenceVersion: 'les-communs@fc8bd41'
		});
		expect(result.leviers.map((l) => l.libelle)).toContain('Vélo');
		expect(result.competences[0]).toMatchObject({ code: '90-87', libelle: 'Circulations douces' });
		expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
	});

	it.skipIf(!existsSync(TET_CSV))(
		'finds a gold levier and compétence for most labelled TeT projects',
		async () => {
			const rows = parseCsv(readFileSync(TET_CSV, 'utf8'));
			const header = rows[0]!;
			const col = (row: string[], name: string) => row[header.indexOf(name)] ?? '';
			const list = (s: string) =>
				[...s.replace(/^\{|\}$/g, '').matchAll(/"([^"]*)"|([^,]+)/g)]
					.map((m) => m[1] ?? m[2] ?? '')
					.filter((x) => x && x !== 'NULL');
			let projects = 0;
			let levierHits = 0;
			let competenceHits = 0;
			let leviersPredicted = 0;
			let leviersRight = 0;
			for (const row of rows.slice(1).filter((r) => r.length === header.length)) {
				projects++;
				const result = await qualifyProject(
					{ nom: col(row, 'nom'), description: col(row, 'description') },
					{ llm: null, docId: 'doc' }
				);
				const goldLeviers = list(col(row, 'leviers'));
				const goldCodes = list(col(row, 'codes_competences'));
				const predicted = result.leviers.map((l) => l.libelle);
				if (predicted.some((l) => goldLeviers.includes(l))) levierHits++;
				if (result.competences.some((c) => goldCodes.includes(c.code))) competenceHits++;
				leviersPredicted += predicted.length;
				leviersRight += predicted.filter((l) => goldLeviers.includes(l)).length;
			}
			// Measured on the 17 projects: 12 with a gold levier, 14 with a gold compétence, precision 16/25.
			expect(projects).toBe(17);
			expect(levierHits).toBeGreaterThanOrEqual(11);
			expect(competenceHits).toBeGreaterThanOrEqual(13);
			expect(leviersRight / leviersPredicted).toBeGreaterThanOrEqual(0.6);
		}
	);

	it('refuses a project without a name (400)', async () => {
		const error = await qualifyProject({ nom: '  ', description: 'x' }, { llm: null, docId: 'doc' }).catch(
			(e: unknown) => e
		);
		expect(error).toBeInstanceOf(PasserelleError);
		expect(error).toMatchObject({ code: 'communs_invalid_input', details: { status: 400 } });
	});
});

describe('LLM qualification through the local double', () => {
	let database: Database;
	let double: LlmDouble;
	const answers: LlmDoubleHandler = (request) =>
		request.messages[0]!.content.includes('nomenclature fonctionnelle M57')
			? {
					json: {
						competences: [
							{ code: '90-87', competence: 'Circulations douces', score: 0.9 },
							{ code: null, competence: 'Voirie communale', score: 0.75 },
							{ code: '90-71', competence: null, score: 0.5 }
						]
					}
				}
			: {
					json: {
						classification: 'Le projet a un lien avec la transition écologique',
						leviers: [
							{ levier: 'velo', score: 0.9 },
							{ levier: 'Réduction des déplacements', score: 0.6 },
							{ levier: 'Inventé', score: 0.9 }
						],
						raisonnement: 'Mobilité active.'
					}
				};

	beforeAll(async () => {
		database = await openTestDatabase();
		double = await startLlmDouble(answers);
	});
	afterAll(async () => {
		await double.close();
		await database.close();
	});

	const llmFor = (env: Record<string, string>) =>
		createLlmService({
			config: {
				...loadLlmConfig({ LLM_BASE_URL: double.baseUrl, LLM_MODEL: 'modele-test', ...env })!,
				maxAttempts: 2
			},
			store: createLlmStore(database),
			log: createLogger({ level: 'silent' }),
			backoffMs: () => 1
		});

	it('post-processes both answers and sends an anonymised text', async () => {
		const result = await qualifyProject(
			{
				nom: 'Piste cyclable du bourg',
				description: 'Contact : M. Jean Martin, jean.martin@mairie.example, 02 40 00 11 22.'
			},
			{ llm: llmFor({}), docId: 'doc-communs' }
		);
		expect(result).toMatchObject({
			methode: 'ia',
			model: 'modele-test',
			classification: 'Le projet a un lien avec la transition écologique',
			notice: null,
			leviers: [{ libelle: 'Vélo', score: 0.9 }],
			competences: [
				{ code: '90-87', libelle: 'Circulations douces', score: 0.9 },
				{ code: '90-845', libelle: 'Voirie > Voirie communale', score: 0.75 }
			]
		});
		const sent = double.requests.map((r) => r.lastUserMessage).join('\n');
		expect(sent).toContain('Piste cyclable du bourg');
		for (const personal of ['Jean', 'Martin', 'mairie.example', '02 40'])
			expect(sent).not.toContain(personal);
		expect(double.requests.map((r) => r.messages[0]!.content.includes('M57')).sort()).toStrictEqual([
			false,
			true
		]);
	});

	it('falls back to keywords, with a notice, when the provider fails', async () => {
		double.setHandler(() => ({ status: 500, rawBody: 'panne' }));
		const result = await qualifyProject(
			{ nom: 'Installation de panneaux photovoltaïques sur l’école', description: '' },
			{ llm: llmFor({}), docId: 'doc-communs' }
		);
		expect(result).toMatchObject({
			methode: 'mots-cles',
			notice: 'L’IA n’a pas pu répondre : qualification par mots-clés.'
		});
		expect(result.leviers.map((l) => l.libelle)).toContain('Electricité renouvelable');
		double.setHandler(answers);
	});
});

/** RFC 4180 CSV (quoted fields may hold commas, quotes and new lines). */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\n') {
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else if (c !== '\r') field += c;
	}
	if (field || row.length) rows.push([...row, field]);
	return rows;
}
