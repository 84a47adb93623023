/**
 * `npm run --silent sync:ds -- --ds-url URL --token T --demarche N --grist-url URL --grist-key K
 * --doc DOCID [--prefix P] [--full] [--deletions delete|flag] [--json]`: syncs one démarche into a
 * Grist document over Grist's REST API. The incremental state lives in the document's
 * `Passerelle_etat` table, shared with the widget. `--token`/`--grist-key` may come from
 * `DS_API_TOKEN`/`GRIST_API_KEY` instead (keeps secrets out of the process list).
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { PasserelleError, toErrorPayload } from '#widget/errors.ts';
import { createGristPort } from '#widget/grist-port.ts';
import { createRestBackend } from '#widget/rest-backend.ts';
import { dsError } from '#worker/ds/ds-errors.ts';
import { dsStateKey, loadDsState, saveDsState } from '#worker/ds/ds-state.ts';
import { parseDemarcheNumber, runDsSync, type DsSyncResult } from '#worker/ds/ds-sync.ts';
import { sharedRateLimiter } from '#worker/ds/ds-throttle.ts';
import { defaultTablePrefix } from '#worker/ds/form-plan.ts';
import { resolveDsEndpoint } from '../ds/ds-endpoints.ts';
import { createDsGraphqlTransport } from '../ds/graphql-transport.ts';

/** Options that take a value (the others are flags). */
const VALUE_OPTIONS = [
	'ds-url',
	'token',
	'demarche',
	'grist-url',
	'grist-key',
	'doc',
	'prefix',
	'deletions',
	'requests-per-minute',
	'max-attempts'
];

/**
 * Turns `--token -abc` into `--token=-abc`: parseArgs would read a value starting with "-" as an
 * option, and API tokens can start with one.
 */
export function bindValues(argv: string[], names: readonly string[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		const next = argv[i + 1];
		if (names.some((n) => arg === `--${n}`) && next !== undefined) {
			out.push(`${arg}=${next}`);
			i++;
		} else out.push(arg);
	}
	return out;
}

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
	out(text: string): void;
	err(text: string): void;
	env: Record<string, string | undefined>;
	signal?: AbortSignal;
}

/** The summary `--json` prints (exact keys, read by other checks). */
export interface SyncDsSummary {
	dossiers_seen: number;
	rows_upserted: number;
	rows_deleted: number;
	requests: number;
	seconds: number;
}

const USAGE =
	'Usage : npm run --silent sync:ds -- --ds-url URL --token JETON --demarche N --grist-url URL --grist-key CLE --doc DOC [--prefix P] [--full] [--deletions delete|flag] [--json]';

function required(value: string | undefined, what: string): string {
	if (!value) throw dsError('ds_invalid_input', { detail: `Paramètre manquant : ${what}. ${USAGE}` });
	return value;
}

function positiveInt(value: string | undefined, what: string): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n <= 0) {
		throw dsError('ds_invalid_input', { detail: `${what} : entier positif attendu, reçu « ${value} ».` });
	}
	return n;
}

