import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { PasserelleError } from '#widget/errors.ts';
import type { Database } from '../db/database.ts';
import { demarcheConfigs } from '../db/schema.ts';
import type { SecretsStore } from '../secrets/secrets-store.ts';

/** Official DS GraphQL endpoints (the product was renamed; both answer). */
export const DS_ENDPOINTS = {
	'demarche.numerique.gouv.fr': 'https://demarche.numerique.gouv.fr/api/v2/graphql',
	'demarches-simplifiees.fr': 'https://www.demarches-simplifiees.fr/api/v2/graphql'
} as const;

/** Filters of a démarche sync, applied server-side when DS can, client-side otherwise. */
export interface DemarcheFilters {
	states?: string[];
	groupesInstructeurs?: number[];
	deposeSince?: string;
	deposeUntil?: string;
}

/** A démarche configuration as the widget sees it: never the token. */
export interface DemarcheConfigView {
	id: string;
	demarcheNumber: number;
	dsUrl: string;
	tablePrefix: string;
	filters: DemarcheFilters;
	hasToken: boolean;
	updatedAt: string;
}

/** What the widget sends to create or change a configuration. */
export interface DemarcheConfigInput {
	demarcheNumber?: unknown;
	dsUrl?: unknown;
	token?: unknown;
	tablePrefix?: unknown;
	filters?: unknown;
}

const STATES = ['en_construction', 'en_instruction', 'accepte', 'refuse', 'sans_suite'];
const TOKEN_KIND = 'ds_token';

/** Parses a démarche number typed by a user: a positive integer, or a French error. */
export function parseDemarcheNumber(raw: unknown): number {
	const text = String(raw ?? '').trim();
	if (!/^\d{1,9}$/.test(text) || Number(text) <= 0) {
		throw new PasserelleError(
			'invalid_demarche_number',
			`« ${text.slice(0, 40)} » n’est pas un numéro de démarche : saisissez un nombre entier positif (ex. 12345).`,
			false,
			{
				details: { status: 400 }
			}
		);
	}
	return Number(text);
}

/**
 * Only the official endpoints, those listed in `DS_ALLOWED_URLS`, and loopback (tests, demo)
 * may be called with a stored token: a configuration can never point the server elsewhere.
 */
export function checkDsUrl(raw: unknown, allowed: readonly string[], allowLoopback: boolean): string {
	const text = String(raw ?? '').trim() || DS_ENDPOINTS['demarche.numerique.gouv.fr'];
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new PasserelleError('invalid_ds_url', `Adresse d’API invalide : « ${text.slice(0, 80)} ».`, false, {
			details: { status: 400 }
		});
	}
	const official = (Object.values(DS_ENDPOINTS) as string[]).includes(url.href) || allowed.includes(url.href);
	const loopback =
		allowLoopback && url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
	if (!official && !loopback) {
		throw new PasserelleError(
			'ds_url_not_allowed',
			`Cette adresse d’API Démarches Simplifiées n’est pas autorisée sur ce serveur : ${url.origin}. Demandez à l’administrateur de l’ajouter à DS_ALLOWED_URLS.`,
			false,
			{ details: { status: 400 } }
		);
	}
	return url.href;
}

function parsePrefix(raw: unknown, number: number): string {
	const text = String(raw ?? '').trim() || `Demarche_${number}`;
	if (!/^[A-Z][A-Za-z0-9_]{0,39}$/.test(text)) {
		throw new PasserelleError(
			'invalid_prefix',
			'Le préfixe des tables doit commencer par une majuscule et ne contenir que lettres, chiffres et _.',
			false,
			{
				details: { status: 400 }
			}
		);
	}
	return text;
}

function parseFilters(raw: unknown): DemarcheFilters {
	const f = (raw ?? {}) as Record<string, unknown>;
	const out: DemarcheFilters = {};
	if (Array.isArray(f.states) && f.states.length) {
		const states = f.states.map(String);
		const bad = states.filter((s) => !STATES.includes(s));
		if (bad.length)
			throw new PasserelleError('invalid_filter', `État inconnu : ${bad.join(', ')}.`, false, {
				details: { status: 400 }
			});
		out.states = states;
	}
	if (Array.isArray(f.groupesInstructeurs) && f.groupesInstructeurs.length) {
		out.groupesInstructeurs = f.groupesInstructeurs.map((g) => parseDemarcheNumber(g));
	}
	for (const key of ['deposeSince', 'deposeUntil'] as const) {
		const v = f[key];
		if (v === undefined || v === null || v === '') continue;
		if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) {
			throw new PasserelleError('invalid_filter', 'Les dates de dépôt s’écrivent AAAA-MM-JJ.', false, {
				details: { status: 400 }
			});
		}
		out[key] = v;
	}
	return out;
}

type Row = typeof demarcheConfigs.$inferSelect;

function view(row: Row): DemarcheConfigView {
	return {
		id: row.id,
		demarcheNumber: row.demarcheNumber,
		dsUrl: row.dsUrl,
		tablePrefix: row.tablePrefix,
		filters: row.filters as DemarcheFilters,
		hasToken: row.tokenSecretId !== null,
		updatedAt: row.updatedAt.toISOString()
	};
}

