import { z } from 'zod';
import type { CompanyLookup } from './external-types.ts';
import { DirectoryUnavailable, type DirectoryDeps } from './rge-client.ts';

const establishment = z.looseObject({
	siret: z.string().nullish(),
	etat_administratif: z.string().nullish()
});
const unit = z.looseObject({
	siren: z.string(),
	nom_complet: z.string().nullish(),
	nom_raison_sociale: z.string().nullish(),
	nature_juridique: z.union([z.string(), z.number()]).transform(String).nullish(),
	etat_administratif: z.string().nullish(),
	siege: establishment.nullish(),
	matching_etablissements: z.array(establishment).nullish()
});
const searchSchema = z.looseObject({ results: z.array(unit) });

/** The company facts of a lookup, without status bookkeeping. */
export type CompanyFacts = Extract<CompanyLookup, { status: 'actif' | 'ferme' | 'introuvable' }>;

/**
 * State of the company and establishment of a SIRET from the Annuaire des entreprises
 * (`GET <base>/search?q=<siret>`, no key needed). Throws DirectoryUnavailable when it does not answer.
 */
export async function fetchCompanyState(
	baseUrl: string,
	siret: string,
	deps: DirectoryDeps & { now: Date }
): Promise<CompanyFacts> {
	const url = new URL(`${baseUrl}/search`);
	url.searchParams.set('q', siret);
	url.searchParams.set('page', '1');
	url.searchParams.set('per_page', '5');
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
	if (!response.ok) {
		await response.body?.cancel().catch(() => {});
		throw new DirectoryUnavailable(`erreur ${response.status}`);
	}
	let parsed: z.infer<typeof searchSchema>;
	try {
		parsed = searchSchema.parse(await response.json());
	} catch (cause) {
		throw new DirectoryUnavailable('réponse inattendue', { cause });
	}
	const siren = siret.slice(0, 9);
	const base = { siret, siren, source: 'recherche-entreprises' as const, checkedAt: deps.now.toISOString() };
	const company = parsed.results.find((r) => r.siren === siren);
	if (!company) {
		return {
			...base,
			status: 'introuvable',
			nom: null,
			natureJuridique: null,
			etablissementActif: null,
			uniteLegaleActive: null
		};
	}
	const found = [...(company.matching_etablissements ?? []), ...(company.siege ? [company.siege] : [])].find(
		(e) => e.siret === siret
	);
	const etablissementActif = found?.etat_administratif ? found.etat_administratif === 'A' : null;
	const uniteLegaleActive = company.etat_administratif ? company.etat_administratif === 'A' : null;
	// A SIRET absent from the establishments listed is not proof of anything (lists are truncated).
	const closed = etablissementActif === false || uniteLegaleActive === false;
	return {
		...base,
		status: closed ? 'ferme' : 'actif',
		nom: company.nom_raison_sociale ?? company.nom_complet ?? null,
		natureJuridique: company.nature_juridique ?? null,
		etablissementActif,
		uniteLegaleActive
	};
}
