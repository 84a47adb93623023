/**
 * Executes the real DS schema (shared/ds/schema.graphql) with graphql-js over the fake
 * store, reproducing DS's observable behaviour: keyset cursors, page-size clamping,
 * `updatedSince` vs `createdSince`, permission and not-found errors, the champ typename
 * fallbacks that depend on the fragments of the query, timeouts and `invalid_null`.
 */
import { readFileSync } from 'node:fs';
import {
	GraphQLError,
	GraphQLNonNull,
	GraphQLScalarType,
	Kind,
	buildSchema,
	execute,
	getOperationAST,
	parse,
	validate,
	visit,
	type DocumentNode,
	type GraphQLFieldResolver,
	type GraphQLObjectType,
	type GraphQLSchema,
	type GraphQLTypeResolver
} from 'graphql';
import type { FakeChamp } from './champ-values.ts';
import { executeFast, prepareFastDocument, type FastDocument, type FastResolver } from './fast-exec.ts';
import {
	champId,
	decodeCursor,
	decodeTypedId,
	encodeCursor,
	isoDateTime,
	parseIsoDateTime,
	typedId
} from './ds-format.ts';
import {
	DsStore,
	HIDDEN_CHAMPS,
	type DeletedRecord,
	type DossierRecord,
	type DossierState,
	type GroupeRecord,
	type RenderedDossier
} from './dossier-store.ts';
import {
	DESCRIPTOR_OPTIONS,
	FORM_DATES,
	TYPE_DE_CHAMP,
	type FieldSpec,
	type RevisionSpec
} from './form-spec.ts';
import { fakeSiret } from './french-data.ts';
import { createRng } from './rng.ts';

/** Where the SDL lives: `DS_SCHEMA_PATH`, else `../shared/ds/schema.graphql` from the repo root. */
export function defaultSchemaPath(): string {
	return process.env.DS_SCHEMA_PATH ?? new URL('../../../shared/ds/schema.graphql', import.meta.url).pathname;
}

/** Builds the executable schema; scalars serialise like graphql-ruby (BigInt as string, ISO dates). */
export function loadDsSchema(path: string = defaultSchemaPath()): GraphQLSchema {
	const schema = buildSchema(readFileSync(path, 'utf8'));
	const scalar = (name: string): GraphQLScalarType => {
		const type = schema.getType(name);
		if (!(type instanceof GraphQLScalarType)) throw new Error(`scalar ${name} missing from the DS schema`);
		return type;
	};
	const bigInt = scalar('BigInt');
	bigInt.serialize = (value) =>
		typeof value === 'bigint' || typeof value === 'number' ? String(value) : value;
	bigInt.parseValue = (value) => {
		if (typeof value !== 'string' && typeof value !== 'number') throw new GraphQLError('BigInt attendu');
		return String(value);
	};
	const dateTime = scalar('ISO8601DateTime');
	dateTime.serialize = (value) => (typeof value === 'number' ? isoDateTime(value) : value);
	const parseDateTime = (text: unknown): number => {
		const ms = typeof text === 'string' ? parseIsoDateTime(text) : NaN;
		if (Number.isNaN(ms)) throw new GraphQLError(`${JSON.stringify(text)} is not a valid ISO8601DateTime`);
		return ms;
	};
	dateTime.parseValue = parseDateTime;
	dateTime.parseLiteral = (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined);
	return schema;
}

/** How the poison dossier breaks a response. */
export type PoisonMode = 'invalid_null' | 'http_500';

/** Per-request knobs decided by the HTTP layer. */
export interface ExecOptions {
	/** Démarche numbers the token covers. */
	procedureIds: readonly number[];
	timeoutMs: number;
	/** Resolutions before a forced `timeout` (fault injection); Infinity otherwise. */
	forcedTimeoutAfter?: number;
	poison?: readonly number[];
	poisonMode?: PoisonMode;
	/** Executes with graphql-js only (tests compare the fast path against it). */
	reference?: boolean;
}

/** JSON body of a GraphQL request. */
export interface GraphQLRequestBody {
	query?: unknown;
	variables?: unknown;
	operationName?: unknown;
	queryId?: unknown;
}

/** What the HTTP layer sends back. */
export interface ExecOutcome {
	status: number;
	body: unknown;
	operationName: string;
	/** True when the response touched a poison dossier. */
	poisoned?: boolean;
	/** Which executor produced the body: the fast path, or graphql-js (faults, errors, edge cases). */
	executor?: 'fast' | 'graphql-js';
}

interface ExecContext {
	store: DsStore;
	procedureIds: readonly number[];
	fragments: ReadonlySet<string>;
	deadline: number;
	forcedTimeoutAfter: number;
	ticks: number;
	timedOut: boolean;
	poison: ReadonlySet<number>;
	poisonMode: PoisonMode;
	poisonHit: boolean;
	httpFailure: { status: number; body: unknown } | null;
}

const MAX_PAGE_SIZE = 100;

