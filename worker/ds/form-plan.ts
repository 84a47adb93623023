import type { ColumnSpec, TableSpec } from '#widget/table-spec.ts';
import { DELETION_REASONS, DOSSIER_STATES, type DsDemarcheSchema, type DsDescriptor } from './ds-types.ts';

/** How a champ descriptor becomes Grist columns and cells (ds.md §6.1). */
export type FieldKind =
	| 'text'
	| 'integer'
	| 'decimal'
	| 'date'
	| 'datetime'
	| 'checkbox'
	| 'yesno'
	| 'civilite'
	| 'choice'
	| 'choices'
	| 'linked'
	| 'files'
	| 'titre'
	| 'address'
	| 'commune'
	| 'departement'
	| 'region'
	| 'pays'
	| 'epci'
	| 'siret'
	| 'rna'
	| 'rnf'
	| 'dossier_link'
	| 'carte'
	| 'engagement'
	| 'repetition';

/** One champ (or annotation) descriptor of the form, merged over every revision. */
export interface PlanField {
	descriptorId: string;
	/** Column-id stem derived from the descriptor id, e.g. `champ_123` (never from the label). */
	key: string;
	/** Descriptor `__typename`, e.g. `DropDownListChampDescriptor`. */
	descriptorType: string;
	kind: FieldKind;
	/** DS label (from the active revision when the field is still there). */
	label: string;
	description: string | null;
	/** True when the active revision no longer has this field ("retiré du formulaire"). */
	removed: boolean;
	/** The Grist columns this field fills (the first one carries the main value). */
	columns: ColumnSpec[];
	/** For a repetition block: its own table. */
	block?: PlanBlock;
}

/** A repetition block: one Grist table, one row per block row. */
export interface PlanBlock {
	tableId: string;
	descriptorId: string;
	label: string;
	removed: boolean;
	annotation: boolean;
	fields: PlanField[];
}

/** The column plan of a démarche: which tables and columns hold its dossiers. */
export interface FormPlan {
	demarche: { id: string; number: number; title: string; state: string };
	activeRevisionId: string;
	revisionIds: string[];
	tables: { dossiers: string; champs: string; annotations: string };
	champs: PlanField[];
	annotations: PlanField[];
	blocks: PlanBlock[];
	groupes: { number: number; label: string; closed: boolean }[];
	labels: { name: string; color: string }[];
	/** Changes whenever tables, columns or choices change. */
	version: string;
}

/** Default table prefix for a démarche: `Demarche_<number>` (as the démarche configurations use). */
export function defaultTablePrefix(demarche: number): string {
	return `Demarche_${demarche}`;
}

/** Layout-only descriptors carry no data (ds.md §6.1). */
const LAYOUT = new Set(['HeaderSectionChampDescriptor', 'ExplicationChampDescriptor']);

const KINDS: Record<string, FieldKind> = {
	IntegerNumber: 'integer',
	Number: 'integer',
	DecimalNumber: 'decimal',
	Date: 'date',
	Datetime: 'datetime',
	Checkbox: 'checkbox',
	YesNo: 'yesno',
	Civilite: 'civilite',
	DropDownList: 'choice',
	MultipleDropDownList: 'choices',
	LinkedDropDownList: 'linked',
	PieceJustificative: 'files',
	TitreIdentite: 'titre',
	Address: 'address',
	Commune: 'commune',
	Departement: 'departement',
	Region: 'region',
	Pays: 'pays',
	Epci: 'epci',
	Siret: 'siret',
	RNA: 'rna',
	RNF: 'rnf',
	DossierLink: 'dossier_link',
	Carte: 'carte',
	EngagementJuridique: 'engagement',
	Repetition: 'repetition'
};

/** Descriptor typename → kind; every text-like and unknown future type is `text`. */
export function fieldKind(descriptorType: string): FieldKind {
	return KINDS[descriptorType.replace(/ChampDescriptor$/, '')] ?? 'text';
}

/**
 * Column-id stem from a descriptor id. DS ids are base64 of `Champ-<stable_id>`, identical in
 * every revision, so `champ_<stable_id>` survives label changes and reordering (ds.md §1.6).
 */
export function fieldKey(descriptorId: string): string {
	try {
		const match = /^Champ-(\d+)$/.exec(atob(descriptorId));
		if (match) return `champ_${match[1]}`;
	} catch {
		// Not base64: fall through to a hash of the id.
	}
	return `champ_x${fnv1a(descriptorId)}`;
}

