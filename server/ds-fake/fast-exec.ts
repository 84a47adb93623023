/**
 * A fast path for executing validated queries over plain objects: selections are compiled once
 * per document (fields collected per runtime type, as graphql-js does) and results are built
 * directly, without graphql-js's per-field promise checks, paths and error bookkeeping.
 *
 * It covers the ordinary case only. Anything else (a resolver error, a null in a non-null
 * field, an invalid variable, directives, introspection, a deadline) makes it give up, and the
 * caller runs graphql-js, which stays the reference: a test checks that both agree.
 */
import {
	Kind,
	getArgumentValues,
	getOperationAST,
	getVariableValues,
	isAbstractType,
	isLeafType,
	isListType,
	isNonNullType,
	isObjectType,
	typeFromAST,
	visit,
	type DocumentNode,
	type FieldNode,
	type FragmentDefinitionNode,
	type GraphQLAbstractType,
	type GraphQLField,
	type GraphQLLeafType,
	type GraphQLObjectType,
	type GraphQLOutputType,
	type GraphQLSchema,
	type GraphQLTypeResolver,
	type SelectionSetNode
} from 'graphql';

/** What a resolver sees of the field being resolved (a subset of GraphQLResolveInfo). */
export interface FastFieldInfo {
	fieldName: string;
	parentType: GraphQLObjectType;
	returnType: GraphQLOutputType;
	fieldNodes: readonly FieldNode[];
}

/** How a field's value is completed, decided once per output type instead of per value. */
type Completion =
	| { kind: 'nonNull'; of: Completion }
	| { kind: 'list'; of: Completion }
	| { kind: 'leaf'; type: GraphQLLeafType; builtIn: 'string' | 'boolean' | 'int' | 'float' | null }
	| { kind: 'abstract'; type: GraphQLAbstractType }
	| { kind: 'object'; type: GraphQLObjectType };

const completions = new WeakMap<GraphQLOutputType, Completion>();

/** Built-in scalars whose serialisation returns a value of the right kind unchanged. */
const BUILT_IN: Readonly<Record<string, 'string' | 'boolean' | 'int' | 'float'>> = {
	String: 'string',
	ID: 'string',
	Boolean: 'boolean',
	Int: 'int',
	Float: 'float'
};

function completionOf(type: GraphQLOutputType): Completion {
	let plan = completions.get(type);
	if (!plan) {
		if (isNonNullType(type)) plan = { kind: 'nonNull', of: completionOf(type.ofType) };
		else if (isListType(type)) plan = { kind: 'list', of: completionOf(type.ofType) };
		else if (isLeafType(type)) plan = { kind: 'leaf', type, builtIn: BUILT_IN[type.name] ?? null };
		else if (isAbstractType(type)) plan = { kind: 'abstract', type };
		else if (isObjectType(type)) plan = { kind: 'object', type };
		else throw GIVE_UP;
		completions.set(type, plan);
	}
	return plan;
}

/** Resolves one field of `source`; may throw or return an Error (the fast path then gives up). */
export type FastResolver<C> = (
	source: Record<string, unknown>,
	args: Record<string, unknown>,
	ctx: C,
	info: FastFieldInfo
) => unknown;

interface CompiledField {
	responseKey: string;
	fieldNodes: FieldNode[];
	/** Null for `__typename`. */
	def: GraphQLField<unknown, unknown> | null;
	info: FastFieldInfo | null;
	/** The field's own resolver (from `resolverFor`), else the execution's. */
	resolver: FastResolver<unknown> | null;
	completion: Completion | null;
	/** Sub-selections per runtime object type, compiled on first use. */
	sub: Map<string, CompiledField[]>;
}

/** A parsed document prepared for the fast path (null when it uses what the fast path does not). */
export interface FastDocument {
	document: DocumentNode;
	fragments: Map<string, FragmentDefinitionNode>;
	/** Root selections per operation name ('' for the only operation). */
	roots: Map<string, CompiledField[]>;
	resolverFor: (parentType: GraphQLObjectType, fieldName: string) => FastResolver<unknown> | null;
}

const GIVE_UP = new Error('fast path not applicable');
const NO_ARGS: Record<string, unknown> = Object.freeze({});
// GraphQL's Int is 32-bit.
const MAX_INT = 2147483647;
const MIN_INT = -2147483648;