/** A GraphQL error carrying DS's `extensions.code`. */
function dsError(message: string, code: string): GraphQLError {
	return new GraphQLError(message, { extensions: { code } });
}

/** Body DS renders for errors raised outside execution (`graphql_error` in the controller). */
export function controllerError(message: string, code: string, extra: Record<string, unknown> = {}): unknown {
	return { errors: [{ message, extensions: { code, ...extra } }], data: null };
}

/** Parses, validates and executes one request against the store. */
export function executeRequest(
	schema: GraphQLSchema,
	store: DsStore,
	body: GraphQLRequestBody,
	options: ExecOptions
): ExecOutcome {
	const requestedName =
		typeof body.operationName === 'string' && body.operationName ? body.operationName : null;
	if (body.queryId !== undefined && body.queryId !== null && body.queryId !== '') {
		return {
			status: 400,
			body: controllerError(
				'Les requêtes enregistrées (queryId) ne sont pas simulées par ce serveur.',
				'bad_request'
			),
			operationName: requestedName ?? '(stored)'
		};
	}
	if (typeof body.query !== 'string' || body.query.trim() === '') {
		return {
			status: 200,
			body: { errors: [{ message: 'No query string was present' }] },
			operationName: requestedName ?? '(empty)'
		};
	}
	const prepared = prepareQuery(schema, body.query);
	if (prepared.parseError !== null || prepared.document === null) {
		return {
			status: 400,
			body: controllerError(prepared.parseError ?? 'parse error', 'graphql_parse_failed'),
			operationName: requestedName ?? '(invalid)'
		};
	}
	const document = prepared.document;
	const operationName = requestedName ?? prepared.operationName ?? '(anonymous)';
	if (prepared.validationErrors.length > 0) {
		return { status: 200, body: { errors: prepared.validationErrors }, operationName };
	}
	let variables: Record<string, unknown> | undefined;
	if (typeof body.variables === 'string' && body.variables.trim() !== '') {
		try {
			variables = JSON.parse(body.variables) as Record<string, unknown>;
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			return { status: 400, body: controllerError(message, 'graphql_parse_failed'), operationName };
		}
	} else if (body.variables && typeof body.variables === 'object') {
		variables = body.variables as Record<string, unknown>;
	}
	const deadline = performance.now() + options.timeoutMs;
	const newContext = (): ExecContext => ({
		store,
		procedureIds: options.procedureIds,
		fragments: prepared.fragments,
		deadline,
		forcedTimeoutAfter: options.forcedTimeoutAfter ?? Infinity,
		ticks: 0,
		timedOut: false,
		poison: new Set(options.poison ?? []),
		poisonMode: options.poisonMode ?? 'invalid_null',
		poisonHit: false,
		httpFailure: null
	});
	// The fast path serves ordinary requests; injected faults, errors and deadlines go to graphql-js.
	const faulty = options.forcedTimeoutAfter !== undefined && options.forcedTimeoutAfter !== Infinity;
	if (prepared.fast && !options.reference && !faulty && !options.poison?.length) {
		const data = executeFast({
			schema,
			prepared: prepared.fast,
			operationName: requestedName,
			variables,
			rootValue: {},
			context: newContext(),
			resolve: fastResolver,
			typeResolver,
			shouldStop: () => performance.now() > deadline
		});
		if (data !== undefined) {
			return { status: 200, body: { data }, operationName, poisoned: false, executor: 'fast' };
		}
	}
	const ctx = newContext();
	const result = execute({
		schema,
		document,
		rootValue: {},
		contextValue: ctx,
		variableValues: variables,
		operationName: requestedName ?? undefined,
		fieldResolver,
		typeResolver
	});
	if (result instanceof Promise) throw new Error('unreachable: every resolver is synchronous');
	if (ctx.httpFailure) {
		return { ...ctx.httpFailure, operationName, poisoned: ctx.poisonHit, executor: 'graphql-js' };
	}
	if (ctx.poisonHit && ctx.poisonMode === 'http_500') {
		return {
			status: 500,
			body: controllerError('Internal Server Error', 'internal_server_error', {
				exception_id: crypto.randomUUID()
			}),
			operationName,
			poisoned: true,
			executor: 'graphql-js'
		};
	}
	const json: { data?: unknown; errors?: unknown[] } = {};
	if (result.errors && result.errors.length > 0) json.errors = shapeErrors(result.errors);
	if ('data' in result) json.data = result.data ?? null;
	return { status: 200, body: json, operationName, poisoned: ctx.poisonHit, executor: 'graphql-js' };
}

/** Codes graphql-ruby adds (invalid_null), and one error per timed-out field name. */
function shapeErrors(errors: readonly GraphQLError[]): unknown[] {
	const seen = new Set<string>();
	const out: unknown[] = [];
	for (const error of errors) {
		const json = error.toJSON() as { message: string; extensions?: Record<string, unknown> };
		if (json.message.startsWith('Cannot return null for non-nullable field')) {
			json.message = json.message.replace(/\.$/, '');
			json.extensions = { ...json.extensions, code: 'invalid_null' };
		}
		if (json.extensions?.code === 'timeout') {
			if (seen.has(json.message) || seen.size >= 20) continue;
			seen.add(json.message);
		}
		out.push(json);
	}
	return out;
}

