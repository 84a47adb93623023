import { DEMARCHE_SCHEMA_QUERY } from '#worker/ds/ds-queries.ts';
import type { DsTransport } from '#worker/ds/ds-transport.ts';
import { dsError, raiseFatalGraphqlErrors } from '#worker/ds/ds-errors.ts';

/** What the widget shows once the token is proven to see the démarche. */
export interface DemarcheInfo {
	title: string;
	state: string;
	groupes: { number: number; label: string }[];
}

interface SchemaAnswer {
	demarche: {
		title: string;
		state: string;
		groupeInstructeurs: { number: number; label: string; closed: boolean }[];
	} | null;
}

/**
 * Proves the token sees the démarche (one request) and returns its title and groupes
 * instructeurs; DS errors come back typed with their French message (token refused, démarche
 * not visible, unknown démarche, rate limited, DS down).
 */
export async function testDemarche(transport: DsTransport, demarche: number): Promise<DemarcheInfo> {
	const result = await transport.request<SchemaAnswer>(DEMARCHE_SCHEMA_QUERY, { demarche });
	raiseFatalGraphqlErrors(result.errors, { demarche });
	const d = result.data?.demarche;
	if (!d) throw dsError('ds_bad_response', { demarche });
	return {
		title: d.title,
		state: d.state,
		groupes: d.groupeInstructeurs.filter((g) => !g.closed).map((g) => ({ number: g.number, label: g.label }))
	};
}
