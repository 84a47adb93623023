import { PasserelleError } from '#widget/errors.ts';
import type { AppContext } from '../context.ts';
import { readJson, withDocument, type ApiEvent } from '../http/api.ts';
import { loadExternalConfig } from './external-config.ts';
import { createExternalChecks, type ExternalChecks } from './external-checks.ts';
import { toCompanyAnswer, toRgeAnswer } from './external-sources.ts';

const instances = new WeakMap<AppContext, ExternalChecks>();

/** The process' external checks (one cache and one set of limits per context). */
export function externalChecksFor(ctx: AppContext): ExternalChecks {
	let checks = instances.get(ctx);
	if (!checks) {
		checks = createExternalChecks({
			config: loadExternalConfig(process.env),
			log: ctx.log.child({ module: 'external' })
		});
		instances.set(ctx, checks);
	}
	return checks;
}

async function siretFrom(request: Request): Promise<string> {
	const body = await readJson<{ siret?: unknown }>(request);
	if (typeof body.siret !== 'string' || body.siret.length > 40) {
		throw new PasserelleError(
			'external_invalid_request',
			'Requête invalide : un SIRET (texte) est attendu.',
			false,
			{
				details: { status: 400 }
			}
		);
	}
	return body.siret;
}

/** `POST /api/external/rge` `{siret}`: the rules' RGE answer, plus the lookup itself. */
export function rgeCheck(event: ApiEvent): Promise<Response> {
	return withDocument(event, async ({ ctx, auth, request }) => {
		const lookup = await externalChecksFor(ctx).rge(await siretFrom(request), { docId: auth.docId });
		return { ...toRgeAnswer(lookup), lookup };
	});
}

/** `POST /api/external/company` `{siret}`: the rules' company answer, plus the lookup itself. */
export function companyCheck(event: ApiEvent): Promise<Response> {
	return withDocument(event, async ({ ctx, auth, request }) => {
		const lookup = await externalChecksFor(ctx).company(await siretFrom(request), { docId: auth.docId });
		return { ...toCompanyAnswer(lookup), lookup };
	});
}

/** `GET /api/external/status`: whether the Devis tab should check RGE and company state online. */
export function externalStatus(event: ApiEvent): Promise<Response> {
	return withDocument(event, async () => {
		const enabled = loadExternalConfig(process.env).enabled;
		return {
			enabled,
			sources: enabled
				? ['ADEME (qualifications RGE)', 'Annuaire des entreprises (état de l’entreprise)']
				: [],
			message: enabled
				? null
				: 'Vérifications en ligne (RGE, état de l’entreprise) désactivées sur ce serveur : elles restent « non vérifiées ».'
		};
	});
}
