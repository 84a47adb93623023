import { readJson, withDocument, type ApiEvent } from '../http/api.ts';
import { llmServiceFor } from '../llm/llm-routes.ts';
import { qualifyProject } from './qualify-service.ts';

/** `POST /api/communs/qualify` `{nom, description}`: compétences and leviers with scores. */
export function qualify(event: ApiEvent): Promise<Response> {
	return withDocument(event, async ({ ctx, auth, request }) =>
		qualifyProject(await readJson(request), {
			llm: llmServiceFor(ctx),
			docId: auth.docId,
			signal: request.signal
		})
	);
}
