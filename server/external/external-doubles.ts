import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local doubles of the ADEME "historique RGE" data-fair API and of the Annuaire des entreprises
 * (recherche-entreprises), on 127.0.0.1, for tests and the offline demo. They serve the corpus'
 * `external_mocks` and can be switched to failure modes.
 */

/** One ADEME record as the real API returns it (the corpus mocks use this shape). */
export interface AdemeRecord {
	siret: string;
	_id: string;
	domaine?: string[] | string;
	[key: string]: unknown;
}

/** A company known to the directory double. */
export interface DirectoryCompany {
	etat: 'actif' | 'ferme';
	nom?: string | null;
	natureJuridique?: string | null;
}

/** What the doubles know: RGE records and company states by SIRET. */
export interface DirectoryData {
	rge: Record<string, AdemeRecord[]>;
	companies: Record<string, DirectoryCompany>;
}

/** How the doubles answer: normally, not at all, with errors, slowly, or with data-fair's cluster failure. */
export type DirectoryMode = 'ok' | 'down' | 'error' | 'slow' | 'shards_failed' | 'garbage';

/** Running doubles. */
export interface DirectoryDoubles {
	/** Put in `ADEME_RGE_BASE_URL`. */
	rgeBaseUrl: string;
	/** Put in `RECHERCHE_ENTREPRISES_BASE_URL`. */
	companyBaseUrl: string;
	/** Paths and queries received, in order. */
	requests: string[];
	setMode(mode: DirectoryMode, options?: { delayMs?: number }): void;
	close(): Promise<void>;
}

const LEGAL_FORM_CODES: Record<string, string> = {
	EI: '1000',
	EURL: '5498',
	SARL: '5499',
	SA: '5599',
	SAS: '5710',
	SASU: '5720'
};

/** Manifest entries as far as the doubles need them. */
export interface MockSource {
	expected_fields?: {
		siret?: string | null;
		raison_sociale?: unknown;
		forme_juridique?: unknown;
		[key: string]: unknown;
	};
	external_mocks?: { ademe_historique_rge?: AdemeRecord[] | string; sirene?: string } | null;
}

/** Gathers the corpus' offline mocks: RGE records (deduplicated by id) and active establishments. */
export function directoryDataFromManifest(entries: readonly MockSource[]): DirectoryData {
	const data: DirectoryData = { rge: {}, companies: {} };
	for (const entry of entries) {
		const mocks = entry.external_mocks;
		const siret = entry.expected_fields?.siret;
		if (!mocks || !siret) continue;
		if (Array.isArray(mocks.ademe_historique_rge)) {
			for (const record of mocks.ademe_historique_rge) {
				const list = (data.rge[record.siret] ??= []);
				if (!list.some((r) => r._id === record._id)) list.push(record);
			}
		}
		if (mocks.sirene === 'etablissement_actif' || mocks.sirene === 'etablissement_ferme') {
			const form =
				typeof entry.expected_fields?.forme_juridique === 'string'
					? entry.expected_fields.forme_juridique
					: '';
			data.companies[siret] = {
				etat: mocks.sirene === 'etablissement_actif' ? 'actif' : 'ferme',
				nom:
					typeof entry.expected_fields?.raison_sociale === 'string'
						? entry.expected_fields.raison_sociale
						: null,
				natureJuridique: LEGAL_FORM_CODES[form] ?? null
			};
		}
	}
	return data;
}

function json(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Starts both doubles on one 127.0.0.1 port; `pageSize` forces ADEME pagination. */
export async function startDirectoryDoubles(
	data: DirectoryData,
	options: { pageSize?: number } = {}
): Promise<DirectoryDoubles> {
	let mode: DirectoryMode = 'ok';
	let delayMs = 0;
	const requests: string[] = [];
	const timers = new Set<NodeJS.Timeout>();
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		requests.push(`${url.pathname}${url.search}`);
		const answer = () => {
			if (mode === 'down') {
				req.socket.destroy();
				return;
			}
			if (mode === 'error') return json(res, 503, { error: 'Service Unavailable' });
			if (mode === 'garbage') return json(res, 200, '<html>maintenance</html>');
			if (url.pathname === '/data-fair/api/v1/datasets/historique-rge/lines') {
				if (mode === 'shards_failed') return json(res, 500, { error: 'all shards failed' });
				const siret = /siret:"?(\d{14})"?/.exec(url.searchParams.get('qs') ?? '')?.[1] ?? '';
				const all = data.rge[siret] ?? [];
				const size = options.pageSize ?? Number(url.searchParams.get('size') ?? 12);
				const after = Number(url.searchParams.get('after') ?? 0);
				const results = all.slice(after, after + size);
				const body: Record<string, unknown> = { total: all.length, results };
				if (after + size < all.length) {
					const next = new URL(url);
					next.searchParams.set('after', String(after + size));
					body.next = `http://${req.headers.host}${next.pathname}${next.search}`;
				}
				return json(res, 200, body);
			}
			if (url.pathname === '/recherche-entreprises/search') {
				const q = (url.searchParams.get('q') ?? '').replace(/\s/g, '');
				const company = data.companies[q];
				if (!company) return json(res, 200, { results: [], total_results: 0, page: 1, per_page: 5 });
				const etat = company.etat === 'actif' ? 'A' : 'F';
				return json(res, 200, {
					results: [
						{
							siren: q.slice(0, 9),
							nom_complet: company.nom ?? null,
							nom_raison_sociale: company.nom ?? null,
							nature_juridique: company.natureJuridique ?? null,
							etat_administratif: company.etat === 'actif' ? 'A' : 'C',
							siege: { siret: q, etat_administratif: etat },
							matching_etablissements: [{ siret: q, etat_administratif: etat }]
						}
					],
					total_results: 1,
					page: 1,
					per_page: 5
				});
			}
			json(res, 404, { error: 'not found' });
		};
		if (mode === 'slow' && delayMs > 0) {
			const timer = setTimeout(() => {
				timers.delete(timer);
				if (!res.destroyed) answer();
			}, delayMs);
			timers.add(timer);
			res.on('close', () => {
				clearTimeout(timer);
				timers.delete(timer);
			});
			return;
		}
		answer();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;
	return {
		rgeBaseUrl: `${origin}/data-fair/api/v1`,
		companyBaseUrl: `${origin}/recherche-entreprises`,
		requests,
		setMode(next, opts = {}) {
			mode = next;
			delayMs = opts.delayMs ?? 0;
		},
		async close() {
			for (const timer of timers) clearTimeout(timer);
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
