import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '#worker/quotes/check/index.ts';
import { extractQuote, type AdminFields, type Extraction, type Geste } from '#worker/quotes/extract/index.ts';
import { checkQuoteWithLlm, type CheckWithLlmOutcome } from '#worker/quotes/llm-merge/index.ts';
import type { ReadResult } from '#worker/quotes/read/index.ts';
import { loadExternalConfig } from '../external/external-config.ts';
import { createExternalChecks } from '../external/external-checks.ts';
import {
	directoryDataFromManifest,
	startDirectoryDoubles,
	type DirectoryDoubles
} from '../external/external-doubles.ts';
import { createServerCompanySource, createServerRgeSource } from '../external/external-sources.ts';
import type { Database } from '../db/database.ts';
import { createLogger } from '../log.ts';
import { closeNodeReader, readQuoteFile } from '../quotes/read-node.ts';
import { openTestDatabase } from '../testing/pglite.ts';
import { startLlmDouble, type LlmDouble, type LlmDoubleRequest } from './llm-double.ts';
import { loadLlmConfig, type LlmConfig } from './llm-config.ts';
import { createLlmService } from './llm-service.ts';
import { createLlmStore } from './llm-store.ts';
import { extractQuoteForDocument } from './quote-task.ts';
import {
	corpusPath,
	HAS_CORPUS,
	loadManifest,
	textQuotes,
	type ManifestEntry,
	type ManifestGeste
} from './testing/corpus.ts';

/**
 * Corpus evaluation: the rules alone, then the rules merged with an LLM double that answers the
 * manifest's ground truth for the anonymised text it receives. Recall counts, over the text
 * quotes, the expected gestes (by type), their technical values and the administrative fields.
 */

/** Manifest field names → extraction field ids (the manifest keeps the spec's own spelling). */
const FIELD_IDS: Record<string, string> = {
	marque_isolant: 'marque',
	reference_isolant: 'reference',
	surface_isolant: 'surface',
	epaisseur_isolant: 'epaisseur',
	numero_acermi: 'acermi',
	type_materiaux: 'type_materiau',
	classe_energetique_ballon: 'classe_ballon',
	nombre_bouche_extraction: 'nombre_bouches_extraction',
	puissance_absobée_pondéréé_moteur: 'puissance_ponderee',
	presence_parement: 'parement',
	presence_protection: 'protection',
	presence_fixation: 'fixation',
	position_paroie: 'position_paroi',
	norme_calcul_resistance: 'norme',
	puissance_nominale: 'puissance'
};
const fieldId = (key: string) => FIELD_IDS[key] ?? key.toLowerCase();

const ADMIN_KEYS = [
	'numero_devis',
	'date_devis',
	'date_pre_visite',
	'date_debut_chantier',
	'prix_total_ht',
	'prix_total_ttc',
	'siret',
	'raison_sociale',
	'forme_juridique',
	'capital',
	'numero_tva',
	'rcs',
	'rcs_ville'
] as const;

/** The manifest entry a text is about: its devis number, its SIRET and its geste labels. */
function identify(text: string, entries: ManifestEntry[]): ManifestEntry | undefined {
	let best: ManifestEntry | undefined;
	let bestScore = 0;
	for (const e of entries) {
		const f = e.expected_fields ?? {};
		let score = 0;
		if (f.numero_devis && text.includes(f.numero_devis)) score += 10;
		if (f.siret_as_written && text.includes(f.siret_as_written)) score += 2;
		for (const g of f.gestes ?? []) if (text.includes(g.intitule)) score += 1;
		if (score > bestScore) [best, bestScore] = [e, score];
	}
	return best;
}