/**
 * Prepares a valid document, or null if it holds directives (their semantics stay with
 * graphql-js). `resolverFor` runs once per compiled field: a resolver it returns serves that
 * field (e.g. the field's custom resolver, or a property read specialised for it); with null,
 * the execution's `resolve` does.
 */
export function prepareFastDocument(
	document: DocumentNode,
	resolverFor: (parentType: GraphQLObjectType, fieldName: string) => FastResolver<unknown> | null = () => null
): FastDocument | null {
	let directives = false;
	visit(document, {
		Directive() {
			directives = true;
		}
	});
	if (directives) return null;
	const fragments = new Map<string, FragmentDefinitionNode>();
	for (const def of document.definitions) {
		if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
	}
	return { document, fragments, roots: new Map(), resolverFor };
}

/** Options of `executeFast`. */
export interface FastExecution<C> {
	schema: GraphQLSchema;
	prepared: FastDocument;
	operationName: string | null;
	variables: Record<string, unknown> | undefined;
	rootValue: Record<string, unknown>;
	context: C;
	resolve: FastResolver<C>;
	typeResolver: GraphQLTypeResolver<unknown, C>;
	/** Polled every few hundred fields: true makes the fast path give up. */
	shouldStop: () => boolean;
}

/** Executes a query on the fast path; `undefined` when it gave up (run graphql-js instead). */
export function executeFast<C>(run: FastExecution<C>): Record<string, unknown> | undefined {
	const { schema, prepared, context, resolve, typeResolver, shouldStop } = run;
	const operation = getOperationAST(prepared.document, run.operationName ?? undefined);
	if (!operation || operation.operation !== 'query') return undefined;
	const root = schema.getQueryType();
	if (!root) return undefined;
	const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], run.variables ?? {}, {
		maxErrors: 1
	});
	if (coerced.errors) return undefined;
	const variables = coerced.coerced;
	let budget = 256;
	// Arguments depend on the field node and the variables only: coerced once per request.
	const argsOf = new Map<CompiledField, Record<string, unknown>>();

	const executeFields = (
		type: GraphQLObjectType,
		source: Record<string, unknown>,
		fields: CompiledField[]
	): Record<string, unknown> => {
		const out: Record<string, unknown> = {};
		for (const field of fields) {
			if (field.def === null) {
				out[field.responseKey] = type.name;
				continue;
			}
			if (--budget <= 0) {
				if (shouldStop()) throw GIVE_UP;
				budget = 256;
			}
			let args: Record<string, unknown> = NO_ARGS;
			if (field.def.args.length > 0) {
				let coercedArgs = argsOf.get(field);
				if (!coercedArgs) {
					coercedArgs = getArgumentValues(field.def, field.fieldNodes[0]!, variables);
					argsOf.set(field, coercedArgs);
				}
				args = coercedArgs;
			}
			const value = field.resolver
				? field.resolver(source, args, context, field.info!)
				: resolve(source, args, context, field.info!);
			out[field.responseKey] = complete(field, field.completion!, value);
		}
		return out;
	};

	const complete = (field: CompiledField, plan: Completion, value: unknown): unknown => {
		if (value instanceof Error) throw GIVE_UP;
		if (plan.kind === 'nonNull') {
			const inner = complete(field, plan.of, value);
			if (inner === null) throw GIVE_UP;
			return inner;
		}
		if (value === null || value === undefined) return null;
		switch (plan.kind) {
			case 'leaf': {
				switch (plan.builtIn) {
					case 'string':
						if (typeof value === 'string') return value;
						break;
					case 'boolean':
						if (typeof value === 'boolean') return value;
						break;
					case 'int':
						if (Number.isInteger(value) && (value as number) <= MAX_INT && (value as number) >= MIN_INT)
							return value;
						break;
					case 'float':
						if (typeof value === 'number' && Number.isFinite(value)) return value;
						break;
				}
				const serialized: unknown = plan.type.serialize(value);
				if (serialized === null || serialized === undefined) throw GIVE_UP;
				return serialized;
			}
			case 'list': {
				if (!Array.isArray(value)) throw GIVE_UP;
				const out = new Array<unknown>(value.length);
				for (let i = 0; i < value.length; i++) out[i] = complete(field, plan.of, value[i]);
				return out;
			}
			case 'abstract':
			case 'object': {
				if (typeof value !== 'object') throw GIVE_UP;
				const objectType =
					plan.kind === 'object'
						? plan.type
						: runtimeType(schema, plan.type, typeResolver(value, context, field.info as never, plan.type));
				let sub = field.sub.get(objectType.name);
				if (!sub) {
					const sets = field.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
					sub = compile(schema, prepared, objectType, sets);
					field.sub.set(objectType.name, sub);
				}
				return executeFields(objectType, value as Record<string, unknown>, sub);
			}
		}
	};

	try {
		const rootKey = run.operationName ?? '';
		let rootFields = prepared.roots.get(rootKey);
		if (!rootFields) {
			rootFields = compile(schema, prepared, root, [operation.selectionSet]);
			prepared.roots.set(rootKey, rootFields);
		}
		return executeFields(root, run.rootValue, rootFields);
	} catch {
		// Giving up, or an error raised by a resolver: graphql-js runs again and reports it.
		return undefined;
	}
}

