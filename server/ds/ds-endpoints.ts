import { dsError } from '#worker/ds/ds-errors.ts';

/** DS GraphQL endpoints by preset name (the product was renamed; both hosts answer, ds.md §1.1). */
export const DS_ENDPOINT_PRESETS = {
	'demarche.numerique.gouv.fr': 'https://demarche.numerique.gouv.fr/api/v2/graphql',
	'demarches-simplifiees.fr': 'https://www.demarches-simplifiees.fr/api/v2/graphql'
} as const;

/** Name of an endpoint preset. */
export type DsEndpointPreset = keyof typeof DS_ENDPOINT_PRESETS;

/**
 * Resolves a preset name, a DS origin (`https://demarches.adullact.org`) or a full GraphQL URL
 * (a local fake DS) to the GraphQL endpoint; French error otherwise.
 */
export function resolveDsEndpoint(presetOrUrl: string | undefined): string {
	const text = (presetOrUrl ?? '').trim();
	if (text === '') return DS_ENDPOINT_PRESETS['demarche.numerique.gouv.fr'];
	if (text in DS_ENDPOINT_PRESETS) return DS_ENDPOINT_PRESETS[text as DsEndpointPreset];
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw dsError('ds_invalid_input', {
			detail: `Adresse de l’API Démarches Simplifiées invalide : « ${text.slice(0, 80)} ».`
		});
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw dsError('ds_invalid_input', {
			detail: `Adresse de l’API invalide (http ou https attendu) : « ${text} ».`
		});
	}
	// An instance origin alone gets DS's standard path.
	if (url.pathname === '/' || url.pathname === '') url.pathname = '/api/v2/graphql';
	return url.href;
}