/** FNV-1a 32-bit hash in hex: short, stable ids for anything that is not a DS stable id. */
export function fnv1a(text: string): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return (hash >>> 0).toString(16).padStart(8, '0');
}

const REMOVED_SUFFIX = ' (retiré du formulaire)';

function fieldColumns(d: DsDescriptor, key: string, kind: FieldKind, label: string): ColumnSpec[] {
	const description = d.description ?? undefined;
	const main = (type: ColumnSpec['type'], extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
		id: key,
		type,
		label,
		...(description ? { description } : {}),
		...extra
	});
	const sub = (suffix: string, type: ColumnSpec['type'], what: string): ColumnSpec => ({
		id: `${key}_${suffix}`,
		type,
		label: `${label} (${what})`
	});
	switch (kind) {
		case 'integer':
		case 'dossier_link':
			return [main('Int')];
		case 'decimal':
			return [main('Numeric')];
		case 'date':
			return [main('Date')];
		case 'datetime':
			return [main('DateTime:Europe/Paris')];
		case 'checkbox':
		case 'yesno':
		case 'titre':
			return [main('Bool')];
		case 'civilite':
			return [main('Choice', { choices: ['M', 'Mme'] })];
		case 'choice':
			return [main('Choice', { choices: [...(d.options ?? [])] })];
		case 'choices':
			return [main('ChoiceList', { choices: [...(d.options ?? [])] })];
		case 'departement':
			return [main('Choice', { choices: (d.departements ?? []).map((o) => `${o.code} – ${o.name}`) })];
		case 'region':
			return [main('Choice', { choices: (d.regions ?? []).map((o) => o.name) })];
		case 'pays':
			return [main('Choice', { choices: (d.pays ?? []).map((o) => o.name) })];
		case 'address':
			return [
				main('Text'),
				sub('code_postal', 'Text', 'code postal'),
				sub('code_insee', 'Text', 'code INSEE'),
				sub('departement', 'Text', 'département')
			];
		case 'commune':
			return [
				main('Text'),
				sub('code_insee', 'Text', 'code INSEE'),
				sub('code_postal', 'Text', 'code postal')
			];
		case 'epci':
			return [main('Text'), sub('code', 'Text', 'code')];
		case 'siret':
			return [main('Text'), sub('raison_sociale', 'Text', 'raison sociale')];
		case 'rna':
		case 'rnf':
			return [main('Text'), sub('titre', 'Text', 'titre')];
		case 'engagement':
			return [
				sub('montant_engage', 'Numeric', 'montant engagé'),
				sub('montant_paye', 'Numeric', 'montant payé')
			];
		case 'repetition':
			return [{ id: key, type: 'Int', label: `${label} (nombre de lignes)` }];
		default:
			return [main('Text')];
	}
}

interface Merged {
	d: DsDescriptor;
	removed: boolean;
	/** Sub-fields of a repetition block, merged the same way. */
	subs: Merged[];
}

/** Descriptors of several revisions merged by id: the first list seen (the active one) wins. */
function mergeDescriptors(lists: DsDescriptor[][], activeIds: Set<string>): Merged[] {
	const merged = new Map<string, { d: DsDescriptor; removed: boolean; subLists: DsDescriptor[][] }>();
	for (const list of lists) {
		for (const d of list) {
			if (LAYOUT.has(d.__typename)) continue;
			const seen = merged.get(d.id);
			if (seen) seen.subLists.push(d.champDescriptors ?? []);
			else merged.set(d.id, { d, removed: !activeIds.has(d.id), subLists: [d.champDescriptors ?? []] });
		}
	}
	return [...merged.values()].map(({ d, removed, subLists }) => {
		if (fieldKind(d.__typename) !== 'repetition') return { d, removed, subs: [] };
		// The block's first list comes from the newest revision that has it.
		const subActive = new Set(removed ? [] : (subLists[0] ?? []).map((s) => s.id));
		return { d, removed, subs: mergeDescriptors(subLists, subActive) };
	});
}

