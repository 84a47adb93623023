/**
 * Evaluation of the quote checker on the public corpus (`../shared/quotes`): precision and
 * recall of the error codes (MDSO's `expected_errors` plus our `expected_extra`, matched on code
 * and geste index), and accuracy of the extracted fields (`expected_fields`). Every file is read
 * once, with the real reader (OCR included), and checked with the manifest's offline RGE and
 * SIRENE answers. The floors only go up: raise them when the checker improves.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDossier, type QuoteResult } from '#worker/quotes/check/index.ts';
import { mockSources, type ExternalMocks } from '#worker/quotes/rules/index.ts';
import { checkQuoteFile } from '../cli/quotes-check.ts';
import { closeNodeReader } from './read-node.ts';

/** Floors of the evaluation (measured: precision 1.00, recall 1.00, fields 0.99). */
const FLOORS = { precision: 0.97, recall: 0.97, fields: 0.97 };

const CORPUS = join(import.meta.dirname, '../../../shared/quotes');

interface ExpectedError {
	code: string;
	geste?: number | null;
}
interface Entry {
	id: string;
	file: string | null;
	kind: 'quote' | 'case' | 'bad_input';
	members?: string[];
	aides?: string[] | null;
	expected_errors?: ExpectedError[];
	expected_extra?: ExpectedError[];
	expected_fields?: Record<string, unknown> | null;
	external_mocks?: ExternalMocks | null;
	generate?: { size_bytes?: number } | null;
}

const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as Entry[];
const results = new Map<string, { result: QuoteResult; ms: number }>();
const scratch = mkdtempSync(join(tmpdir(), 'quotes-eval-'));

/** B08 is not stored: a file over the 50 Mo limit, refused from its size before reading. */
function tooLargeFile(entry: Entry): string {
	const path = join(scratch, entry.id + '.pdf');
	const size = entry.generate?.size_bytes ?? 55 * 1024 * 1024;
	const bytes = new Uint8Array(size);
	bytes.set(new TextEncoder().encode('%PDF-1.7\n'));
	writeFileSync(path, bytes);
	return path;
}

beforeAll(async () => {
	const tasks: (() => Promise<void>)[] = [];
	for (const entry of manifest) {
		if (entry.kind === 'case') continue;
		// B07 (300 pages, not stored) only measures reading speed: it is left to the reader's tests.
		if (!entry.file && !entry.generate?.size_bytes) continue;
		const path = entry.file ? join(CORPUS, entry.file) : tooLargeFile(entry);
		tasks.push(async () => {
			const { result, ms } = await checkQuoteFile(path, {
				...mockSources(entry.external_mocks),
				aides: entry.aides ?? undefined
			});
			results.set(entry.id, { result, ms });
		});
	}
	// Two at a time: OCR is the slow part and the machine has two cores.
	let next = 0;
	await Promise.all(
		[0, 1].map(async () => {
			while (next < tasks.length) await tasks[next++]!();
		})
	);
}, 400_000);

afterAll(async () => {
	await closeNodeReader();
	rmSync(scratch, { recursive: true, force: true });
});

const key = (e: { code: string; geste?: number | null }) => `${e.code}#${e.geste ?? ''}`;

function compare(expected: ExpectedError[], found: { code: string; geste?: number | null }[]) {
	const exp = expected.map(key);
	const got = found.map(key);
	return {
		tp: exp.filter((k) => got.includes(k)).length,
		missed: exp.filter((k) => !got.includes(k)),
		extra: got.filter((k) => !exp.includes(k))
	};
}

/** Text made comparable: no accents, case or punctuation. */
const norm = (v: unknown): string | number | boolean | null => {
	if (v === null || v === undefined || v === '') return null;
	if (typeof v === 'number') return Math.round(v * 100) / 100;
	if (typeof v === 'boolean') return v;
	return String(v)
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();
};

/** The fields compared with `expected_fields`, read from a result. */
function fieldsOf(r: QuoteResult): Record<string, unknown> {
	const f = r.fields;
	if (!f) return {};
	return {
		numero_devis: f.numero_devis?.value,
		date_devis: f.date_devis?.value,
		date_pre_visite: f.date_pre_visite?.value,
		date_debut_chantier: f.date_debut_chantier?.value,
		delai_debut_chantier: f.delai_debut_chantier?.value,
		validite: f.validite !== null,
		mention_devis: f.mention_devis !== null && f.document_type?.value !== 'facture',
		separation_prix_fourniture_pose: f.separation_fourniture_pose?.value ?? null,
		prix_total_ht: f.prix_total_ht?.value,
		prix_total_ttc: f.prix_total_ttc?.value,
		siret: f.siret?.value,
		raison_sociale: f.raison_sociale?.value,
		forme_juridique: f.forme_juridique?.value,
		capital: f.capital?.value,
		rcs_ville: f.rcs_ville?.value,
		numero_tva: f.numero_tva?.value,
		pro_adresse: f.pro_adresse?.value,
		assurance: f.assurance !== null,
		rge_labels: f.rge_labels.map((l) => l.value).join(' '),
		client_civilite: f.client_civilite?.value,
		client_prenom: f.client_prenom?.value,
		client_nom: f.client_nom?.value,
		client_adresse: f.client_adresse?.value
	};
}