/** The answer a perfect model would give: the manifest's ground truth in the LLM schema. */
function groundTruthAnswer(entry: ManifestEntry): unknown {
	const f = entry.expected_fields ?? {};
	const v = (k: string) => (f[k] === undefined ? null : f[k]);
	return {
		type_fichier: f.document_type === 'facture' ? 'facture' : 'devis',
		numero_devis: v('numero_devis'),
		date_devis: v('date_devis'),
		date_pre_visite: v('date_pre_visite'),
		date_debut_chantier: v('date_debut_chantier'),
		delai_debut_chantier: v('delai_debut_chantier'),
		separation_prix_fourniture_pose: v('separation_prix_fourniture_pose'),
		prix_total_ht: v('prix_total_ht'),
		prix_total_ttc: v('prix_total_ttc'),
		pro: {
			raison_sociale: v('raison_sociale'),
			forme_juridique: v('forme_juridique'),
			capital: v('capital'),
			siret: v('siret'),
			numero_tva: v('numero_tva'),
			rcs: v('rcs'),
			rcs_ville: v('rcs_ville'),
			rne: v('rne'),
			assurance: null,
			rge_labels: f.rge_labels ?? []
		},
		client: { civilite: null, nom: null, prenom: null, adresse: null },
		gestes: (f.gestes ?? []).map((g: ManifestGeste) => ({
			type: g.type,
			intitule: g.intitule,
			quantite: g.quantite ?? null,
			unite: g.unite ?? null,
			prix_unitaire_ht: g.prix_unitaire_ht ?? null,
			prix_ht: g.prix_ht ?? null,
			taux_tva: g.taux_tva ?? null,
			valeurs: Object.entries(g.fields ?? {}).map(([champ, valeur]) => ({ champ: fieldId(champ), valeur })),
			citation: g.intitule
		}))
	};
}

interface Recall {
	expected: number;
	found: number;
	gestesExpected: number;
	gestesFound: number;
	/** Expected error codes found, missed, and codes emitted that the manifest does not expect. */
	errorsFound: number;
	errorsMissed: number;
	errorsExtra: number;
}

function errorMatch(entry: ManifestEntry, codes: string[], into: Recall): void {
	const expected = (entry.expected_errors ?? []).map((e) => e.code);
	const left = [...codes];
	for (const code of expected) {
		const i = left.indexOf(code);
		if (i === -1) into.errorsMissed++;
		else {
			into.errorsFound++;
			left.splice(i, 1);
		}
	}
	into.errorsExtra += left.length;
}

function recall(entry: ManifestEntry, ex: { admin: AdminFields; gestes: Geste[] }, into: Recall): void {
	const f = entry.expected_fields ?? {};
	const pool = [...ex.gestes];
	for (const g of f.gestes ?? []) {
		const keys = Object.keys(g.fields ?? {}).map(fieldId);
		into.expected += 1 + keys.length;
		into.gestesExpected++;
		const i = pool.findIndex((p) => p.type === g.type);
		if (i === -1) continue;
		const match = pool.splice(i, 1)[0]!;
		into.found += 1 + keys.filter((k) => match.values[k] !== undefined).length;
		into.gestesFound++;
	}
	for (const key of ADMIN_KEYS) {
		if (f[key] === null || f[key] === undefined) continue;
		into.expected++;
		if (ex.admin[key] !== null) into.found++;
	}
}

const pct = (r: Recall) => Math.round((r.found / r.expected) * 1000) / 10;

/**
 * The same quote printed by another software: brand and model without their labels, other
 * wordings for the visit and start dates. Values, lines and pages do not move.
 */