function toField({ d, removed, subs }: Merged, prefix: string, annotation: boolean): PlanField {
	const key = fieldKey(d.id);
	const kind = fieldKind(d.__typename);
	const label = removed ? `${d.label}${REMOVED_SUFFIX}` : d.label;
	const field: PlanField = {
		descriptorId: d.id,
		key,
		descriptorType: d.__typename,
		kind,
		label,
		description: d.description ?? null,
		removed,
		columns: fieldColumns(d, key, kind, label)
	};
	if (kind === 'repetition') {
		field.block = {
			tableId: `${prefix}_bloc_${key.replace(/^champ_/, '')}`,
			descriptorId: d.id,
			label,
			removed,
			annotation,
			fields: subs.map((s) => toField(s, prefix, annotation))
		};
	}
	return field;
}

/**
 * Builds the column plan from the union of every revision, keyed by descriptor id: the active
 * revision gives order and current labels; fields only found in older revisions keep their
 * column, labelled "retiré du formulaire" (ds.md §2.1).
 */
export function buildFormPlan(schema: DsDemarcheSchema, options: { prefix?: string } = {}): FormPlan {
	const prefix = options.prefix ?? defaultTablePrefix(schema.number);
	const active = schema.revisions.find((r) => r.id === schema.activeRevision.id);
	// Newest first after the active one, so a removed field shows its latest label.
	const others = schema.revisions
		.filter((r) => r !== active)
		.sort((a, b) => b.dateCreation.localeCompare(a.dateCreation));
	const ordered = active ? [active, ...others] : others;
	const build = (pick: 'champDescriptors' | 'annotationDescriptors', annotation: boolean) => {
		const activeIds = new Set((active?.[pick] ?? []).map((d) => d.id));
		return mergeDescriptors(
			ordered.map((r) => r[pick]),
			activeIds
		).map((m) => toField(m, prefix, annotation));
	};
	const champs = build('champDescriptors', false);
	const annotations = build('annotationDescriptors', true);
	const blocks = [...champs, ...annotations].flatMap((f) => (f.block ? [f.block] : []));
	const plan: FormPlan = {
		demarche: { id: schema.id, number: schema.number, title: schema.title, state: schema.state },
		activeRevisionId: schema.activeRevision.id,
		revisionIds: schema.revisions.map((r) => r.id),
		tables: {
			dossiers: `${prefix}_dossiers`,
			champs: `${prefix}_champs`,
			annotations: `${prefix}_annotations`
		},
		champs,
		annotations,
		blocks,
		groupes: schema.groupeInstructeurs.map((g) => ({ number: g.number, label: g.label, closed: g.closed })),
		labels: schema.labels.map((l) => ({ name: l.name, color: l.color })),
		version: ''
	};
	plan.version = fnv1a(JSON.stringify(planTableSpecs(plan)));
	return plan;
}

const dateTime = 'DateTime:Europe/Paris' as const;

