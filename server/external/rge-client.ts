import { z } from 'zod';
import type { RgeRecord } from './external-types.ts';

/** Transport of one directory call. */
export interface DirectoryDeps {
	fetch?: typeof fetch;
	timeoutMs: number;
}

/** A directory that did not answer usably; the caller turns it into "non vérifié". */
export class DirectoryUnavailable extends Error {
	override readonly name = 'DirectoryUnavailable';
}

const text = z.union([z.string(), z.number()]).transform(String).nullish();
const recordSchema = z.looseObject({
	siret: text,
	_id: text,
	code_qualification: text,
	nom_qualification: text,
	nom_certificat: text,
	domaine: z.union([z.string(), z.array(z.string())]).nullish(),
	meta_domaine: z.union([z.string(), z.array(z.string())]).nullish(),
	organisme: text,
	date_debut: text,
	date_fin: text,
	nom_entreprise: text,
	particulier: z.union([z.boolean(), z.string()]).nullish()
});
const pageSchema = z.looseObject({
	total: z.number().optional(),
	next: z.string().nullish(),
	results: z.array(recordSchema)
});

/** Pages followed at most (100 records each): a company has a handful of qualifications. */
export const MAX_RGE_PAGES = 10;

function toRecord(raw: z.infer<typeof recordSchema>, siret: string): RgeRecord {
	const list = (v: string | string[] | null | undefined) => (v == null ? [] : Array.isArray(v) ? v : [v]);
	const particulier = raw.particulier;
	return {
		siret: raw.siret ?? siret,
		id: raw._id ?? '',
		codeQualification: raw.code_qualification ?? null,
		nomQualification: raw.nom_qualification ?? null,
		nomCertificat: raw.nom_certificat ?? null,
		domaines: list(raw.domaine),
		metaDomaine: list(raw.meta_domaine).join(', ') || null,
		organisme: raw.organisme ?? null,
		dateDebut: raw.date_debut?.slice(0, 10) ?? null,
		dateFin: raw.date_fin?.slice(0, 10) ?? null,
		nomEntreprise: raw.nom_entreprise ?? null,
		particulier:
			typeof particulier === 'boolean'
				? particulier
				: particulier == null
					? null
					: particulier === 'true' || particulier === 'Oui'
	};
}

async function getJson(url: string, deps: DirectoryDeps): Promise<unknown> {
	let response: Response;
	try {
		response = await (deps.fetch ?? fetch)(url, {
			headers: { accept: 'application/json' },
			redirect: 'error',
			signal: AbortSignal.timeout(deps.timeoutMs)
		});
	} catch (cause) {
		throw new DirectoryUnavailable(`injoignable (${(cause as Error).name})`, { cause });
	}
	const body = await response.text();
	// data-fair answers "all shards failed" when its search cluster is down.
	if (!response.ok || /all shards failed/i.test(body))
		throw new DirectoryUnavailable(`erreur ${response.status}`);
	try {
		return JSON.parse(body);
	} catch (cause) {
		throw new DirectoryUnavailable('réponse illisible', { cause });
	}
}

/**
 * Every ADEME "historique RGE" record of a SIRET: `GET <base>/datasets/historique-rge/lines?qs=siret:"…"`,
 * following `next` links on the same host only. Throws DirectoryUnavailable when ADEME does not answer.
 */
export async function fetchRgeHistory(
	baseUrl: string,
	siret: string,
	deps: DirectoryDeps
): Promise<RgeRecord[]> {
	const first = new URL(`${baseUrl}/datasets/historique-rge/lines`);
	first.searchParams.set('qs', `siret:"${siret}"`);
	first.searchParams.set('size', '100');
	const records: RgeRecord[] = [];
	let url: string | null | undefined = first.href;
	for (let page = 0; url && page < MAX_RGE_PAGES; page++) {
		const parsed = pageSchema.safeParse(await getJson(url, deps));
		if (!parsed.success) throw new DirectoryUnavailable('réponse inattendue');
		// The full-text query may match other SIRETs containing these digits: keep exact matches.
		records.push(...parsed.data.results.map((r) => toRecord(r, siret)).filter((r) => r.siret === siret));
		const next: string | null | undefined = parsed.data.next;
		// Never follow a link to another host (the answer decides where we go next).
		url = next && new URL(next, first).origin === first.origin ? new URL(next, first).href : null;
	}
	return records;
}
