/**
 * `npm run --silent quotes:check -- <fichiers ou dossiers> [--manifest M.json] [--json]`: checks
 * devis with the same engine as the widget (reading, extraction, rules). With `--manifest`, the
 * RGE and SIRENE checks answer from each entry's `external_mocks` (matched by file name);
 * without it they are "non vérifié". A bad file gives a result with its error code and a French
 * message, never a crash; only a usage error exits non-zero.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkQuote, failedQuote, type CheckContext, type QuoteResult } from '#worker/quotes/check/index.ts';
import { OFFLINE_SOURCES, mockSources, type ExternalMocks } from '#worker/quotes/rules/index.ts';
import { closeNodeReader, readQuoteFile } from '../quotes/read-node.ts';

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
	out(text: string): void;
	err(text: string): void;
	signal?: AbortSignal;
}

/** One file's result as `--json` prints it (exact keys, read by other tools). */
export interface QuoteCheckJson {
	file: string;
	status: QuoteResult['status'];
	errors: { code: string; category: string; type: string; geste: number | null }[];
	fields: {
		siret: string | null;
		numero_devis: string | null;
		date_devis: string | null;
		prix_total_ht: number | null;
		prix_total_ttc: number | null;
		client_nom: string | null;
		gestes: { type: string; marque: string | null; reference: string | null }[];
	};
	pages: number | null;
	ocr_pages: number | null;
	ms: number;
	/** French message, for a file that could not be read. */
	message?: string;
}

/** A manifest entry, as far as the CLI uses it. */
interface ManifestEntry {
	file?: string | null;
	external_mocks?: ExternalMocks | null;
	aides?: string[] | null;
}

const USAGE =
	'Usage : npm run --silent quotes:check -- <fichiers ou dossiers> [--manifest manifest.json] [--json]';

/** Extensions read from a folder (other files, such as README or manifest, are skipped). */
const QUOTE_FILE = /\.(?:pdf|png|jpe?g|txt)$/i;

class UsageError extends Error {}

/** The files to check, folders expanded (sorted by name, not recursive). */
export async function listQuoteFiles(paths: readonly string[]): Promise<string[]> {
	const files: string[] = [];
	for (const path of paths) {
		const info = await stat(path).catch(() => null);
		if (info?.isDirectory()) {
			const names = (await readdir(path)).filter((n) => QUOTE_FILE.test(n)).sort();
			files.push(...names.map((n) => join(path, n)));
		} else files.push(path);
	}
	return files;
}

/** Reads and checks one file; a refused file gives a result carrying the reader's error. */
export async function checkQuoteFile(
	path: string,
	ctx: Omit<CheckContext, 'file'> = {}
): Promise<{ result: QuoteResult; ms: number; message?: string }> {
	const started = performance.now();
	const file = basename(path);
	try {
		const read = await readQuoteFile(path, { signal: ctx.signal, ocrWorkers: 2 });
		const result = await checkQuote(read, { ...ctx, file });
		return { result, ms: Math.round(performance.now() - started) };
	} catch (error) {
		if (ctx.signal?.aborted) throw error;
		const missing = (error as { code?: unknown }).code === 'ENOENT';
		const result = failedQuote(
			missing ? { code: 'file_reading_error', userMessage: `Fichier introuvable : « ${path} ».` } : error,
			{ file }
		);
		const message = result.errors[0]?.value ?? 'Lecture impossible.';
		return { result, ms: Math.round(performance.now() - started), message };
	}
}

/** The `--json` object of one result. */
export function toCliJson(result: QuoteResult, ms: number, message?: string): QuoteCheckJson {
	const f = result.fields;
	const out: QuoteCheckJson = {
		file: result.file ?? '',
		status: result.status,
		errors: result.errors.map((e) => ({
			code: e.code,
			category: e.category,
			type: e.type,
			geste: e.geste ?? null
		})),
		fields: {
			siret: f?.siret?.value ?? null,
			numero_devis: f?.numero_devis?.value ?? null,
			date_devis: f?.date_devis?.value ?? null,
			prix_total_ht: f?.prix_total_ht?.value ?? null,
			prix_total_ttc: f?.prix_total_ttc?.value ?? null,
			client_nom: f?.client_nom?.value ?? null,
			gestes: result.gestes.map((g) => ({
				type: g.type,
				marque: (g.values.marque ?? g.values.marque_caisson ?? g.values.marque_capteurs)?.text ?? null,
				reference:
					(g.values.reference ?? g.values.reference_caisson ?? g.values.reference_capteurs)?.text ?? null
			}))
		},
		pages: result.read?.pageCount ?? null,
		ocr_pages: result.read?.ocrPages ?? null,
		ms
	};
	if (message !== undefined) out.message = message;
	return out;
}

