import { PasserelleError } from './errors.ts';
import type { GristBackend } from './grist-port.ts';
import type { CellValue, GristTable, TableColumns } from './grist-types.ts';
import { jsonBytes } from './user-actions.ts';
import { parseOptions } from './plugin-backend.ts';

/** Grist's REST API refuses JSON bodies over 1 MB (413); stay under it with room for headers. */
export const REST_MAX_BODY_BYTES = 900_000;
/** The hard limit Grist enforces. */
export const GRIST_BODY_LIMIT = 1024 * 1024;

/** Where and how to reach a Grist document over REST. */
export interface RestBackendOptions {
	/** Grist origin, e.g. `https://grist.numerique.gouv.fr` (no trailing `/api`). */
	gristUrl: string;
	docId: string;
	/** API key (`Authorization: Bearer`), or a widget access token sent as `?auth=`. */
	apiKey?: string;
	accessToken?: string;
	fetch?: typeof fetch;
	timeoutMs?: number;
}

/** GristBackend over Grist's REST API (server side, or tests). */
export function createRestBackend(options: RestBackendOptions): GristBackend {
	const doFetch = options.fetch ?? fetch;
	const base = `${options.gristUrl.replace(/\/+$/, '')}/api/docs/${encodeURIComponent(options.docId)}`;

	async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
		const url = new URL(base + path);
		if (options.accessToken) url.searchParams.set('auth', options.accessToken);
		const headers: Record<string, string> = { Accept: 'application/json' };
		if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
		let payload: string | undefined;
		if (body !== undefined) {
			payload = JSON.stringify(body);
			headers['Content-Type'] = 'application/json';
			if (jsonBytes(body) > GRIST_BODY_LIMIT) {
				throw new PasserelleError('grist_body_too_large', 'Envoi trop volumineux pour Grist (plus de 1 Mo).');
			}
		}
		let response: Response;
		try {
			response = await doFetch(url, {
				method,
				headers,
				body: payload,
				signal: AbortSignal.timeout(options.timeoutMs ?? 60_000)
			});
		} catch (cause) {
			throw new PasserelleError(
				'grist_unreachable',
				`Grist ne répond pas (${options.gristUrl}). Vérifiez l’adresse ou réessayez plus tard.`,
				true,
				{ cause }
			);
		}
		const text = await response.text();
		if (!response.ok) throw restError(response.status, text, options.docId);
		return (text === '' ? null : JSON.parse(text)) as T;
	}

	return {
		kind: 'rest',
		maxBodyBytes: REST_MAX_BODY_BYTES,
		async listTables() {
			const { tables } = await call<{ tables: { id: string; fields: Record<string, unknown> }[] }>(
				'GET',
				'/tables'
			);
			const out: GristTable[] = [];
			for (const t of tables) {
				if (Number(t.fields.summarySourceTable ?? 0)) continue;
				const { columns } = await call<{ columns: { id: string; fields: Record<string, unknown> }[] }>(
					'GET',
					`/tables/${encodeURIComponent(t.id)}/columns?hidden=true`
				);
				out.push({
					id: t.id,
					columns: columns
						.filter((c) => c.id !== 'manualSort' && !c.id.startsWith('gristHelper_'))
						.map((c) => ({
							id: c.id,
							type: String(c.fields.type ?? 'Any'),
							label: String(c.fields.label ?? c.id),
							isFormula: Boolean(c.fields.isFormula),
							formula: String(c.fields.formula ?? ''),
							widgetOptions: parseOptions(c.fields.widgetOptions)
						}))
				});
			}
			return out;
		},
		async fetchTable(tableId) {
			const { records } = await call<{ records: { id: number; fields: Record<string, CellValue> }[] }>(
				'GET',
				`/tables/${encodeURIComponent(tableId)}/records?hidden=true`
			);
			const data: Record<string, CellValue[]> = {};
			const ids: number[] = [];
			records.forEach((r, i) => {
				ids.push(r.id);
				for (const [col, value] of Object.entries(r.fields)) {
					(data[col] ??= new Array<CellValue>(records.length).fill(null))[i] = value;
				}
			});
			return { ...data, id: ids } as TableColumns;
		},
		async applyUserActions(actions) {
			const result = await call<{ retValues: unknown[] }>('POST', '/apply', actions);
			return result.retValues;
		}
	};
}

/** Maps a Grist REST error status to a typed error with a French message. */
export function restError(status: number, body: string, docId: string): PasserelleError {
	const detail = body.slice(0, 300);
	switch (status) {
		case 401:
			return new PasserelleError(
				'grist_unauthorized',
				'Clé API Grist refusée : vérifiez-la ou créez-en une nouvelle dans votre profil Grist.',
				false,
				{ details: { status, detail } }
			);
		case 403:
			return new PasserelleError(
				'grist_forbidden',
				`Accès refusé au document Grist ${docId} : la clé ou le jeton n’a pas les droits d’écriture.`,
				false,
				{ details: { status, detail } }
			);
		case 404:
			return new PasserelleError(
				'grist_not_found',
				`Document ou table introuvable dans Grist (${docId}).`,
				false,
				{ details: { status, detail } }
			);
		case 413:
			return new PasserelleError(
				'grist_body_too_large',
				'Envoi trop volumineux pour Grist (plus de 1 Mo).',
				false,
				{ details: { status } }
			);
		case 429:
			return new PasserelleError(
				'grist_rate_limited',
				'Grist limite le nombre de requêtes : nouvel essai bientôt.',
				true,
				{ details: { status } }
			);
		default:
			if (status >= 500) {
				return new PasserelleError(
					'grist_server_error',
					`Grist a rencontré une erreur (${status}). Nouvel essai bientôt.`,
					true,
					{ details: { status, detail } }
				);
			}
			return new PasserelleError(
				'grist_bad_request',
				`Grist a refusé la requête (${status}) : ${detail}`,
				false,
				{ details: { status, detail } }
			);
	}
}