/** Where configurations and their tokens live, always scoped to one Grist document. */
export interface DsConfigStore {
	list(docId: string): Promise<DemarcheConfigView[]>;
	get(docId: string, id: string): Promise<DemarcheConfigView>;
	create(docId: string, input: DemarcheConfigInput): Promise<DemarcheConfigView>;
	update(docId: string, id: string, input: DemarcheConfigInput): Promise<DemarcheConfigView>;
	remove(docId: string, id: string): Promise<void>;
	/** The decrypted DS token of a configuration (server side only). */
	token(docId: string, id: string): Promise<string>;
	/** Incremental sync state saved by server-side runs. */
	syncState(docId: string, id: string): Promise<Record<string, unknown>>;
	saveSyncState(docId: string, id: string, state: Record<string, unknown>): Promise<void>;
}

/** Options of the store: which DS endpoints may be configured. */
export interface DsConfigStoreOptions {
	allowedUrls?: readonly string[];
	allowLoopback?: boolean;
}

/** Builds the configuration store over the database and the secrets store. */
export function createDsConfigStore(
	database: Database,
	secrets: SecretsStore,
	options: DsConfigStoreOptions = {}
): DsConfigStore {
	const { db } = database;
	const allowed = options.allowedUrls ?? [];
	const loopback = options.allowLoopback ?? false;

	async function row(docId: string, id: string): Promise<Row> {
		const [found] = await db
			.select()
			.from(demarcheConfigs)
			.where(and(eq(demarcheConfigs.docId, docId), eq(demarcheConfigs.id, id)));
		if (!found)
			throw new PasserelleError(
				'config_not_found',
				'Configuration de démarche introuvable pour ce document.',
				false,
				{ details: { status: 404 } }
			);
		return found;
	}

	async function storeToken(docId: string, id: string, token: unknown): Promise<string> {
		const text = String(token ?? '').trim();
		if (text.length < 8)
			throw new PasserelleError(
				'invalid_token',
				'Le jeton d’API Démarches Simplifiées semble incomplet.',
				false,
				{ details: { status: 400 } }
			);
		return secrets.putSecret(docId, TOKEN_KIND, id, text);
	}

	return {
		async list(docId) {
			const rows = await db
				.select()
				.from(demarcheConfigs)
				.where(eq(demarcheConfigs.docId, docId))
				.orderBy(demarcheConfigs.demarcheNumber);
			return rows.map(view);
		},
		async get(docId, id) {
			return view(await row(docId, id));
		},
		async create(docId, input) {
			const demarcheNumber = parseDemarcheNumber(input.demarcheNumber);
			const dsUrl = checkDsUrl(input.dsUrl, allowed, loopback);
			const tablePrefix = parsePrefix(input.tablePrefix, demarcheNumber);
			const filters = parseFilters(input.filters);
			const [existing] = await db
				.select({ id: demarcheConfigs.id })
				.from(demarcheConfigs)
				.where(and(eq(demarcheConfigs.docId, docId), eq(demarcheConfigs.demarcheNumber, demarcheNumber)));
			if (existing) {
				throw new PasserelleError(
					'config_exists',
					`La démarche ${demarcheNumber} est déjà configurée dans ce document.`,
					false,
					{ details: { status: 409 } }
				);
			}
			const id = randomUUID();
			const tokenSecretId = await storeToken(docId, id, input.token);
			await db
				.insert(demarcheConfigs)
				.values({ id, docId, demarcheNumber, dsUrl, tokenSecretId, tablePrefix, filters });
			return view(await row(docId, id));
		},
		async update(docId, id, input) {
			const current = await row(docId, id);
			const changes: Partial<typeof demarcheConfigs.$inferInsert> = { updatedAt: new Date() };
			if (input.dsUrl !== undefined) changes.dsUrl = checkDsUrl(input.dsUrl, allowed, loopback);
			if (input.tablePrefix !== undefined)
				changes.tablePrefix = parsePrefix(input.tablePrefix, current.demarcheNumber);
			if (input.filters !== undefined) changes.filters = parseFilters(input.filters);
			if (input.token !== undefined && input.token !== '')
				changes.tokenSecretId = await storeToken(docId, id, input.token);
			await db
				.update(demarcheConfigs)
				.set(changes)
				.where(and(eq(demarcheConfigs.docId, docId), eq(demarcheConfigs.id, id)));
			return view(await row(docId, id));
		},
		async remove(docId, id) {
			const current = await row(docId, id);
			await db
				.delete(demarcheConfigs)
				.where(and(eq(demarcheConfigs.docId, docId), eq(demarcheConfigs.id, id)));
			if (current.tokenSecretId) await secrets.deleteSecret(current.tokenSecretId, { docId });
		},
		async token(docId, id) {
			const current = await row(docId, id);
			if (!current.tokenSecretId)
				throw new PasserelleError(
					'token_missing',
					'Aucun jeton enregistré pour cette démarche : saisissez-le à nouveau.',
					false,
					{ details: { status: 400 } }
				);
			return secrets.getSecret(current.tokenSecretId, { docId });
		},
		async syncState(docId, id) {
			return (await row(docId, id)).syncState as Record<string, unknown>;
		},
		async saveSyncState(docId, id, state) {
			await db
				.update(demarcheConfigs)
				.set({ syncState: state, updatedAt: new Date() })
				.where(and(eq(demarcheConfigs.docId, docId), eq(demarcheConfigs.id, id)));
		}
	};
}
