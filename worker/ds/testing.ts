import { buildSchema, graphql, type GraphQLSchema } from 'graphql';
import { PasserelleError } from '#widget/errors.ts';
import { readDsBody, type DsTransport } from './ds-transport.ts';
import type { DsChamp, DsDescriptor, DossierState } from './ds-types.ts';

/**
 * A small in-memory DS for unit tests: executes our documents against the real schema with
 * graphql-js over plain data, with DS's paging rules (max 100, keyset cursors, `updatedSince`
 * ordering, `createdSince` ignored with `updatedSince`) and injectable faults.
 */

/** A dossier as tests describe it; champs are in schema shape (`value`, not our aliases). */
export interface MemoryDossier {
	number: number;
	state: DossierState;
	groupe: number;
	labels: string[];
	deposeAt: number;
	updatedAt: number;
	revisionId: string;
	champs: Record<string, unknown>[];
	annotations: Record<string, unknown>[];
	demandeur?: Record<string, unknown>;
}

/** A schema-shaped champ (the executor resolves `value`, `date`… as DS names them). */
export type SchemaChamp = Record<string, unknown> & { __typename: string; champDescriptorId: string };

/** A request the memory DS received. */
export interface MemoryCall {
	operation: string;
	variables: Record<string, unknown>;
}

/** Options of the memory DS. */
export interface MemoryDsOptions {
	demarche?: number;
	/** Démarches the token may see (default: the one démarche). */
	visible?: number[];
	revisions?: {
		id: string;
		dateCreation: string;
		champDescriptors: DsDescriptor[];
		annotationDescriptors: DsDescriptor[];
	}[];
	activeRevisionId?: string;
	groupes?: { number: number; label: string }[];
	labels?: string[];
	dossiers?: MemoryDossier[];
}

/** The memory DS: its data (mutable by tests), its transport, and what it received. */
export interface MemoryDs {
	transport: DsTransport;
	dossiers: Map<number, MemoryDossier>;
	deleted: { number: number; at: number; reason: string; state: string }[];
	pending: { number: number; at: number; reason: string; state: string }[];
	calls: MemoryCall[];
	/** Called before each request; may throw a transport error or return a GraphQL error for a dossier. */
	fault: ((call: MemoryCall) => void) | null;
	/** Dossiers whose resolution fails with a GraphQL error (bad data on DS's side, ds.md #11942). */
	broken: Set<number>;
	options: Required<Pick<MemoryDsOptions, 'demarche'>> & MemoryDsOptions;
}