/** Type names used in inline fragments or fragment definitions (DS's `has_fragment?`). */
function fragmentTypes(document: DocumentNode): Set<string> {
	const names = new Set<string>();
	visit(document, {
		InlineFragment(node) {
			if (node.typeCondition) names.add(node.typeCondition.name.value);
		},
		FragmentDefinition(node) {
			names.add(node.typeCondition.name.value);
		}
	});
	return names;
}

/** A query text parsed and validated once (DS caches parsed documents the same way). */
interface PreparedQuery {
	document: DocumentNode | null;
	parseError: string | null;
	/** Validation errors as sent (JSON). */
	validationErrors: unknown[];
	/** Name of the only operation, if named. */
	operationName: string | null;
	fragments: ReadonlySet<string>;
	fast: FastDocument | null;
}

const PREPARED_MAX = 256;
const preparedQueries = new WeakMap<GraphQLSchema, Map<string, PreparedQuery>>();

function prepareQuery(schema: GraphQLSchema, text: string): PreparedQuery {
	let cache = preparedQueries.get(schema);
	if (!cache) preparedQueries.set(schema, (cache = new Map()));
	const hit = cache.get(text);
	if (hit) return hit;
	let prepared: PreparedQuery;
	try {
		const document = parse(text);
		const validationErrors = validate(schema, document).map((e) => e.toJSON());
		prepared = {
			document,
			parseError: null,
			validationErrors,
			operationName: getOperationAST(document)?.name?.value ?? null,
			fragments: fragmentTypes(document),
			fast: validationErrors.length === 0 ? prepareFastDocument(document, fastResolverFor) : null
		};
	} catch (error) {
		prepared = {
			document: null,
			parseError: error instanceof Error ? error.message : String(error),
			validationErrors: [],
			operationName: null,
			fragments: new Set(),
			fast: null
		};
	}
	if (cache.size >= PREPARED_MAX) cache.clear();
	cache.set(text, prepared);
	return prepared;
}

/** Champ types that come back as an older type unless the query names them (ds.md §1.6). */
const FALLBACK_TYPE: Readonly<Record<string, string>> = {
	AddressChamp: 'TextChamp',
	CommuneChamp: 'TextChamp',
	DepartementChamp: 'TextChamp',
	RegionChamp: 'TextChamp',
	PaysChamp: 'TextChamp',
	HeaderSectionChamp: 'TextChamp',
	ExplicationChamp: 'TextChamp',
	DropDownListChamp: 'TextChamp',
	YesNoChamp: 'CheckboxChamp',
	DatetimeChamp: 'DateChamp',
	TitreIdentiteChamp: 'PieceJustificativeChamp'
};

const typeResolver: GraphQLTypeResolver<unknown, ExecContext> = (value, ctx, _info, abstractType) => {
	const typename = (value as { __typename?: string }).__typename;
	if (abstractType.name === 'Champ' && typename && FALLBACK_TYPE[typename] && !ctx.fragments.has(typename)) {
		return FALLBACK_TYPE[typename];
	}
	return typename;
};

type Resolver = (source: Record<string, unknown>, args: Record<string, unknown>, ctx: ExecContext) => unknown;

const fieldResolver: GraphQLFieldResolver<unknown, ExecContext> = (source, args, ctx, info) => {
	ctx.ticks++;
	if (
		!ctx.timedOut &&
		(ctx.ticks > ctx.forcedTimeoutAfter || ((ctx.ticks & 127) === 0 && performance.now() > ctx.deadline))
	) {
		ctx.timedOut = true;
	}
	if (ctx.timedOut) {
		return dsError(`Timeout on ${info.parentType.name}.${info.fieldName}`, 'timeout');
	}
	const parent = info.parentType.name;
	const obj = (source ?? {}) as Record<string, unknown>;
	if (parent === 'Dossier' && ctx.poison.size > 0 && ctx.poison.has(obj.number as number)) {
		ctx.poisonHit = true;
		if (ctx.poisonMode === 'invalid_null' && info.returnType instanceof GraphQLNonNull) return null;
	}
	return resolveValue(obj, parent, info.fieldName, args, ctx);
};

/** The fast path's resolver: the same values, without the fault-injection bookkeeping. */
const fastResolver: FastResolver<ExecContext> = (source, args, ctx, info) =>
	resolveValue(source ?? {}, info.parentType.name, info.fieldName, args, ctx);

/**
 * The fast path's resolver of one field, chosen once per compiled field: its custom resolver,
 * or `resolveDefault` specialised for it.
 */