const BOOLEAN_FIELDS = new Set(['validite', 'mention_devis', 'separation_prix_fourniture_pose', 'assurance']);
const GESTE_FIELDS = [
	'type',
	'marque',
	'reference',
	'quantite',
	'unite',
	'prix_unitaire_ht',
	'prix_ht',
	'taux_tva'
];

function fieldScore(entry: Entry, r: QuoteResult): { ok: number; total: number; wrong: string[] } {
	const expected = entry.expected_fields ?? {};
	const got = fieldsOf(r);
	let ok = 0;
	let total = 0;
	const wrong: string[] = [];
	for (const [name, value] of Object.entries(got)) {
		if (!(name in expected)) continue;
		total++;
		let want = expected[name];
		if (name === 'rge_labels') want = (want as string[]).join(' ');
		const same = BOOLEAN_FIELDS.has(name) ? Boolean(value) === Boolean(want) : norm(value) === norm(want);
		if (same) ok++;
		else wrong.push(name);
	}
	const gestes = (expected.gestes ?? []) as Record<string, unknown>[];
	gestes.forEach((g, i) => {
		const found = r.gestes[i];
		for (const name of GESTE_FIELDS) {
			total++;
			const v = found
				? name === 'marque'
					? (found.values.marque ?? found.values.marque_caisson)?.text
					: name === 'reference'
						? (found.values.reference ?? found.values.reference_caisson)?.text
						: (found as unknown as Record<string, unknown>)[name]
				: undefined;
			if (found && norm(v) === norm(g[name])) ok++;
			else wrong.push(`gestes[${i}].${name}`);
		}
	});
	return { ok, total, wrong };
}

describe('corpus evaluation', () => {
	it('finds the expected error codes (precision and recall)', () => {
		let tp = 0;
		let fp = 0;
		let fn = 0;
		const table: string[] = [];
		for (const entry of manifest) {
			const expected = [...(entry.expected_errors ?? []), ...(entry.expected_extra ?? [])];
			let found: { code: string; geste?: number | null }[];
			let status: string;
			let ms = 0;
			if (entry.kind === 'case') {
				const members = (entry.members ?? [])
					.map((m) => results.get(m)?.result)
					.filter((r) => r !== undefined);
				if (members.length !== (entry.members ?? []).length) continue;
				const dossier = checkDossier(members);
				found = dossier.errors;
				status = dossier.status;
			} else {
				const r = results.get(entry.id);
				if (!r) continue;
				found = r.result.errors;
				status = r.result.status;
				ms = r.ms;
			}
			const c = compare(expected, found);
			tp += c.tp;
			fp += c.extra.length;
			fn += c.missed.length;
			const notes = [...c.missed.map((m) => `-${m}`), ...c.extra.map((x) => `+${x}`)].join(' ');
			table.push(
				`${entry.id.padEnd(5)} ${status.padEnd(9)} attendus ${String(expected.length).padStart(2)}  trouvés ${String(c.tp).padStart(2)}  en trop ${String(c.extra.length).padStart(2)}  ${String(ms).padStart(6)} ms  ${notes}`
			);
		}
		const precision = tp / Math.max(1, tp + fp);
		const recall = tp / Math.max(1, tp + fn);
		console.log(
			`${table.join('\n')}\nCodes d'erreur : précision ${precision.toFixed(3)}, rappel ${recall.toFixed(3)} (${tp} trouvés, ${fp} en trop, ${fn} manqués)`
		);
		expect(precision).toBeGreaterThanOrEqual(FLOORS.precision);
		expect(recall).toBeGreaterThanOrEqual(FLOORS.recall);
	});

	it('extracts the expected fields', () => {
		let ok = 0;
		let total = 0;
		const table: string[] = [];
		for (const entry of manifest) {
			const r = results.get(entry.id);
			if (!r || !entry.expected_fields || !('siret' in entry.expected_fields)) continue;
			const s = fieldScore(entry, r.result);
			ok += s.ok;
			total += s.total;
			table.push(
				`${entry.id.padEnd(5)} ${s.ok}/${s.total}${s.wrong.length > 0 ? `  écarts : ${s.wrong.join(', ')}` : ''}`
			);
		}
		const accuracy = ok / Math.max(1, total);
		console.log(`${table.join('\n')}\nChamps : exactitude ${accuracy.toFixed(3)} (${ok}/${total})`);
		expect(accuracy).toBeGreaterThanOrEqual(FLOORS.fields);
	});
});