function runtimeType(
	schema: GraphQLSchema,
	abstract: GraphQLAbstractType,
	resolved: unknown
): GraphQLObjectType {
	if (typeof resolved !== 'string') throw GIVE_UP;
	const type = schema.getType(resolved);
	if (!type || !isObjectType(type) || !schema.isSubType(abstract, type)) throw GIVE_UP;
	return type;
}

/** graphql-js's `collectFields` for one runtime type, then the field definitions. */
function compile(
	schema: GraphQLSchema,
	prepared: FastDocument,
	type: GraphQLObjectType,
	selectionSets: readonly SelectionSetNode[]
): CompiledField[] {
	const grouped = new Map<string, FieldNode[]>();
	const visited = new Set<string>();
	for (const set of selectionSets) collect(schema, prepared.fragments, type, set, grouped, visited);
	const defs = type.getFields();
	const out: CompiledField[] = [];
	for (const [responseKey, fieldNodes] of grouped) {
		const name = fieldNodes[0]!.name.value;
		if (name === '__typename') {
			out.push({
				responseKey,
				fieldNodes,
				def: null,
				info: null,
				resolver: null,
				completion: null,
				sub: new Map()
			});
			continue;
		}
		const def = defs[name];
		// Introspection (`__schema`, `__type`) and unknown fields stay with graphql-js.
		if (!def) throw GIVE_UP;
		out.push({
			responseKey,
			fieldNodes,
			def,
			info: { fieldName: name, parentType: type, returnType: def.type, fieldNodes },
			resolver: prepared.resolverFor(type, name),
			completion: completionOf(def.type),
			sub: new Map()
		});
	}
	return out;
}

function collect(
	schema: GraphQLSchema,
	fragments: Map<string, FragmentDefinitionNode>,
	type: GraphQLObjectType,
	selectionSet: SelectionSetNode,
	grouped: Map<string, FieldNode[]>,
	visited: Set<string>
): void {
	for (const selection of selectionSet.selections) {
		switch (selection.kind) {
			case Kind.FIELD: {
				const key = selection.alias?.value ?? selection.name.value;
				const list = grouped.get(key);
				if (list) list.push(selection);
				else grouped.set(key, [selection]);
				break;
			}
			case Kind.INLINE_FRAGMENT:
				if (!conditionMatches(schema, selection.typeCondition?.name.value, type)) continue;
				collect(schema, fragments, type, selection.selectionSet, grouped, visited);
				break;
			case Kind.FRAGMENT_SPREAD: {
				const name = selection.name.value;
				if (visited.has(name)) continue;
				visited.add(name);
				const fragment = fragments.get(name);
				if (!fragment || !conditionMatches(schema, fragment.typeCondition.name.value, type)) continue;
				collect(schema, fragments, type, fragment.selectionSet, grouped, visited);
				break;
			}
		}
	}
}

function conditionMatches(
	schema: GraphQLSchema,
	condition: string | undefined,
	type: GraphQLObjectType
): boolean {
	if (condition === undefined) return true;
	const conditional = typeFromAST(schema, {
		kind: Kind.NAMED_TYPE,
		name: { kind: Kind.NAME, value: condition }
	});
	if (conditional === type) return true;
	if (conditional && isAbstractType(conditional)) return schema.isSubType(conditional, type);
	return false;
}