function fastResolverFor(parentType: GraphQLObjectType, fieldName: string): FastResolver<unknown> {
	const parent = parentType.name;
	const special = RESOLVER_INDEX.get(parent)?.get(fieldName);
	if (special) return (source, args, ctx) => special(source, args, ctx as ExecContext);
	if (fieldName === 'columns') return (source) => resolveDefault(source, parent, fieldName);
	return (source) =>
		source.__typename !== undefined && source.__typename !== parent
			? downgradedField(source, parent, fieldName)
			: source[fieldName];
}

/** A field's value: a special resolver, champ columns, a downgraded champ's field, or the property. */
function resolveValue(
	obj: Record<string, unknown>,
	parent: string,
	field: string,
	args: Record<string, unknown>,
	ctx: ExecContext
): unknown {
	const special = RESOLVER_INDEX.get(parent)?.get(field);
	if (special) return special(obj, args, ctx);
	return resolveDefault(obj, parent, field);
}

/** A field without a custom resolver: champ columns, a downgraded champ's field, or the property. */
function resolveDefault(obj: Record<string, unknown>, parent: string, field: string): unknown {
	if (field === 'columns' && obj.champDescriptorId !== undefined) return champColumns(obj as FakeChamp);
	if (obj.__typename !== undefined && obj.__typename !== parent) return downgradedField(obj, parent, field);
	return obj[field];
}

/** Fields of a champ served under its fallback type (e.g. an address as TextChamp). */
function downgradedField(obj: Record<string, unknown>, parent: string, field: string): unknown {
	if (parent === 'TextChamp' && field === 'value') {
		return typeof obj.value === 'string' ? obj.value : (obj.stringValue ?? null);
	}
	if (parent === 'CheckboxChamp' && field === 'value') return obj.value === true;
	if (parent === 'DateChamp' && (field === 'date' || field === 'value')) {
		const datetime = obj.datetime as string | null | undefined;
		return datetime ? (field === 'date' ? datetime.slice(0, 10) : datetime) : null;
	}
	if (parent === 'PieceJustificativeChamp' && field === 'files') return [];
	if (parent === 'PieceJustificativeChamp' && field === 'file') return null;
	return obj[field];
}

// ------------------------------------------------------------------ objects

/** A dossier as resolvers see it: the store's rendering (champs hidden by conditions included). */
function dossierNode(store: DsStore, rec: DossierRecord): RenderedDossier {
	return store.render(rec);
}

/** The record behind a dossier node. */
function recordOf(store: DsStore, node: Record<string, unknown>): DossierRecord {
	const rec = store.recordOf(node);
	if (!rec) throw new Error('dossier node without record');
	return rec;
}

const revisionCache = new WeakMap<DsStore, Map<string, unknown>>();

/** `Revision` object with descriptor trees, rebuilt when the form changes. */
function revisionObject(store: DsStore, rev: RevisionSpec): Record<string, unknown> {
	let cache = revisionCache.get(store);
	if (!cache) revisionCache.set(store, (cache = new Map()));
	const key = `${rev.id}:${store.formVersion}`;
	let obj = cache.get(key) as Record<string, unknown> | undefined;
	if (!obj) {
		obj = {
			id: typedId('ProcedureRevision', rev.id),
			dateCreation: isoDateTime(rev.createdAt),
			datePublication: rev.publishedAt === null ? null : isoDateTime(rev.publishedAt),
			champDescriptors: rev.champs.map(descriptorObject),
			annotationDescriptors: rev.annotations.map(descriptorObject)
		};
		cache.set(key, obj);
	}
	return obj;
}

function descriptorObject(field: FieldSpec): Record<string, unknown> {
	const obj: Record<string, unknown> = {
		__typename: `${field.kind}ChampDescriptor`,
		id: champId(field.stableId),
		label: field.label,
		description: field.description ?? null,
		required: field.required === true,
		type: TYPE_DE_CHAMP[field.kind],
		champDescriptors: field.children ? field.children.map(descriptorObject) : null
	};
	switch (field.kind) {
		case 'DropDownList':
			obj.options = field.options ?? [];
			obj.otherOption = field.otherOption === true;
			break;
		case 'MultipleDropDownList':
		case 'LinkedDropDownList':
			obj.options = field.options ?? [];
			break;
		case 'Departement':
		case 'Region':
		case 'Pays':
			obj.options = DESCRIPTOR_OPTIONS[field.kind];
			break;
		case 'HeaderSection':
			obj.level = field.level ?? 1;
			break;
		case 'PieceJustificative':
			obj.fileTemplate = null;
			break;
		case 'Explication':
			obj.collapsibleExplanationEnabled = false;
			obj.collapsibleExplanationText = null;
			break;
	}
	return obj;
}

function service(store: DsStore): Record<string, unknown> {
	return {
		id: typedId('Service', 912),
		nom: 'Direction départementale des territoires du Rhône',
		organisme: 'Préfecture du Rhône',
		siret: fakeSiret(createRng(store.seed, 'service')).siret,
		typeOrganisme: 'service_deconcentre_de_l_etat'
	};
}

const descriptorCache = new WeakMap<DsStore, Map<string, Record<string, unknown>>>();