async function loadManifest(path: string): Promise<Map<string, ManifestEntry>> {
	let entries: unknown;
	try {
		entries = JSON.parse(await readFile(path, 'utf8'));
	} catch (error) {
		throw new UsageError(
			`Manifeste illisible « ${path} » : ${error instanceof Error ? error.message : String(error)}`
		);
	}
	if (!Array.isArray(entries)) throw new UsageError(`Manifeste « ${path} » : un tableau JSON est attendu.`);
	const byFile = new Map<string, ManifestEntry>();
	for (const e of entries as ManifestEntry[]) if (e && typeof e.file === 'string') byFile.set(e.file, e);
	return byFile;
}

/** Runs `tasks` with at most `limit` at a time, keeping the results in order. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
	const results = new Array<T>(tasks.length);
	let next = 0;
	const worker = async () => {
		while (next < tasks.length) {
			const i = next++;
			results[i] = await tasks[i]!();
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
	return results;
}

function report(json: QuoteCheckJson, result: QuoteResult, io: CliIo): void {
	const blocking = result.errors.filter((e) => e.severity === 'bloquant').length;
	const warnings = result.errors.length - blocking;
	io.out(
		`${json.file} — ${json.status} — ${result.pointsChecked} point(s) vérifié(s), ${blocking} erreur(s) bloquante(s), ${warnings} avertissement(s) — ${json.ms} ms`
	);
	if (json.message) io.out(`  ${json.message}`);
	for (const e of result.errors) {
		const geste = e.geste !== undefined ? ` [geste ${e.geste + 1}]` : '';
		io.out(
			`  ${e.severity === 'bloquant' ? '✗' : '!'} ${e.code}${geste} : ${e.title}${e.value ? ` (${e.value})` : ''}`
		);
	}
}

/** Runs the CLI; resolves to the exit code (0 done, 2 bad usage, 130 cancelled). */
export async function main(argv: string[], io: CliIo): Promise<number> {
	try {
		let parsed;
		try {
			parsed = parseArgs({
				args: argv,
				options: { manifest: { type: 'string' }, json: { type: 'boolean', default: false } },
				allowPositionals: true,
				strict: true
			});
		} catch (error) {
			throw new UsageError(error instanceof Error ? error.message : String(error));
		}
		const { values, positionals } = parsed;
		if (positionals.length === 0) throw new UsageError('Aucun fichier ni dossier à vérifier.');
		const manifest = values.manifest ? await loadManifest(values.manifest) : null;
		const files = await listQuoteFiles(positionals);
		const tasks = files.map((path) => async () => {
			const entry = manifest?.get(basename(path));
			const sources = entry ? mockSources(entry.external_mocks) : OFFLINE_SOURCES;
			const { result, ms, message } = await checkQuoteFile(path, {
				...sources,
				aides: entry?.aides ?? undefined,
				signal: io.signal
			});
			return { result, json: toCliJson(result, ms, message) };
		});
		const results = await pool(tasks, 2);
		if (values.json)
			io.out(
				JSON.stringify(
					results.map((r) => r.json),
					null,
					2
				)
			);
		else for (const r of results) report(r.json, r.result, io);
		return 0;
	} catch (error) {
		if (error instanceof UsageError) {
			io.err(`Erreur : ${error.message}\n${USAGE}`);
			return 2;
		}
		if (io.signal?.aborted) {
			io.err('Vérification annulée.');
			return 130;
		}
		throw error;
	} finally {
		await closeNodeReader();
	}
}

if (import.meta.main) {
	const controller = new AbortController();
	process.once('SIGINT', () => controller.abort());
	process.once('SIGTERM', () => controller.abort());
	const code = await main(process.argv.slice(2), {
		out: (t) => process.stdout.write(`${t}\n`),
		err: (t) => process.stderr.write(`${t}\n`),
		signal: controller.signal
	});
	process.exitCode = code;
}
