import { json } from '@sveltejs/kit';
import { createDsGraphqlTransport } from '../ds/graphql-transport.ts';
import { handleDsProxyRequest } from '../ds/ds-proxy.ts';
import { ensureDemoDemarche } from '../demo/demo-demarche.ts';
import type { AppContext } from '../context.ts';
import { readJson, withDocument, type ApiEvent } from '../http/api.ts';
import {
	checkDsUrl,
	createDsConfigStore,
	parseDemarcheNumber,
	type DemarcheConfigInput,
	type DsConfigStore
} from './ds-configs.ts';
import { testDemarche } from './ds-service.ts';

const stores = new WeakMap<AppContext, DsConfigStore>();

/** The configuration store of the running server (DS endpoints allowed by `DS_ALLOWED_URLS`). */
export function dsConfigStore(ctx: AppContext): DsConfigStore {
	let store = stores.get(ctx);
	if (!store) {
		store = createDsConfigStore(ctx.db, ctx.secrets, {
			allowedUrls: (process.env.DS_ALLOWED_URLS ?? '')
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean),
			// Loopback DS servers are for the demo and development, never for production.
			allowLoopback: ctx.config.demo || !ctx.config.production
		});
		stores.set(ctx, store);
	}
	return store;
}

async function transportFor(ctx: AppContext, docId: string, id: string) {
	const store = dsConfigStore(ctx);
	const config = await store.get(docId, id);
	return {
		config,
		transport: createDsGraphqlTransport({ endpoint: config.dsUrl, token: await store.token(docId, id) })
	};
}

/**
 * Storing or changing a démarche's token, and using it (connection test, the sync's DS calls),
 * need a proven editor of the document: a viewer cannot make the server act with its secrets.
 */
const WRITE = { access: 'write' } as const;

/** `GET /api/ds/configs`: the document's démarches (the demo démarche is added in demo mode). */
export const listConfigs = (event: ApiEvent) =>
	withDocument(event, async ({ ctx, auth }) => {
		const store = dsConfigStore(ctx);
		if (auth.mode === 'demo') await ensureDemoDemarche(store, auth.docId);
		return { configs: await store.list(auth.docId) };
	});

/** `POST /api/ds/configs`: tests the token on the démarche first; stores nothing if DS refuses. */
export const createConfig = (event: ApiEvent) =>
	withDocument(
		event,
		async ({ ctx, auth, request }) => {
			const input = await readJson<DemarcheConfigInput>(request);
			const store = dsConfigStore(ctx);
			const demarche = parseDemarcheNumber(input.demarcheNumber);
			const allowLoopback = ctx.config.demo || !ctx.config.production;
			const endpoint = checkDsUrl(input.dsUrl, (process.env.DS_ALLOWED_URLS ?? '').split(','), allowLoopback);
			const info = await testDemarche(
				createDsGraphqlTransport({ endpoint, token: String(input.token ?? '') }),
				demarche
			);
			const config = await store.create(auth.docId, { ...input, dsUrl: endpoint });
			ctx.log.info('Démarche configurée', { docId: auth.docId, demarche });
			return { config, demarche: info };
		},
		WRITE
	);

/** `PATCH /api/ds/configs/:id`: filters, prefix, or a new token (tested before it is kept). */
export const updateConfig = (event: ApiEvent, id: string) =>
	withDocument(
		event,
		async ({ ctx, auth, request }) => {
			const input = await readJson<DemarcheConfigInput>(request);
			const store = dsConfigStore(ctx);
			if (input.token) {
				const current = await store.get(auth.docId, id);
				await testDemarche(
					createDsGraphqlTransport({ endpoint: current.dsUrl, token: String(input.token) }),
					current.demarcheNumber
				);
			}
			return { config: await store.update(auth.docId, id, input) };
		},
		WRITE
	);

/** `DELETE /api/ds/configs/:id`: forgets the configuration and its token (Grist tables stay). */
export const deleteConfig = (event: ApiEvent, id: string) =>
	withDocument(
		event,
		async ({ ctx, auth }) => {
			await dsConfigStore(ctx).remove(auth.docId, id);
			return null;
		},
		WRITE
	);

/** `POST /api/ds/configs/:id/test`: the connection test with the stored token. */
export const testConfig = (event: ApiEvent, id: string) =>
	withDocument(
		event,
		async ({ ctx, auth }) => {
			const { config, transport } = await transportFor(ctx, auth.docId, id);
			return { demarche: await testDemarche(transport, config.demarcheNumber) };
		},
		WRITE
	);

/**
 * `POST /api/ds/configs/:id/graphql`: the widget's worker pages through DS via the server,
 * which holds the token and forwards only Passerelle's own read queries.
 */
export async function proxyGraphql(event: ApiEvent, id: string): Promise<Response> {
	let answer: Awaited<ReturnType<typeof handleDsProxyRequest>> | undefined;
	const response = await withDocument(
		event,
		async ({ ctx, auth, request }) => {
			const { transport } = await transportFor(ctx, auth.docId, id);
			answer = await handleDsProxyRequest(await readJson(request), transport, request.signal);
			return null;
		},
		WRITE
	);
	if (!answer) return response;
	return json(answer.body, {
		status: answer.status,
		headers: { ...answer.headers, 'cache-control': 'no-store' }
	});
}