/** `DemarcheDescriptor` of a revision, built once per form version (every dossier node asks for it). */
function demarcheDescriptor(store: DsStore, rev: RevisionSpec): Record<string, unknown> {
	let cache = descriptorCache.get(store);
	if (!cache) descriptorCache.set(store, (cache = new Map()));
	const key = `${rev.id}:${store.formVersion}`;
	let obj = cache.get(key);
	if (!obj) cache.set(key, (obj = buildDemarcheDescriptor(store, rev)));
	return obj;
}

function buildDemarcheDescriptor(store: DsStore, rev: RevisionSpec): Record<string, unknown> {
	const url = `${store.origin}/commencer/demo-aides-renovation`;
	return {
		id: typedId('Procedure', store.demarcheNumber),
		number: store.demarcheNumber,
		title: store.title,
		description: 'Démarche fictive servie par le serveur DS local de Passerelle.',
		state: 'publiee',
		declarative: null,
		dateCreation: isoDateTime(FORM_DATES.demarcheCreatedAt),
		datePublication: isoDateTime(FORM_DATES.oldRevisionPublishedAt),
		dateDerniereModification: isoDateTime(store.demarcheUpdatedAt),
		dateFermeture: null,
		dateDepublication: null,
		cadreJuridiqueURL: 'https://www.legifrance.gouv.fr/',
		cadreJuridiqueUrl: 'https://www.legifrance.gouv.fr/',
		deliberation: null,
		demarcheURL: url,
		demarcheUrl: url,
		dpoURL: null,
		dpoUrl: null,
		dureeConservationDossiers: 12,
		logo: null,
		notice: null,
		noticeURL: null,
		noticeUrl: null,
		opendata: false,
		revision: revisionObject(store, rev),
		service: service(store),
		siteWebURL: null,
		siteWebUrl: null,
		tags: ['Logement', 'Énergie'],
		zones: ['Ministère de la Transition écologique']
	};
}

function groupeObject(g: GroupeRecord): Record<string, unknown> {
	return {
		id: typedId('GroupeInstructeur', g.number),
		number: g.number,
		label: g.label,
		closed: g.closed,
		instructeurs: g.instructeurs
	};
}

function demarcheObject(store: DsStore): Record<string, unknown> {
	return {
		id: typedId('Procedure', store.demarcheNumber),
		number: store.demarcheNumber,
		title: store.title,
		description: 'Démarche fictive servie par le serveur DS local de Passerelle.',
		state: 'publiee',
		declarative: null,
		dateCreation: isoDateTime(FORM_DATES.demarcheCreatedAt),
		datePublication: isoDateTime(FORM_DATES.oldRevisionPublishedAt),
		dateDerniereModification: isoDateTime(store.demarcheUpdatedAt),
		dateFermeture: null,
		dateDepublication: null,
		service: service(store),
		administrateurs: [{ id: typedId('Administrateur', 77), email: 'admin.renovation@rhone.gouv.fr' }],
		chorusConfiguration: null
	};
}

function requireAuthorized(ctx: ExecContext, type: string): void {
	if (!ctx.procedureIds.includes(ctx.store.demarcheNumber)) {
		throw dsError(`An object of type ${type} was hidden due to permissions`, 'unauthorized');
	}
}

// ------------------------------------------------------------------ connections

interface PageArgs {
	first?: unknown;
	last?: unknown;
	before?: unknown;
	after?: unknown;
	order?: unknown;
}

interface Connection<T> {
	nodes: T[];
	edges: { cursor: string; node: T }[];
	pageInfo: {
		hasNextPage: boolean;
		hasPreviousPage: boolean;
		startCursor: string | null;
		endCursor: string | null;
	};
}

type Key = readonly [number, number];

const compareKeys = (a: Key, b: Key): number => a[0] - b[0] || a[1] - b[1];