/** Runs the CLI; resolves to the exit code (0 ok or partial, 1 failure, 2 bad usage, 130 cancelled). */
export async function main(argv: string[], io: CliIo): Promise<number> {
	try {
		const { values } = parseArgs({
			// Secrets may start with "-" (base64url): bind each value to its option first.
			args: bindValues(argv, VALUE_OPTIONS),
			options: {
				'ds-url': { type: 'string' },
				token: { type: 'string' },
				demarche: { type: 'string' },
				'grist-url': { type: 'string' },
				'grist-key': { type: 'string' },
				doc: { type: 'string' },
				prefix: { type: 'string' },
				full: { type: 'boolean', default: false },
				deletions: { type: 'string' },
				json: { type: 'boolean', default: false },
				'requests-per-minute': { type: 'string' },
				'max-attempts': { type: 'string' }
			},
			strict: true
		});
		const json = values.json ?? false;
		const demarche = parseDemarcheNumber(required(values.demarche, '--demarche'));
		const token = required(values.token ?? io.env.DS_API_TOKEN, '--token (ou DS_API_TOKEN)');
		const endpoint = resolveDsEndpoint(values['ds-url']);
		const gristUrl = required(values['grist-url'], '--grist-url');
		const apiKey = required(values['grist-key'] ?? io.env.GRIST_API_KEY, '--grist-key (ou GRIST_API_KEY)');
		const docId = required(values.doc, '--doc');
		if (values.deletions && values.deletions !== 'delete' && values.deletions !== 'flag') {
			throw dsError('ds_invalid_input', {
				detail: `--deletions : « delete » ou « flag » attendu, reçu « ${values.deletions} ».`
			});
		}
		const prefix = values.prefix ?? defaultTablePrefix(demarche);
		const maxAttempts = positiveInt(values['max-attempts'], '--max-attempts');
		const perMinute = positiveInt(values['requests-per-minute'], '--requests-per-minute') ?? 200;

		const grist = createGristPort(createRestBackend({ gristUrl, docId, apiKey }));
		const transport = createDsGraphqlTransport({ endpoint, token });
		const key = dsStateKey(demarche, prefix);
		const state = await loadDsState(grist, key);
		// The budget is per DS token: runs of this process with the same token share it.
		const fingerprint = createHash('sha256').update(token).digest('hex').slice(0, 16);
		const result = await runDsSync({
			transport,
			grist,
			demarche,
			state,
			signal: io.signal,
			options: {
				mode: values.full ? 'full' : 'auto',
				tablePrefix: prefix,
				deletions: values.deletions as 'delete' | 'flag' | undefined,
				rateLimiter: sharedRateLimiter(fingerprint, perMinute),
				...(maxAttempts ? { retry: { maxAttempts } } : {})
			},
			onProgress: (p) => {
				if (!json && p.log) io.err(p.log);
			}
		});
		if (result.state) await saveDsState(grist, key, result.state, Date.now());
		report(result, json, io);
		if (result.status === 'cancelled') return 130;
		return 0;
	} catch (error) {
		const payload = toErrorPayload(error);
		io.err(`Erreur : ${payload.message}`);
		return error instanceof PasserelleError && error.code === 'ds_invalid_input' ? 2 : 1;
	}
}

function report(result: DsSyncResult, json: boolean, io: CliIo): void {
	const summary: SyncDsSummary = {
		dossiers_seen: result.dossiersSeen,
		rows_upserted: result.rowsAdded + result.rowsUpdated,
		rows_deleted: result.rowsDeleted,
		requests: result.requests,
		seconds: result.seconds
	};
	if (json) {
		io.out(JSON.stringify(summary));
		return;
	}
	const mode = result.mode === 'full' ? 'complète' : 'incrémentale';
	const status =
		result.status === 'success' ? 'réussie' : result.status === 'partial' ? 'partielle' : 'annulée';
	io.out(
		`Synchronisation ${mode} ${status} en ${result.seconds} s : ${summary.dossiers_seen} dossier(s) lus, ${summary.rows_upserted} ligne(s) écrites, ${summary.rows_deleted} supprimée(s), ${summary.requests} requête(s) DS.`
	);
	for (const c of result.culprits) io.out(`Dossier n° ${c.number ?? '?'} non synchronisé : ${c.message}`);
	for (const c of result.conflicts) io.out(c.message);
}

if (import.meta.main) {
	const controller = new AbortController();
	process.once('SIGINT', () => controller.abort());
	process.once('SIGTERM', () => controller.abort());
	const code = await main(process.argv.slice(2), {
		out: (t) => process.stdout.write(`${t}\n`),
		err: (t) => process.stderr.write(`${t}\n`),
		env: process.env,
		signal: controller.signal
	});
	process.exitCode = code;
}