/** Dossier-level columns (ds.md §6.2), the deletion flags included. */
export function dossierColumns(plan: FormPlan): ColumnSpec[] {
	return [
		{ id: 'numero', type: 'Int', label: 'Numéro' },
		{ id: 'dossier_id', type: 'Text', label: 'Identifiant DS' },
		{ id: 'etat', type: 'Choice', label: 'État', choices: [...DOSSIER_STATES] },
		{ id: 'archive', type: 'Bool', label: 'Archivé' },
		{ id: 'prerempli', type: 'Bool', label: 'Prérempli' },
		{ id: 'depose_par_un_tiers', type: 'Bool', label: 'Déposé par un tiers' },
		{ id: 'mandataire_nom', type: 'Text', label: 'Nom du mandataire' },
		{ id: 'mandataire_prenom', type: 'Text', label: 'Prénom du mandataire' },
		{
			id: 'connexion_usager',
			type: 'Choice',
			label: 'Connexion de l’usager',
			choices: ['password', 'france_connect', 'deleted']
		},
		{ id: 'usager_email', type: 'Text', label: 'E-mail de l’usager' },
		{
			id: 'demandeur_type',
			type: 'Choice',
			label: 'Type de demandeur',
			choices: ['Personne physique', 'Personne morale', 'Personne morale incomplète']
		},
		{ id: 'demandeur_civilite', type: 'Choice', label: 'Civilité du demandeur', choices: ['M', 'Mme'] },
		{ id: 'demandeur_nom', type: 'Text', label: 'Nom du demandeur' },
		{ id: 'demandeur_prenom', type: 'Text', label: 'Prénom du demandeur' },
		{ id: 'demandeur_email', type: 'Text', label: 'E-mail du demandeur' },
		{ id: 'demandeur_siret', type: 'Text', label: 'SIRET du demandeur' },
		{ id: 'demandeur_raison_sociale', type: 'Text', label: 'Raison sociale du demandeur' },
		{ id: 'demandeur_naf', type: 'Text', label: 'Code NAF du demandeur' },
		{ id: 'demandeur_libelle_naf', type: 'Text', label: 'Libellé NAF du demandeur' },
		{ id: 'demandeur_adresse', type: 'Text', label: 'Adresse du demandeur' },
		{
			id: 'groupe_instructeur',
			type: 'Choice',
			label: 'Groupe instructeur',
			choices: plan.groupes.map((g) => g.label)
		},
		{ id: 'groupe_instructeur_numero', type: 'Int', label: 'Numéro du groupe instructeur' },
		{ id: 'etiquettes', type: 'ChoiceList', label: 'Étiquettes', choices: plan.labels.map((l) => l.name) },
		{ id: 'suivi_par', type: 'Text', label: 'Suivi par' },
		{ id: 'motivation', type: 'Text', label: 'Motivation de la décision' },
		{ id: 'revision_id', type: 'Text', label: 'Révision du formulaire' },
		{ id: 'date_depot', type: dateTime, label: 'Date de dépôt' },
		{ id: 'date_passage_en_construction', type: dateTime, label: 'Date de passage en construction' },
		{ id: 'date_passage_en_instruction', type: dateTime, label: 'Date de passage en instruction' },
		{ id: 'date_traitement', type: dateTime, label: 'Date de traitement' },
		{ id: 'date_derniere_modification', type: dateTime, label: 'Date de dernière modification' },
		{
			id: 'date_derniere_modification_champs',
			type: dateTime,
			label: 'Date de dernière modification des champs'
		},
		{
			id: 'date_derniere_modification_annotations',
			type: dateTime,
			label: 'Date de dernière modification des annotations'
		},
		{ id: 'date_expiration', type: dateTime, label: 'Date d’expiration' },
		{ id: 'date_suppression_par_usager', type: dateTime, label: 'Date de suppression par l’usager' },
		{
			id: 'date_suppression_par_administration',
			type: dateTime,
			label: 'Date de suppression par l’administration'
		},
		{
			id: 'date_derniere_correction_en_attente',
			type: dateTime,
			label: 'Date de la dernière demande de correction en attente'
		},
		{
			id: 'date_previsionnelle_decision_sva_svr',
			type: 'Date',
			label: 'Date prévisionnelle de décision SVA/SVR'
		},
		{ id: 'supprime', type: 'Bool', label: 'Supprimé sur DS' },
		{ id: 'date_suppression', type: dateTime, label: 'Date de suppression sur DS' },
		{
			id: 'motif_suppression',
			type: 'Choice',
			label: 'Motif de suppression',
			choices: [...DELETION_REASONS]
		},
		{ id: 'en_attente_suppression', type: 'Bool', label: 'Dans la corbeille DS (suppression en attente)' }
	];
}

/** Columns every per-dossier child table starts with. */
function childColumns(plan: FormPlan): ColumnSpec[] {
	return [
		{ id: 'numero', type: 'Int', label: 'Numéro du dossier' },
		{ id: 'dossier', type: `Ref:${plan.tables.dossiers}`, label: 'Dossier' }
	];
}

/**
 * Table specs of the plan, parents first: dossiers, champs, annotations, then one table per
 * repetition block (Ref to the dossier, DS row id as key, position).
 */
export function planTableSpecs(plan: FormPlan): TableSpec[] {
	const specs: TableSpec[] = [
		{ id: plan.tables.dossiers, columns: dossierColumns(plan) },
		{ id: plan.tables.champs, columns: [...childColumns(plan), ...plan.champs.flatMap((f) => f.columns)] },
		{
			id: plan.tables.annotations,
			columns: [...childColumns(plan), ...plan.annotations.flatMap((f) => f.columns)]
		}
	];
	for (const block of plan.blocks) {
		specs.push({
			id: block.tableId,
			columns: [
				{ id: 'ligne', type: 'Text', label: 'Identifiant de ligne DS' },
				...childColumns(plan),
				{ id: 'position', type: 'Int', label: 'Position dans le bloc' },
				...block.fields.flatMap((f) => f.columns)
			]
		});
	}
	return specs;
}