/** First index in `[from, to)` where the monotone `test` holds (`to` if none). */
function firstIndex<I>(items: readonly I[], from: number, to: number, test: (item: I) => boolean): number {
	let lo = from;
	let hi = to;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (test(items[mid] as I)) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

/**
 * DS's `CursorConnection`: keyset on (timestamp, id), default and max page size 100. `sorted` is
 * ascending by `key`; cursors and `since` (a lower bound on the timestamp) are found by binary
 * search, then only the page is scanned for items that `keep` accepts.
 */
function connection<I, T>(
	ctx: ExecContext,
	sorted: readonly I[],
	key: (item: I) => Key,
	keep: (item: I) => boolean,
	since: number | null,
	toNode: (item: I) => T,
	args: PageArgs
): Connection<T> {
	let first = typeof args.first === 'number' ? args.first : null;
	let last = typeof args.last === 'number' ? args.last : null;
	const before = typeof args.before === 'string' && args.before !== '' ? args.before : null;
	const after = typeof args.after === 'string' && args.after !== '' ? args.after : null;
	if (first !== null && last !== null)
		throw dsError('Arguments "first" and "last" are exclusive', 'bad_request');
	if (before !== null && after !== null)
		throw dsError('Arguments "before" and "after" are exclusive', 'bad_request');
	if (first !== null && first < 0)
		throw dsError('Argument "first" must be a non-negative integer', 'bad_request');
	if (last !== null && last < 0)
		throw dsError('Argument "last" must be a non-negative integer', 'bad_request');
	if (args.order === 'DESC') {
		if (last !== null) {
			first = Math.min(last, MAX_PAGE_SIZE);
			last = null;
		} else {
			last = Math.min(first ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
			first = null;
		}
	}
	const limit = Math.min(first ?? last ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE) + 1;
	const inverted = last !== null || before !== null;
	const cursorText = before ?? after;
	let bound: { ms: number; id: number } | null = null;
	if (cursorText !== null) {
		bound = decodeCursor(cursorText);
		if (!bound) {
			ctx.httpFailure = { status: 400, body: controllerError('invalid cursor', 'bad_request') };
			throw dsError('invalid cursor', 'bad_request');
		}
	}
	let lo = since === null ? 0 : firstIndex(sorted, 0, sorted.length, (x) => key(x)[0] >= since);
	let hi = sorted.length;
	if (bound) {
		const b: Key = [bound.ms, bound.id];
		if (before !== null) hi = firstIndex(sorted, lo, hi, (x) => compareKeys(key(x), b) >= 0);
		else lo = firstIndex(sorted, lo, hi, (x) => compareKeys(key(x), b) > 0);
	}
	// Newest first when paging backwards, as DS does before reversing the page.
	const fetched: I[] = [];
	if (inverted) {
		for (let i = hi - 1; i >= lo && fetched.length < limit; i--) {
			const item = sorted[i] as I;
			if (keep(item)) fetched.push(item);
		}
	} else {
		for (let i = lo; i < hi && fetched.length < limit; i++) {
			const item = sorted[i] as I;
			if (keep(item)) fetched.push(item);
		}
	}
	const page = fetched.slice(0, limit - 1);
	if (inverted) page.reverse();
	const edges = page.map((item) => {
		const k = key(item);
		return { cursor: encodeCursor(k[0], k[1]), node: toNode(item) };
	});
	return {
		nodes: edges.map((e) => e.node),
		edges,
		pageInfo: {
			hasPreviousPage: after !== null || (fetched.length >= limit && inverted),
			hasNextPage: before !== null || (fetched.length >= limit && !inverted),
			startCursor: edges[0]?.cursor ?? null,
			endCursor: edges.at(-1)?.cursor ?? null
		}
	};
}

interface DossiersArgs extends PageArgs {
	state?: DossierState;
	archived?: boolean | null;
	createdSince?: number | null;
	updatedSince?: number | null;
	revision?: string | null;
	minRevision?: string | null;
	maxRevision?: string | null;
}

function findRevision(store: DsStore, id: string): RevisionSpec {
	const decoded = decodeTypedId(id);
	const rev = decoded ? store.revisions.find((r) => String(r.id) === decoded.id) : undefined;
	if (!rev) throw dsError('DossierConnection not found', 'not_found');
	return rev;
}

function dossiersConnection(
	ctx: ExecContext,
	args: DossiersArgs,
	groupeNumber?: number
): Connection<RenderedDossier> {
	const store = ctx.store;
	// Revisions a dossier may have, or null for any.
	let revisions: Set<number> | null = null;
	if (args.revision) {
		revisions = new Set([findRevision(store, args.revision).id]);
	} else if (args.minRevision || args.maxRevision) {
		const min = args.minRevision ? findRevision(store, args.minRevision).createdAt : -Infinity;
		const max = args.maxRevision ? findRevision(store, args.maxRevision).createdAt : Infinity;
		revisions = new Set(
			store.revisions.filter((r) => r.createdAt >= min && r.createdAt <= max).map((r) => r.id)
		);
	}
	const state = args.state;
	const archived = args.archived === undefined || args.archived === null ? null : args.archived;
	const keep = (r: DossierRecord): boolean =>
		r.hiddenByUserAt === null &&
		r.hiddenByAdministrationAt === null &&
		(groupeNumber === undefined || r.groupeNumber === groupeNumber) &&
		(!state || r.state === state) &&
		(archived === null || r.archived === archived) &&
		(revisions === null || revisions.has(r.revisionId));
	// DS: `updatedSince` wins; `createdSince` (really the dépôt date) is then ignored.
	const updatedSince = typeof args.updatedSince === 'number' ? args.updatedSince : null;
	const createdSince = typeof args.createdSince === 'number' ? args.createdSince : null;
	const toNode = (r: DossierRecord) => dossierNode(store, r);
	if (updatedSince !== null) {
		const key = (r: DossierRecord) => [r.updatedAt, r.number] as const;
		return connection(ctx, store.ordered('updated'), key, keep, updatedSince, toNode, args);
	}
	const key = (r: DossierRecord) => [r.deposeAt, r.number] as const;
	return connection(ctx, store.ordered('depose'), key, keep, createdSince, toNode, args);
}

function deletedConnection(
	ctx: ExecContext,
	args: PageArgs & { deletedSince?: number | null },
	groupe?: number
) {
	const since = typeof args.deletedSince === 'number' ? args.deletedSince : null;
	const key = (d: DeletedRecord) => [d.deletedAt, d.id] as const;
	const sorted = ctx.store.deletedRecords(groupe).sort((a, b) => compareKeys(key(a), key(b)));
	return connection(
		ctx,
		sorted,
		key,
		() => true,
		since,
		(d) => ctx.store.deletedAsJson(d),
		args
	);
}

function pendingConnection(
	ctx: ExecContext,
	args: PageArgs & { deletedSince?: number | null },
	groupe?: number
) {
	const since = typeof args.deletedSince === 'number' ? args.deletedSince : null;
	const key = (r: DossierRecord) => [DsStore.hiddenAt(r), r.number] as const;
	const sorted = ctx.store.pendingRecords(groupe).sort((a, b) => compareKeys(key(a), key(b)));
	return connection(
		ctx,
		sorted,
		key,
		() => true,
		since,
		(r) => ctx.store.pendingAsDeleted(r),
		args
	);
}

// ------------------------------------------------------------------ resolvers

function byId<T extends { id: string }>(items: readonly T[], id: unknown): T[] {
	if (typeof id !== 'string' || id === '') return [...items];
	return items.filter((item) => item.id === id);
}

/** `champs(id:)` looks among all root champs (hidden ones too), keyed by stable id. */
function champById(list: FakeChamp[], hidden: FakeChamp[], id: unknown): FakeChamp[] {
	if (typeof id !== 'string' || id === '') return list;
	const wanted = decodeTypedId(id)?.id;
	return [...list, ...hidden].filter((c) => decodeTypedId(c.id)?.id === wanted).slice(0, 1);
}

const RESOLVERS: Readonly<Record<string, Resolver>> = {
	'Query.demarche': (_s, args, ctx) => {
		if (args.number !== ctx.store.demarcheNumber) throw dsError('Demarche not found', 'not_found');
		requireAuthorized(ctx, 'Demarche');
		return demarcheObject(ctx.store);
	},
	'Query.dossier': (_s, args, ctx) => {
		const rec = ctx.store.visible(args.number as number);
		if (!rec) throw dsError('Dossier not found', 'not_found');
		requireAuthorized(ctx, 'Dossier');
		return dossierNode(ctx.store, rec);
	},
	'Query.groupeInstructeur': (_s, args, ctx) => {
		const groupe = ctx.store.groupes.find((g) => g.number === args.number);
		if (!groupe) throw dsError('GroupeInstructeurWithDossiers not found', 'not_found');
		requireAuthorized(ctx, 'GroupeInstructeurWithDossiers');
		return groupeObject(groupe);
	},
	'Query.demarcheDescriptor': (_s, args, ctx) => {
		const find = (args.demarche ?? {}) as { number?: number; id?: string };
		const number = find.number ?? Number(decodeTypedId(find.id ?? '')?.id);
		if (number !== ctx.store.demarcheNumber) throw dsError('DemarcheDescriptor not found', 'not_found');
		requireAuthorized(ctx, 'DemarcheDescriptor');
		return demarcheDescriptor(ctx.store, ctx.store.activeRevision);
	},
	'Demarche.activeRevision': (_s, _a, ctx) => revisionObject(ctx.store, ctx.store.activeRevision),
	'Demarche.publishedRevision': (_s, _a, ctx) => revisionObject(ctx.store, ctx.store.activeRevision),
	'Demarche.draftRevision': (_s, _a, ctx) => revisionObject(ctx.store, ctx.store.draftRevision),
	'Demarche.revisions': (_s, _a, ctx) => ctx.store.revisions.map((r) => revisionObject(ctx.store, r)),
	'Demarche.champDescriptors': (_s, _a, ctx) =>
		revisionObject(ctx.store, ctx.store.activeRevision).champDescriptors,
	'Demarche.annotationDescriptors': (_s, _a, ctx) =>
		revisionObject(ctx.store, ctx.store.activeRevision).annotationDescriptors,
	'Demarche.groupeInstructeurs': (_s, args, ctx) =>
		ctx.store.groupes
			.filter((g) => args.closed === undefined || args.closed === null || g.closed === args.closed)
			.map(groupeObject),
	'Demarche.labels': (_s, _a, ctx) =>
		ctx.store.labels.map((l) => ({ id: typedId('Label', l.id), name: l.name, color: l.color })),
	'Demarche.dossiers': (_s, args, ctx) => dossiersConnection(ctx, args),
	'Demarche.deletedDossiers': (_s, args, ctx) => deletedConnection(ctx, args),
	'Demarche.pendingDeletedDossiers': (_s, args, ctx) => pendingConnection(ctx, args),
	'GroupeInstructeurWithDossiers.dossiers': (s, args, ctx) =>
		dossiersConnection(ctx, args, s.number as number),
	'GroupeInstructeurWithDossiers.deletedDossiers': (s, args, ctx) =>
		deletedConnection(ctx, args, s.number as number),
	'GroupeInstructeurWithDossiers.pendingDeletedDossiers': (s, args, ctx) =>
		pendingConnection(ctx, args, s.number as number),
	'Dossier.demarche': (s, _a, ctx) =>
		demarcheDescriptor(ctx.store, ctx.store.revision(recordOf(ctx.store, s).revisionId)),
	'Dossier.revision': (s, _a, ctx) =>
		revisionObject(ctx.store, ctx.store.revision(recordOf(ctx.store, s).revisionId)),
	'Dossier.groupeInstructeur': (s, _a, ctx) => {
		const number = recordOf(ctx.store, s).groupeNumber;
		const groupe = ctx.store.groupes.find((g) => g.number === number);
		return groupe ? groupeObject(groupe) : s.groupeInstructeur;
	},
	'Dossier.champs': (s, args) => {
		const d = s as unknown as RenderedDossier;
		return champById(d.champs, d[HIDDEN_CHAMPS], args.id);
	},
	'Dossier.annotations': (s, args) => {
		const d = s as unknown as RenderedDossier;
		return champById(d.annotations, d[HIDDEN_CHAMPS], args.id);
	},
	'Dossier.messages': (s, args) => byId(s.messages as { id: string }[], args.id),
	'Dossier.avis': (s, args) => byId(s.avis as { id: string }[], args.id),
	'DossierLinkChamp.dossier': (s, _a, ctx) => {
		const target = s.dossier as { number: number } | null;
		// A link resolves while the target exists, even in the trash; a final deletion nulls it.
		const rec = target ? ctx.store.records.get(target.number) : undefined;
		return rec ? dossierNode(ctx.store, rec) : null;
	},
	'RepetitionChamp.champs': (s) => (s.rows as { champs: FakeChamp[] }[]).flatMap((r) => r.champs)
};

/** RESOLVERS indexed by type then field: the field resolver runs ~10⁵ times per page. */
const RESOLVER_INDEX = new Map<string, Map<string, Resolver>>();
for (const [key, resolver] of Object.entries(RESOLVERS)) {
	const [type = '', field = ''] = key.split('.');
	if (!RESOLVER_INDEX.has(type)) RESOLVER_INDEX.set(type, new Map());
	RESOLVER_INDEX.get(type)?.set(field, resolver);
}

// ------------------------------------------------------------------ columns

/** `Champ.columns`: typed sub-values, shaped like DS's spreadsheet export columns. */
function champColumns(champ: FakeChamp): Record<string, unknown>[] {
	const stable = decodeTypedId(champ.champDescriptorId)?.id ?? '0';
	const column = (typename: string, path: string, label: string, value: unknown, stringValue: unknown) => ({
		__typename: typename,
		id: typedId('Column', `type_de_champ/${stable}->${path}`),
		label,
		value,
		stringValue: stringValue ?? null
	});
	const s = champ.stringValue;
	switch (champ.__typename) {
		case 'RepetitionChamp':
		case 'TitreIdentiteChamp':
		case 'HeaderSectionChamp':
		case 'ExplicationChamp':
			return [];
		case 'IntegerNumberChamp':
			return [column('IntegerColumn', 'value', champ.label, champ.value, s)];
		case 'DecimalNumberChamp':
			return [column('DecimalColumn', 'value', champ.label, champ.value, s)];
		case 'DateChamp':
			return [column('DateColumn', 'value', champ.label, champ.date, s)];
		case 'DatetimeChamp':
			return [column('DateTimeColumn', 'value', champ.label, champ.datetime, s)];
		case 'CheckboxChamp':
		case 'YesNoChamp':
			return [column('BooleanColumn', 'value', champ.label, champ.value, s)];
		case 'CiviliteChamp':
		case 'DropDownListChamp':
			return [column('EnumColumn', 'value', champ.label, champ.value, s)];
		case 'MultipleDropDownListChamp':
			return [column('EnumsColumn', 'value', champ.label, champ.values, s)];
		case 'PieceJustificativeChamp':
			return [column('AttachmentsColumn', 'value', champ.label, champ.files, s)];
		case 'AddressChamp': {
			const a = champ.address as Record<string, string> | null;
			return [
				column('TextColumn', 'value', champ.label, s, s),
				column(
					'TextColumn',
					'postal_code',
					`${champ.label} (Code postal)`,
					a?.postalCode ?? null,
					a?.postalCode
				),
				column('TextColumn', 'city_name', `${champ.label} (Commune)`, a?.cityName ?? null, a?.cityName),
				column(
					'TextColumn',
					'departement',
					`${champ.label} (Département)`,
					a?.departmentName ?? null,
					a?.departmentName
				)
			];
		}
		default:
			return [column('TextColumn', 'value', champ.label, s, s)];
	}
}