const OTHER_WORDINGS: [RegExp, string][] = [
	[/Marque de l'isolant : /g, 'Isolant '],
	[/Marque : /g, ''],
	[/Référence : /g, ''],
	[/Visite technique préalable :/g, 'Passage du technicien le'],
	[/Début prévisionnel des travaux :/g, 'Intervention à partir du']
];

function otherLayout(read: ReadResult): ReadResult {
	const reword = (text: string) => OTHER_WORDINGS.reduce((t, [from, to]) => t.replace(from, to), text);
	return {
		...read,
		pages: read.pages.map((p) => ({
			...p,
			text: reword(p.text),
			lines: p.lines.map((l) => ({ ...l, text: reword(l.text) }))
		}))
	};
}

describe.skipIf(!HAS_CORPUS)(
	'corpus evaluation: rules alone vs rules + LLM (double answering the ground truth)',
	() => {
		let database: Database;
		let double: LlmDouble;
		let directories: DirectoryDoubles;
		let config: LlmConfig;
		let ctx: CheckContext;
		const docs: { entry: ManifestEntry; layout: 'A' | 'B'; read: ReadResult; rules: Extraction }[] = [];
		const entries = HAS_CORPUS ? textQuotes() : [];

		const service = (overrides: Partial<LlmConfig> = {}) =>
			createLlmService({
				config: { ...config, ...overrides },
				store: createLlmStore(database),
				log: createLogger({ level: 'silent' }),
				backoffMs: () => 1
			});
		const check = (
			doc: (typeof docs)[number],
			llm = service(),
			docId = 'doc-eval'
		): Promise<CheckWithLlmOutcome> =>
			checkQuoteWithLlm(doc.read, ctx, (body) => extractQuoteForDocument(llm, docId, body));

		beforeAll(async () => {
			database = await openTestDatabase();
			double = await startLlmDouble((request: LlmDoubleRequest) => {
				const entry = identify(request.lastUserMessage, entries);
				return entry ? { json: groundTruthAnswer(entry) } : { status: 500, rawBody: 'inconnu' };
			});
			directories = await startDirectoryDoubles(directoryDataFromManifest(loadManifest()));
			const external = createExternalChecks({
				config: loadExternalConfig({
					ADEME_RGE_BASE_URL: directories.rgeBaseUrl,
					RECHERCHE_ENTREPRISES_BASE_URL: directories.companyBaseUrl,
					EXTERNAL_RATE_PER_SECOND: '100'
				})
			});
			ctx = { rge: createServerRgeSource(external), company: createServerCompanySource(external) };
			config = {
				...loadLlmConfig({
					LLM_BASE_URL: double.baseUrl,
					LLM_MODEL: 'double-verite-terrain',
					LLM_PROVIDER_NAME: 'Double'
				})!,
				maxAttempts: 2
			};
			for (const entry of entries) {
				const read = await readQuoteFile(corpusPath(entry), { maxOcrPages: 0 });
				docs.push({ entry, layout: 'A', read, rules: extractQuote(read) });
				const other = otherLayout(read);
				docs.push({ entry, layout: 'B', read: other, rules: extractQuote(other) });
			}
		}, 120_000);
		afterAll(async () => {
			await closeNodeReader();
			await double?.close();
			await directories?.close();
			await database?.close();
		});

		it('raises recall over the rules alone, sending only anonymised text', async () => {
			const empty = (): Recall => ({
				expected: 0,
				found: 0,
				gestesExpected: 0,
				gestesFound: 0,
				errorsFound: 0,
				errorsMissed: 0,
				errorsExtra: 0
			});
			const rulesOnly = { A: empty(), B: empty() };
			const merged = { A: empty(), B: empty() };
			for (const doc of docs) {
				const outcome = await check(doc);
				expect(outcome.assist.status, `${doc.entry.id}: ${outcome.assist.notice}`).toBe('ia');
				const rules = outcome.rules;
				const result = outcome.result;
				recall(doc.entry, { admin: rules.fields!, gestes: rules.gestes }, rulesOnly[doc.layout]);
				recall(doc.entry, { admin: result.fields!, gestes: result.gestes }, merged[doc.layout]);
				errorMatch(
					doc.entry,
					rules.errors.map((e) => e.code),
					rulesOnly[doc.layout]
				);
				errorMatch(
					doc.entry,
					result.errors.map((e) => e.code),
					merged[doc.layout]
				);
				// No geste invented or counted twice.
				expect(result.gestes.length, doc.entry.id).toBe(doc.entry.expected_fields?.gestes?.length ?? 0);
			}
			for (const layout of ['A', 'B'] as const) {
				const r = rulesOnly[layout];
				const m = merged[layout];
				const errors = (x: Recall) =>
					`erreurs attendues trouvées ${x.errorsFound}/${x.errorsFound + x.errorsMissed}, en trop ${x.errorsExtra}`;
				console.info(
					`Disposition ${layout}, ${docs.length / 2} devis texte — règles seules : rappel ${pct(r)} % (${r.found}/${r.expected}, gestes ${r.gestesFound}/${r.gestesExpected}), ${errors(r)} ; ` +
						`règles + IA : rappel ${pct(m)} % (${m.found}/${m.expected}, gestes ${m.gestesFound}/${m.gestesExpected}), ${errors(m)}`
				);
				expect(m.found).toBeGreaterThanOrEqual(r.found);
				expect(m.gestesFound).toBeGreaterThanOrEqual(r.gestesFound);
				expect(m.errorsExtra).toBeLessThanOrEqual(r.errorsExtra);
			}
			expect(docs.length).toBe(50);
			// Where the wording differs from the corpus layout, the merge finds what the rules miss.
			expect(merged.B.found).toBeGreaterThan(rulesOnly.B.found);
			expect(pct(merged.B)).toBeGreaterThanOrEqual(99);
			expect(merged.B.errorsExtra).toBeLessThan(rulesOnly.B.errorsExtra);
			// Every request carried anonymised text only.
			const names = docs.flatMap((d) => [
				d.entry.expected_fields?.client_nom,
				d.entry.expected_fields?.client_prenom
			]);
			for (const request of double.requests) {
				for (const name of names)
					if (name && name.length > 3) expect(request.lastUserMessage).not.toContain(name);
			}
		});

		it('keeps the rules result, with a visible notice, when the provider is down, slow, broken or over quota', async () => {
			const doc = docs.find((d) => d.entry.id === 'Q03' && d.layout === 'B')!;
			// Another model name: the cache (keyed by model and text) must not answer for the provider.
			const broken = (o: Partial<LlmConfig> = {}) =>
				service({ providers: [{ ...config.providers[0]!, model: 'double-en-panne' }], ...o });
			const expectRulesOnly = (outcome: CheckWithLlmOutcome, code: string) => {
				expect(outcome.assist).toMatchObject({ status: 'regles', merged: null, code });
				expect(outcome.assist.notice).toMatch(/Le devis est vérifié par les règles seules\.$/);
				expect(outcome.result).toStrictEqual({
					...outcome.rules,
					origins: outcome.result.origins,
					llm: null
				});
				expect(outcome.result.errors.length).toBeGreaterThan(0);
			};
			double.setHandler(() => ({ rawBody: '{"choices": [{"message": {"content": "pas de JSON ici"}}]}' }));
			expectRulesOnly(await check(doc, broken(), 'doc-invalid'), 'llm_invalid_output');
			double.setHandler(() => ({ delayMs: 1000, json: {} }));
			expectRulesOnly(
				await check(doc, broken({ timeoutMs: 100, maxAttempts: 1 }), 'doc-timeout'),
				'llm_unavailable'
			);
			double.setHandler(() => ({ hangUp: true }));
			expectRulesOnly(await check(doc, broken({ maxAttempts: 1 }), 'doc-down'), 'llm_unavailable');
			expectRulesOnly(await check(doc, broken({ dailyQuota: 0 }), 'doc-quota'), 'llm_quota_exceeded');
			const noLlm = createLlmService({
				config: null,
				store: createLlmStore(database),
				log: createLogger({ level: 'silent' })
			});
			const none = await check(doc, noLlm, 'doc-none');
			expectRulesOnly(none, 'llm_not_configured');
			expect(none.assist.notice).toContain('Aucun modèle d’IA n’est configuré');
			// An unreachable directory is "non vérifié", never an error.
			directories.setMode('down');
			const unreachable = createExternalChecks({
				config: loadExternalConfig({
					ADEME_RGE_BASE_URL: directories.rgeBaseUrl,
					RECHERCHE_ENTREPRISES_BASE_URL: directories.companyBaseUrl
				})
			});
			const offline = await checkQuoteWithLlm(
				doc.read,
				{ rge: createServerRgeSource(unreachable), company: createServerCompanySource(unreachable) },
				null
			);
			expect(offline.result.external).toStrictEqual({ rge: 'non_verifie', company: 'non_verifie' });
			directories.setMode('ok');
		});
	}
);