const b64 = (text: string) => btoa(text);
/** DS's keyset cursor: base64url of `<timestamp>;<dossier id>`. */
const cursorOf = (key: number, n: number) =>
	b64(`${new Date(key).toISOString()};${n}`)
		.replace(/\+/g, '-')
		.replace(/\//g, '_')
		.replace(/=+$/, '');
const readCursor = (cursor: string): [number, number] => {
	const b = cursor.replace(/-/g, '+').replace(/_/g, '/');
	const [at, n] = atob(b + '='.repeat((4 - (b.length % 4)) % 4)).split(';');
	return [Date.parse(at!), Number(n)];
};
const iso = (ms: number) => new Date(ms).toISOString();

/** Base64 descriptor/champ id of a stable id, as DS builds it. */
export function champIdOf(stableId: number): string {
	return b64(`Champ-${stableId}`);
}

/** Starts a memory DS over the real schema text. */
export function createMemoryDs(schemaText: string, options: MemoryDsOptions = {}): MemoryDs {
	const schema: GraphQLSchema = buildSchema(schemaText);
	const demarcheNumber = options.demarche ?? 42;
	const visible = new Set(options.visible ?? [demarcheNumber]);
	const revisions = (
		options.revisions ?? [
			{
				id: 'UmV2aXNpb24tMQ==',
				dateCreation: '2026-01-01T00:00:00+01:00',
				champDescriptors: [],
				annotationDescriptors: []
			}
		]
	).map((r) => ({
		...r,
		champDescriptors: r.champDescriptors.map(withDescriptorDefaults),
		annotationDescriptors: r.annotationDescriptors.map(withDescriptorDefaults)
	}));
	const groupes = options.groupes ?? [{ number: 1, label: 'Défaut' }];
	const labels = options.labels ?? [];
	const ds: MemoryDs = {
		transport: null as unknown as DsTransport,
		dossiers: new Map((options.dossiers ?? []).map((d) => [d.number, d])),
		deleted: [],
		pending: [],
		calls: [],
		fault: null,
		broken: new Set(),
		options: { ...options, demarche: demarcheNumber }
	};

	const hidden = () =>
		new PasserelleError('hidden', 'An object of type Demarche was hidden due to permissions');

	function dossierValue(d: MemoryDossier): Record<string, unknown> {
		if (ds.broken.has(d.number)) {
			return new Proxy({} as Record<string, unknown>, {
				get: (_, k) => {
					if (k === 'number') return d.number;
					if (k === 'then') return undefined;
					return () => {
						throw new Error(`Cannot return null for non-nullable field (dossier ${d.number})`);
					};
				}
			});
		}
		const rev = revisions.find((r) => r.id === d.revisionId);
		return {
			id: b64(`Dossier-${d.number}`),
			number: d.number,
			state: d.state,
			archived: false,
			prefilled: false,
			deposeParUnTiers: false,
			connectionUsager: 'password',
			dateDepot: iso(d.deposeAt),
			datePassageEnConstruction: iso(d.deposeAt),
			datePassageEnInstruction: null,
			dateTraitement: null,
			dateDerniereModification: iso(d.updatedAt),
			dateDerniereModificationChamps: iso(d.updatedAt),
			dateDerniereModificationAnnotations: iso(d.updatedAt),
			dateExpiration: null,
			dateSuppressionParUsager: null,
			dateSuppressionParAdministration: null,
			dateDerniereCorrectionEnAttente: null,
			datePrevisionnelleDecisionSVASVR: null,
			motivation: null,
			nomMandataire: null,
			prenomMandataire: null,
			usager: { id: 'u', email: `usager${d.number}@exemple.fr` },
			groupeInstructeur: {
				id: `g${d.groupe}`,
				number: d.groupe,
				label: groupes.find((g) => g.number === d.groupe)?.label ?? '',
				closed: false,
				instructeurs: []
			},
			labels: d.labels.map((name, i) => ({ id: `l${i}`, name, color: 'beige_gris_galet' })),
			instructeurs: [],
			demarche: {
				id: 'D',
				number: demarcheNumber,
				revision: {
					id: d.revisionId,
					dateCreation: rev?.dateCreation ?? '',
					champDescriptors: [],
					annotationDescriptors: []
				}
			},
			demandeur: d.demandeur ?? {
				__typename: 'PersonnePhysique',
				id: 'p',
				civilite: 'Mme',
				nom: `Nom${d.number}`,
				prenom: 'Camille',
				email: null
			},
			champs: () => d.champs.map(withChampDefaults),
			annotations: () => d.annotations.map(withChampDefaults)
		};
	}

	function connection<T>(items: { key: number; number: number; value: T }[], args: Record<string, unknown>) {
		const sorted = [...items].sort((a, b) => a.key - b.key || a.number - b.number);
		/** Index of the first item at or past the cursor's (key, number); `strict`: past it. */
		const seek = (cursor: string, strict: boolean) => {
			const [k, n] = readCursor(cursor);
			const i = sorted.findIndex(
				(x) => x.key > k || (x.key === k && (strict ? x.number > n : x.number >= n))
			);
			return i < 0 ? sorted.length : i;
		};
		let from = 0;
		let to = sorted.length;
		if (typeof args.after === 'string') from = seek(args.after, true);
		if (typeof args.before === 'string') to = Math.max(from, seek(args.before, false));
		// `last`/`before` page backwards (Relay): the last n items before the cursor, in order.
		const backwards = typeof args.last === 'number';
		const size = Math.min(100, Number((backwards ? args.last : args.first) ?? 100));
		if (backwards) from = Math.max(from, to - size);
		else to = Math.min(to, from + size);
		const slice = sorted.slice(from, to);
		const last = slice.at(-1);
		return {
			pageInfo: {
				hasNextPage: to < sorted.length,
				hasPreviousPage: from > 0,
				startCursor: slice[0] ? cursorOf(slice[0].key, slice[0].number) : null,
				endCursor: last ? cursorOf(last.key, last.number) : null
			},
			nodes: slice.map((i) => i.value),
			edges: slice.map((i) => ({ cursor: cursorOf(i.key, i.number), node: i.value }))
		};
	}

	function dossiers(filterGroupe: number | null) {
		return (args: Record<string, unknown>) => {
			const updatedSince = typeof args.updatedSince === 'string' ? Date.parse(args.updatedSince) : null;
			// DS: createdSince is ignored when updatedSince is given (if/else on the server).
			const createdSince =
				updatedSince === null && typeof args.createdSince === 'string' ? Date.parse(args.createdSince) : null;
			const items = [...ds.dossiers.values()]
				.filter((d) => filterGroupe === null || d.groupe === filterGroupe)
				.filter((d) => !args.state || d.state === args.state)
				.filter((d) => updatedSince === null || d.updatedAt >= updatedSince)
				.filter((d) => createdSince === null || d.deposeAt >= createdSince)
				.map((d) => ({
					key: updatedSince === null ? d.deposeAt : d.updatedAt,
					number: d.number,
					value: dossierValue(d)
				}));
			return connection(items, args);
		};
	}

	const deletedConnection = (list: () => MemoryDs['deleted']) => (args: Record<string, unknown>) => {
		const since = typeof args.deletedSince === 'string' ? Date.parse(args.deletedSince) : null;
		const items = list()
			.filter((d) => since === null || d.at >= since)
			.map((d) => ({
				key: d.at,
				number: d.number,
				value: {
					id: b64(`Dossier-${d.number}`),
					number: d.number,
					dateSupression: iso(d.at),
					reason: d.reason,
					state: d.state
				}
			}));
		return connection(items, args);
	};

	const root = {
		demarche: ({ number }: { number: number }) => {
			if (number !== demarcheNumber && !visible.has(number)) {
				throw Object.assign(new Error('Demarche not found'), { extensions: { code: 'not_found' } });
			}
			if (!visible.has(number)) throw hidden();
			return {
				id: b64(`Procedure-${number}`),
				number,
				title: `Démarche ${number}`,
				state: 'publiee',
				dateDerniereModification: '2026-01-01T00:00:00+01:00',
				activeRevision: revisions.find((r) => r.id === (options.activeRevisionId ?? revisions.at(-1)!.id)),
				revisions,
				groupeInstructeurs: groupes.map((g) => ({
					id: `g${g.number}`,
					...g,
					closed: false,
					instructeurs: []
				})),
				labels: labels.map((name, i) => ({ id: `l${i}`, name, color: 'beige_gris_galet' })),
				dossiers: dossiers(null),
				deletedDossiers: deletedConnection(() => ds.deleted),
				pendingDeletedDossiers: deletedConnection(() => ds.pending)
			};
		},
		groupeInstructeur: ({ number }: { number: number }) => ({
			id: `g${number}`,
			number,
			label: groupes.find((g) => g.number === number)?.label ?? '',
			closed: false,
			instructeurs: [],
			dossiers: dossiers(number)
		}),
		dossier: ({ number }: { number: number }) => {
			const d = ds.dossiers.get(number);
			if (!d) throw Object.assign(new Error('Dossier not found'), { extensions: { code: 'not_found' } });
			return dossierValue(d);
		}
	};

	ds.transport = {
		async request<T>(query: string, variables: Record<string, unknown>) {
			const operation = /query (\w+)/.exec(query)?.[1] ?? 'anonymous';
			const call = { operation, variables };
			ds.calls.push(call);
			ds.fault?.(call);
			const result = await graphql({ schema, source: query, rootValue: root, variableValues: variables });
			const errors = (result.errors ?? []).map((e) => {
				const original = e.originalError as
					{ extensions?: Record<string, unknown>; message?: string } | undefined;
				const code = original?.message?.includes('hidden due to permissions')
					? 'unauthorized'
					: (original?.extensions?.code as string | undefined);
				return {
					message: e.message,
					path: e.path ? [...e.path] : undefined,
					extensions: code ? { code } : {}
				};
			});
			return readDsBody<T>(
				JSON.parse(JSON.stringify({ data: result.data ?? null, ...(errors.length ? { errors } : {}) })),
				variables
			);
		}
	};
	return ds;
}

function withDescriptorDefaults(d: DsDescriptor): DsDescriptor {
	return {
		description: null,
		required: false,
		...d,
		...(d.champDescriptors ? { champDescriptors: d.champDescriptors.map(withDescriptorDefaults) } : {})
	};
}

function withChampDefaults(c: Record<string, unknown>): Record<string, unknown> {
	return {
		id: c.champDescriptorId,
		label: 'Libellé',
		stringValue: null,
		updatedAt: '2026-01-01T00:00:00+01:00',
		prefilled: false,
		columns: [],
		...c,
		...(Array.isArray(c.rows)
			? {
					rows: (c.rows as { id: string; champs: Record<string, unknown>[] }[]).map((r) => ({
						id: r.id,
						champs: r.champs.map(withChampDefaults)
					}))
				}
			: {})
	};
}

/** Converts our aliased champ shape back into schema shape, so tests can reuse one fixture. */
export function toSchemaChamp(c: DsChamp): SchemaChamp {
	const { textValue, integerValue, decimalValue, checked, yesNo, civilite, choice, ...rest } = c;
	const value = textValue ?? integerValue ?? decimalValue ?? checked ?? yesNo ?? civilite ?? choice;
	return { ...rest, ...(value !== undefined ? { value } : {}) } as SchemaChamp;
}
