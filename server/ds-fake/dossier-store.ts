/**
 * The fake démarche's state: compact dossier records generated from a seed, rendered to
 * full GraphQL JSON on demand (so 10,000 dossiers stay light), plus the mutations tests use
 * to move DS under a client's feet (edits, deletions, label changes, form renames).
 */
import { renderChamp, fakeEtablissement, type FakeChamp, type ChampContext } from './champ-values.ts';
import { champId, isoDate, isoDateTime, typedId } from './ds-format.ts';
import { buildRevisions, FORM_DATES, flattenFields, type FieldSpec, type RevisionSpec } from './form-spec.ts';
import { EMAIL_DOMAINS, NOMS, PRENOMS, slug } from './french-data.ts';
import { createRng, hashSeed, type Rng } from './rng.ts';

/** `DossierState` values (brouillons are never served). */
export type DossierState = 'en_construction' | 'en_instruction' | 'accepte' | 'refuse' | 'sans_suite';

/** `DeletedDossierReason` values. */
export type DeletedDossierReason =
	| 'expired'
	| 'instructeur_request'
	| 'manager_request'
	| 'procedure_removed'
	| 'user_expired'
	| 'user_removed'
	| 'user_request';

/** `LabelColorEnum` values. */
export type LabelColor =
	| 'beige_gris_galet'
	| 'blue_ecume'
	| 'brown_cafe_creme'
	| 'green_bourgeon'
	| 'green_emeraude'
	| 'green_menthe'
	| 'green_tilleul_verveine'
	| 'pink_macaron'
	| 'purple_glycine'
	| 'yellow_tournesol';

/** A dossier exactly as a full GraphQL query returns it (all champs, annotations and rows). */
export interface FakeDossier {
	__typename: 'Dossier';
	id: string;
	number: number;
	state: DossierState;
	archived: boolean;
	prefilled: boolean;
	connectionUsager: 'password' | 'france_connect' | 'deleted';
	deposeParUnTiers: boolean;
	nomMandataire: string | null;
	prenomMandataire: string | null;
	dateDepot: string;
	datePassageEnConstruction: string;
	datePassageEnInstruction: string | null;
	dateTraitement: string | null;
	dateDerniereModification: string;
	dateDerniereModificationChamps: string;
	dateDerniereModificationAnnotations: string;
	dateExpiration: string | null;
	dateSuppressionParUsager: string | null;
	dateSuppressionParAdministration: string | null;
	dateDerniereCorrectionEnAttente: string | null;
	datePrevisionnelleDecisionSVASVR: string | null;
	dateTraitementSVASVR: string | null;
	motivation: string | null;
	motivationAttachment: null;
	attestation: FakeFile | null;
	pdf: FakeFile;
	geojson: FakeFile;
	usager: { id: string; email: string };
	demandeur: Record<string, unknown> & { __typename: string; id: string };
	groupeInstructeur: { id: string; number: number; label: string; closed: boolean };
	instructeurs: { id: string; email: string }[];
	labels: { id: string; name: string; color: LabelColor }[];
	traitements: {
		id: string;
		event: string;
		state: DossierState;
		dateTraitement: string;
		emailAgentTraitant: string | null;
		motivation: string | null;
	}[];
	avis: never[];
	messages: never[];
	/** Summary of the revision the dossier was filled against (the GraphQL field returns the full descriptor). */
	demarche: { id: string; number: number; title: string; revision: { id: string } };
	revision: { id: string };
	champs: FakeChamp[];
	annotations: FakeChamp[];
}

/** A `File` object. */
export interface FakeFile {
	filename: string;
	contentType: string;
	checksum: string;
	byteSize: number;
	byteSizeBigInt: string;
	url: string;
	createdAt: string;
	virusScanResult: string;
}

/** A `DeletedDossier` as served by `deletedDossiers` / `pendingDeletedDossiers`. */
export interface FakeDeletedDossier {
	id: string;
	number: number;
	state: DossierState;
	reason: DeletedDossierReason;
	dateSupression: string;
}

/** Internal compact dossier (values are derived, not stored). */
export interface DossierRecord {
	number: number;
	state: DossierState;
	archived: boolean;
	revisionId: number;
	groupeNumber: number;
	labelIds: number[];
	createdAt: number;
	deposeAt: number;
	enConstructionAt: number;
	enInstructionAt: number | null;
	processedAt: number | null;
	updatedAt: number;
	champsUpdatedAt: number;
	annotationsUpdatedAt: number;
	/** Edit times as generated: untouched champs keep deriving their `updatedAt` from them. */
	baseChampsAt: number;
	baseAnnotationsAt: number;
	hiddenByUserAt: number | null;
	hiddenByAdministrationAt: number | null;
	correctionAt: number | null;
	demandeurKind: 'pp' | 'pm' | 'pmi';
	connection: 'password' | 'france_connect' | 'deleted';
	tiers: boolean;
	followers: number[];
	/** Touched champs: stable id → edit version and time. */
	edits: Map<number, { version: number; at: number }> | null;
}

/** Internal deleted-dossier row (DS's `deleted_dossiers` table). */
export interface DeletedRecord {
	id: number;
	number: number;
	state: DossierState;
	reason: DeletedDossierReason;
	deletedAt: number;
	groupeNumber: number;
}

/** A groupe instructeur. */
export interface GroupeRecord {
	number: number;
	label: string;
	closed: boolean;
	instructeurs: { id: string; email: string }[];
}

/** A label (étiquette). */
export interface LabelRecord {
	id: number;
	name: string;
	color: LabelColor;
}

/** Which dossiers a mutation targets: explicit numbers, or `count` picked by the seeded RNG. */
export type DossierTarget = readonly number[] | { count: number };

/** Options of the store. */
export interface DsStoreOptions {
	seed: number;
	/** Visible dossiers to generate (deleted and pending ones come on top). */
	dossiers: number;
	demarcheNumber: number;
	/** Origin used in attachment URLs. */
	origin: string;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Generated history ends here; later events use the wall clock. */
export const GENERATED_UNTIL = Date.UTC(2026, 10, 1);
const CREATED_FROM = Date.UTC(2025, 0, 21, 7);
const CREATED_UNTIL = Date.UTC(2026, 9, 20, 18);
const FIRST_NUMBER = 24_180_000;

const LABELS: readonly LabelRecord[] = [
	{ id: 7301, name: 'Urgent', color: 'pink_macaron' },
	{ id: 7302, name: 'Dossier complet', color: 'green_menthe' },
	{ id: 7303, name: 'À relancer', color: 'yellow_tournesol' },
	{ id: 7304, name: 'Visite à prévoir', color: 'blue_ecume' },
	{ id: 7305, name: 'Prioritaire', color: 'purple_glycine' }
];

const GROUPES: readonly { number: number; label: string; domain: string; weight: number }[] = [
	{ number: 81231, label: 'Métropole de Lyon', domain: 'rhone.gouv.fr', weight: 0.5 },
	{ number: 81232, label: 'Ain', domain: 'ain.gouv.fr', weight: 0.3 },
	{ number: 81233, label: 'Isère', domain: 'isere.gouv.fr', weight: 0.2 }
];

/** The mutable in-memory DS démarche. */
export class DsStore {
	readonly seed: number;
	readonly demarcheNumber: number;
	readonly origin: string;
	readonly title = 'Démarche de démonstration — Aides à la rénovation';
	readonly revisions: RevisionSpec[];
	readonly groupes: GroupeRecord[];
	readonly labels: readonly LabelRecord[] = LABELS;
	/** Dossiers not finally deleted (visible and pending deletion). */
	readonly records = new Map<number, DossierRecord>();
	readonly deleted: DeletedRecord[] = [];
	/** Bumped on any form change so cached GraphQL descriptor objects are rebuilt. */
	formVersion = 0;
	/** Bumped whenever a dossier enters, leaves or moves in a listing order (cached orderings are rebuilt). */
	orderVersion = 0;
	demarcheUpdatedAt: number = FORM_DATES.activeRevisionPublishedAt;
	private readonly initialNumbers: number[] = [];
	/** Position of each initial number in `initialNumbers` (link targets are earlier dossiers). */
	private readonly initialIndex = new Map<number, number>();
	/**
	 * Rendered dossiers by number. DS reads stored rows; the fake derives them from a seed, which
	 * costs far more than DS's per-dossier work: each dossier is rendered once and kept until a
	 * mutation changes it, so requests measure serving, not generating.
	 */
	private readonly rendered = new Map<number, RenderedDossier>();
	/** Record of each rendered dossier (resolvers need its revision and groupe). */
	private readonly renderedRecords = new WeakMap<object, DossierRecord>();
	/** Dossiers whose rendering holds a DossierLink to the key (a final deletion nulls the link). */
	private readonly linkedFrom = new Map<number, Set<number>>();
	private readonly orderings = new Map<string, { version: number; records: DossierRecord[] }>();
	/** Set by `prerender`: mutations re-render what they change right away. */
	private eager = false;
	private readonly mutationRng: Rng;
	private lastInstant = GENERATED_UNTIL;
	private nextNumber = FIRST_NUMBER;
	private nextDeletedId = 880_001;

	constructor(options: DsStoreOptions) {
		this.seed = options.seed;
		this.demarcheNumber = options.demarcheNumber;
		this.origin = options.origin;
		this.revisions = buildRevisions();
		this.mutationRng = createRng(options.seed, 'mutations');
		this.groupes = GROUPES.map((g) => ({
			number: g.number,
			label: g.label,
			closed: false,
			instructeurs: Array.from({ length: 3 }, (_, i) => {
				const rng = createRng(options.seed, 'instructeur', g.number, i);
				const email = `${slug(rng.pick(PRENOMS).prenom)}.${slug(rng.pick(NOMS))}@${g.domain}`;
				return { id: typedId('Instructeur', 5000 + (g.number % 1000) * 10 + i), email };
			})
		}));
		this.generate(Math.max(0, Math.floor(options.dossiers)));
	}

	/** The active (published) revision. */
	get activeRevision(): RevisionSpec {
		return this.revisions[1] as RevisionSpec;
	}

	/** The draft revision. */
	get draftRevision(): RevisionSpec {
		return this.revisions[2] as RevisionSpec;
	}

	/** A strictly increasing instant: wall clock, but never before generated data nor twice the same. */
	now(): number {
		this.lastInstant = Math.max(Date.now(), this.lastInstant + 1);
		return this.lastInstant;
	}

	private generate(visible: number): void {
		const deletedCount = visible === 0 ? 0 : Math.round(visible * 0.03) + 1;
		const pendingCount = visible === 0 ? 0 : Math.round(visible * 0.02) + 1;
		const total = visible + deletedCount + pendingCount;
		const seq = createRng(this.seed, 'sequence');
		const span = CREATED_UNTIL - CREATED_FROM;
		const drafts: DossierRecord[] = [];
		for (let i = 0; i < total; i++) {
			this.nextNumber += seq.int(1, 37);
			const createdAt = CREATED_FROM + Math.floor(((i + seq.next()) / total) * span);
			drafts.push(this.newRecord(this.nextNumber, createdAt, GENERATED_UNTIL));
		}
		for (const rec of drafts) {
			this.initialIndex.set(rec.number, this.initialNumbers.length);
			this.initialNumbers.push(rec.number);
		}
		const pick = createRng(this.seed, 'deletions');
		const indices = pick.sample(
			drafts.map((_, i) => i),
			deletedCount + pendingCount
		);
		const deletedIdx = new Set(indices.slice(0, deletedCount));
		const pendingIdx = new Set(indices.slice(deletedCount));
		const deletions: DeletedRecord[] = [];
		drafts.forEach((rec, i) => {
			const rng = createRng(this.seed, 'deletion', rec.number);
			if (deletedIdx.has(i)) {
				const deletedAt = between(rng, rec.updatedAt + HOUR, GENERATED_UNTIL);
				deletions.push({
					id: 0,
					number: rec.number,
					state: rec.state,
					reason: deletionReason(rng, rec.state),
					deletedAt,
					groupeNumber: rec.groupeNumber
				});
				return;
			}
			if (pendingIdx.has(i)) {
				const at = between(rng, rec.updatedAt + HOUR, GENERATED_UNTIL);
				if (rec.state === 'en_construction') rec.hiddenByUserAt = at;
				else rec.hiddenByAdministrationAt = at;
				rec.updatedAt = at;
			}
			this.records.set(rec.number, rec);
		});
		deletions.sort((a, b) => a.deletedAt - b.deletedAt || a.number - b.number);
		for (const d of deletions) this.deleted.push({ ...d, id: this.nextDeletedId++ });
	}

	/** Builds one dossier's compact record; `until` caps every generated instant. */
	private newRecord(number: number, createdAt: number, until: number): DossierRecord {
		const rng = createRng(this.seed, 'dossier', number);
		const cap = (t: number): number => Math.min(t, until - rng.int(1, 600) * MINUTE);
		const deposeAt = cap(createdAt + rng.int(10, 15 * 24 * 60) * MINUTE);
		let state: DossierState = weighted(rng, [
			['en_construction', 0.25],
			['en_instruction', 0.25],
			['accepte', 0.3],
			['refuse', 0.1],
			['sans_suite', 0.1]
		]);
		const enConstructionAt = rng.chance(0.05) ? cap(deposeAt + rng.int(2, 20) * DAY) : deposeAt;
		let enInstructionAt: number | null = null;
		let processedAt: number | null = null;
		if (state !== 'en_construction') {
			enInstructionAt = enConstructionAt + rng.int(1, 40) * DAY + rng.int(0, 600) * MINUTE;
			if (enInstructionAt >= until) {
				state = 'en_construction';
				enInstructionAt = null;
			} else if (state !== 'en_instruction') {
				processedAt = enInstructionAt + rng.int(1, 60) * DAY + rng.int(0, 600) * MINUTE;
				if (processedAt >= until) {
					state = 'en_instruction';
					processedAt = null;
				}
			}
		}
		const lastEvent = processedAt ?? enInstructionAt ?? enConstructionAt;
		const champsUpdatedAt = rng.chance(0.3)
			? between(rng, deposeAt, enInstructionAt ?? cap(deposeAt + 30 * DAY))
			: deposeAt;
		const annotationsUpdatedAt =
			enInstructionAt === null
				? createdAt
				: between(rng, enInstructionAt, processedAt ?? cap(enInstructionAt + 30 * DAY));
		const updatedAt = cap(
			Math.max(lastEvent, champsUpdatedAt, annotationsUpdatedAt) + rng.int(0, 72 * 60) * MINUTE
		);
		const isActive = createdAt >= FORM_DATES.activeRevisionPublishedAt || rng.chance(0.5);
		const groupe = weighted(
			rng,
			GROUPES.map((g) => [g.number, g.weight] as const)
		);
		const labelCount = weighted(rng, [
			[0, 0.55],
			[1, 0.35],
			[2, 0.1]
		]);
		const groupeRecord = this.groupes.find((g) => g.number === groupe);
		const followers =
			state === 'en_construction' || !groupeRecord ? [] : rng.sample([0, 1, 2], rng.int(0, 2));
		return {
			number,
			state,
			archived: processedAt !== null && rng.chance(0.25),
			revisionId: isActive ? this.activeRevision.id : (this.revisions[0] as RevisionSpec).id,
			groupeNumber: groupe,
			labelIds: rng.sample(LABELS, labelCount).map((l) => l.id),
			createdAt,
			deposeAt,
			enConstructionAt,
			enInstructionAt,
			processedAt,
			updatedAt: Math.max(updatedAt, deposeAt),
			champsUpdatedAt,
			annotationsUpdatedAt,
			baseChampsAt: champsUpdatedAt,
			baseAnnotationsAt: annotationsUpdatedAt,
			hiddenByUserAt: null,
			hiddenByAdministrationAt: null,
			correctionAt:
				state === 'en_construction' && rng.chance(0.08) ? cap(enConstructionAt + rng.int(1, 9) * DAY) : null,
			demandeurKind: weighted(rng, [
				['pp', 0.7],
				['pm', 0.25],
				['pmi', 0.05]
			]),
			connection: weighted(rng, [
				['password', 0.78],
				['france_connect', 0.2],
				['deleted', 0.02]
			]),
			tiers: rng.chance(0.05),
			followers,
			edits: null
		};
	}

	// ---------------------------------------------------------------- reads

	/** Revision spec by database id. */
	revision(id: number): RevisionSpec {
		const rev = this.revisions.find((r) => r.id === id);
		if (!rev) throw new Error(`unknown revision ${id}`);
		return rev;
	}

	/** Dossiers `dossiers` can return (not hidden), optionally of one groupe. */
	visibleRecords(groupeNumber?: number): DossierRecord[] {
		const out: DossierRecord[] = [];
		for (const rec of this.records.values()) {
			if (rec.hiddenByUserAt !== null || rec.hiddenByAdministrationAt !== null) continue;
			if (groupeNumber !== undefined && rec.groupeNumber !== groupeNumber) continue;
			out.push(rec);
		}
		return out;
	}

	/** Dossiers in the trash (pending deletion), optionally of one groupe. */
	pendingRecords(groupeNumber?: number): DossierRecord[] {
		const out: DossierRecord[] = [];
		for (const rec of this.records.values()) {
			if (rec.hiddenByUserAt === null && rec.hiddenByAdministrationAt === null) continue;
			if (groupeNumber !== undefined && rec.groupeNumber !== groupeNumber) continue;
			out.push(rec);
		}
		return out;
	}

	/** Final deletions, optionally of one groupe. */
	deletedRecords(groupeNumber?: number): DeletedRecord[] {
		return groupeNumber === undefined
			? [...this.deleted]
			: this.deleted.filter((d) => d.groupeNumber === groupeNumber);
	}

	/** A visible dossier (what `dossier(number)` may return). */
	visible(number: number): DossierRecord | undefined {
		const rec = this.records.get(number);
		return rec && rec.hiddenByUserAt === null && rec.hiddenByAdministrationAt === null ? rec : undefined;
	}

	/** Trash time used by `pendingDeletedDossiers` (ordering and `dateSupression`). */
	static hiddenAt(rec: DossierRecord): number {
		return rec.state === 'en_construction'
			? (rec.hiddenByUserAt ?? rec.hiddenByAdministrationAt ?? rec.updatedAt)
			: (rec.hiddenByAdministrationAt ?? rec.hiddenByUserAt ?? rec.updatedAt);
	}

	/** A pending deletion as `DeletedDossier` JSON. */
	pendingAsDeleted(rec: DossierRecord): FakeDeletedDossier {
		return {
			id: typedId('DeletedDossier', rec.number),
			number: rec.number,
			state: rec.state,
			reason: rec.hiddenByUserAt !== null ? 'user_request' : 'instructeur_request',
			dateSupression: isoDateTime(DsStore.hiddenAt(rec))
		};
	}

	/** A final deletion as `DeletedDossier` JSON. */
	deletedAsJson(d: DeletedRecord): FakeDeletedDossier {
		return {
			id: typedId('DeletedDossier', d.id),
			number: d.number,
			state: d.state,
			reason: d.reason,
			dateSupression: isoDateTime(d.deletedAt)
		};
	}

	/**
	 * The dossier as served; the symbol-keyed extra holds champs hidden by conditions. Rendered
	 * once, then shared until a mutation changes the dossier: callers must not modify it.
	 */
	render(rec: DossierRecord): RenderedDossier {
		const cached = this.rendered.get(rec.number);
		if (cached && this.renderedRecords.get(cached) === rec) return cached;
		const { champs, annotations, hidden } = this.renderForms(rec);
		const out: RenderedDossier = { ...this.renderHeader(rec), champs, annotations, [HIDDEN_CHAMPS]: hidden };
		this.rendered.set(rec.number, out);
		this.renderedRecords.set(out, rec);
		const noteLinks = (list: FakeChamp[]): void => {
			for (const champ of list) {
				const target = (champ.dossier as { number?: number } | null | undefined)?.number;
				if (champ.__typename === 'DossierLinkChamp' && target !== undefined) {
					let from = this.linkedFrom.get(target);
					if (!from) this.linkedFrom.set(target, (from = new Set()));
					from.add(rec.number);
				}
				for (const row of (champ.rows as { champs: FakeChamp[] }[] | undefined) ?? []) noteLinks(row.champs);
			}
		};
		noteLinks(champs);
		noteLinks(annotations);
		noteLinks(hidden);
		return out;
	}

	/** The record a dossier returned by `render` was rendered from. */
	recordOf(dossier: object): DossierRecord | undefined {
		return this.renderedRecords.get(dossier);
	}

	/**
	 * Renders every dossier ahead of requests (as DS's rows already exist before anyone asks),
	 * and from then on re-renders what a mutation changes when it happens, not at the next read.
	 */
	prerender(): void {
		this.eager = true;
		for (const rec of this.records.values()) this.render(rec);
	}

	/** Drops the rendering of these dossiers (they changed); re-renders them at once if eager. */
	private invalidate(numbers: Iterable<number>): void {
		const changed = [...numbers];
		for (const n of changed) this.rendered.delete(n);
		if (!this.eager) return;
		for (const n of changed) {
			const rec = this.records.get(n);
			if (rec) this.render(rec);
		}
	}

	/**
	 * Records ordered by `key`, then number (every record, pending ones included: listings filter).
	 * Rebuilt only after a mutation moved something.
	 */
	ordered(order: 'depose' | 'updated'): DossierRecord[] {
		const cached = this.orderings.get(order);
		if (cached && cached.version === this.orderVersion) return cached.records;
		const records = [...this.records.values()];
		if (order === 'depose') records.sort((a, b) => a.deposeAt - b.deposeAt || a.number - b.number);
		else records.sort((a, b) => a.updatedAt - b.updatedAt || a.number - b.number);
		this.orderings.set(order, { version: this.orderVersion, records });
		return records;
	}

	/** Champs and annotations of a dossier, plus the champs its conditions hide. */
	renderForms(rec: DossierRecord): { champs: FakeChamp[]; annotations: FakeChamp[]; hidden: FakeChamp[] } {
		const rev = this.revision(rec.revisionId);
		const hidden: FakeChamp[] = [];
		const champs = this.renderFields(rec, rev.champs, rec.baseChampsAt, false, hidden);
		// Annotations stay unanswered until instruction starts, unless a test touched one.
		const annotations = this.renderFields(
			rec,
			rev.annotations,
			rec.baseAnnotationsAt,
			rec.enInstructionAt === null,
			hidden
		);
		return { champs, annotations, hidden };
	}

	/** Everything of a dossier but its champs and annotations (cheap: no champ rendering). */
	renderHeader(rec: DossierRecord): Omit<FakeDossier, 'champs' | 'annotations'> {
		const rng = createRng(this.seed, 'render', rec.number);
		const rev = this.revision(rec.revisionId);
		const groupe =
			this.groupes.find((g) => g.number === rec.groupeNumber) ?? (this.groupes[0] as GroupeRecord);
		const usagerRng = createRng(this.seed, 'usager', rec.number);
		const prenom = usagerRng.pick(PRENOMS);
		const nom = usagerRng.pick(NOMS);
		const email =
			rec.connection === 'deleted'
				? `${slug(prenom.prenom)}.${slug(nom)}@${usagerRng.pick(EMAIL_DOMAINS)}`
				: `${slug(prenom.prenom)}.${slug(nom)}${usagerRng.int(1, 99)}@${usagerRng.pick(EMAIL_DOMAINS)}`;
		const terminal = rec.processedAt !== null;
		const agent = groupe.instructeurs[rng.int(0, groupe.instructeurs.length - 1)]?.email ?? null;
		const motivation = terminal
			? rec.state === 'accepte'
				? rng.pick(['Dossier conforme au règlement d’attribution.', 'Accord de la commission.', null])
				: rng.pick([
						'Ressources supérieures au plafond.',
						'Travaux commencés avant le dépôt.',
						'Dossier incomplet.'
					])
			: null;
		const revisionId = typedId('ProcedureRevision', rev.id);
		const dossierFile = (kind: 'pdf' | 'geojson'): FakeFile => ({
			filename: kind === 'pdf' ? `dossier-${rec.number}.pdf` : `dossier-${rec.number}-features.json`,
			contentType: kind === 'pdf' ? 'application/pdf' : 'application/json',
			checksum: '',
			byteSize: 0,
			byteSizeBigInt: '0',
			url: `${this.origin}/api/v2/dossiers/${kind}/${Buffer.from(`dossier-${rec.number}`).toString('base64url')}`,
			createdAt: isoDateTime(rec.updatedAt),
			virusScanResult: 'safe'
		});
		return {
			__typename: 'Dossier',
			id: typedId('Dossier', rec.number),
			number: rec.number,
			state: rec.state,
			archived: rec.archived,
			prefilled: false,
			connectionUsager: rec.connection,
			deposeParUnTiers: rec.tiers,
			nomMandataire: rec.tiers ? rng.pick(NOMS) : null,
			prenomMandataire: rec.tiers ? rng.pick(PRENOMS).prenom : null,
			dateDepot: isoDateTime(rec.deposeAt),
			datePassageEnConstruction: isoDateTime(rec.enConstructionAt),
			datePassageEnInstruction: rec.enInstructionAt === null ? null : isoDateTime(rec.enInstructionAt),
			dateTraitement: rec.processedAt === null ? null : isoDateTime(rec.processedAt),
			dateDerniereModification: isoDateTime(rec.updatedAt),
			dateDerniereModificationChamps: isoDateTime(rec.champsUpdatedAt),
			dateDerniereModificationAnnotations: isoDateTime(rec.annotationsUpdatedAt),
			// DS hides the expiry date while the dossier is being instructed.
			dateExpiration:
				rec.state === 'en_instruction'
					? null
					: isoDateTime((rec.processedAt ?? rec.enConstructionAt) + 365 * DAY),
			dateSuppressionParUsager: rec.hiddenByUserAt === null ? null : isoDateTime(rec.hiddenByUserAt),
			dateSuppressionParAdministration:
				rec.hiddenByAdministrationAt === null ? null : isoDateTime(rec.hiddenByAdministrationAt),
			dateDerniereCorrectionEnAttente: rec.correctionAt === null ? null : isoDateTime(rec.correctionAt),
			datePrevisionnelleDecisionSVASVR: null,
			dateTraitementSVASVR: null,
			motivation,
			motivationAttachment: null,
			attestation:
				rec.state === 'accepte'
					? {
							filename: `attestation-dossier-${rec.number}.pdf`,
							contentType: 'application/pdf',
							checksum: Buffer.from(
								String(hashSeed(this.seed, 'attestation', rec.number)).padEnd(16, '0')
							).toString('base64'),
							byteSize: 48_213,
							byteSizeBigInt: '48213',
							url: `${this.origin}/fake-files/attestation-${rec.number}/attestation-dossier-${rec.number}.pdf`,
							createdAt: isoDateTime(rec.processedAt ?? rec.updatedAt),
							virusScanResult: 'safe'
						}
					: null,
			pdf: dossierFile('pdf'),
			geojson: dossierFile('geojson'),
			usager: { id: typedId('User', 300_000 + (rec.number % 100_000)), email },
			demandeur: this.demandeur(rec, prenom, nom, email),
			groupeInstructeur: {
				id: typedId('GroupeInstructeur', groupe.number),
				number: groupe.number,
				label: groupe.label,
				closed: groupe.closed
			},
			instructeurs: rec.followers.flatMap((i) => (groupe.instructeurs[i] ? [groupe.instructeurs[i]] : [])),
			labels: rec.labelIds.flatMap((id) => {
				const label = this.labels.find((l) => l.id === id);
				return label ? [{ id: typedId('Label', label.id), name: label.name, color: label.color }] : [];
			}),
			traitements: this.traitements(rec, agent, motivation),
			avis: [],
			messages: [],
			demarche: {
				id: typedId('Procedure', this.demarcheNumber),
				number: this.demarcheNumber,
				title: this.title,
				revision: { id: revisionId }
			},
			revision: { id: revisionId }
		};
	}

	private renderFields(
		rec: DossierRecord,
		fields: readonly FieldSpec[],
		baselineMs: number,
		blank: boolean,
		hidden: FakeChamp[]
	): FakeChamp[] {
		const byStable = new Map<number, FakeChamp>();
		const out: FakeChamp[] = [];
		for (const field of fields) {
			const edit = rec.edits?.get(field.stableId);
			const ctx: ChampContext = {
				seed: this.seed,
				number: rec.number,
				version: edit?.version ?? 0,
				updatedAtMs: edit?.at ?? champBaseline(this.seed, rec, field.stableId, baselineMs),
				origin: this.origin,
				linkTarget: (rng) => this.linkTarget(rec.number, rng),
				blank: blank && !edit
			};
			let champ = renderChamp(field, ctx);
			if (champ.__typename === 'DossierLinkChamp') champ = this.resolveLink(champ);
			byStable.set(field.stableId, champ);
			const source = field.condition ? byStable.get(field.condition.stableId) : undefined;
			const visible = !field.condition || (source !== undefined && source.value === field.condition.equals);
			(visible ? out : hidden).push(champ);
		}
		return out;
	}

	/** A linked dossier that no longer exists comes back as null, as with DS. */
	private resolveLink(champ: FakeChamp): FakeChamp {
		const target = champ.dossier as { number: number } | null;
		if (target && !this.records.has(target.number)) return { ...champ, dossier: null };
		return champ;
	}

	/** An earlier dossier of the initial set (links never change unless the champ is touched). */
	private linkTarget(number: number, rng: Rng): number | null {
		const limit = this.initialIndex.get(number) ?? this.initialNumbers.length;
		if (limit === 0) return null;
		return this.initialNumbers[rng.int(0, limit - 1)] ?? null;
	}

	private demandeur(
		rec: DossierRecord,
		prenom: { prenom: string; civilite: 'M' | 'Mme' },
		nom: string,
		email: string
	): FakeDossier['demandeur'] {
		const rng = createRng(this.seed, 'demandeur', rec.number);
		if (rec.demandeurKind === 'pp') {
			return {
				__typename: 'PersonnePhysique',
				id: typedId('Individual', 600_000 + (rec.number % 1_000_000)),
				civilite: prenom.civilite,
				nom,
				prenom: prenom.prenom,
				email: rec.tiers ? null : email,
				dateDeNaissance: rng.chance(0.6)
					? isoDate(Date.UTC(rng.int(1935, 2004), rng.int(0, 11), rng.int(1, 28), 12))
					: null
			};
		}
		const etablissement = fakeEtablissement(rng, this.seed);
		if (rec.demandeurKind === 'pmi') {
			return {
				__typename: 'PersonneMoraleIncomplete',
				id: etablissement.id as string,
				siret: etablissement.siret
			};
		}
		return etablissement as unknown as FakeDossier['demandeur'];
	}

	private traitements(
		rec: DossierRecord,
		agent: string | null,
		motivation: string | null
	): FakeDossier['traitements'] {
		const out: FakeDossier['traitements'] = [];
		let id = rec.number * 10;
		const push = (
			event: string,
			state: DossierState,
			at: number,
			byAgent: boolean,
			why: string | null = null
		): void => {
			out.push({
				id: typedId('Traitement', id++),
				event,
				state,
				dateTraitement: isoDateTime(at),
				emailAgentTraitant: byAgent ? agent : null,
				motivation: why
			});
		};
		push('depose', 'en_construction', rec.deposeAt, false);
		if (rec.enConstructionAt !== rec.deposeAt) {
			push('passe_en_instruction', 'en_instruction', rec.deposeAt + HOUR, true);
			push('repasse_en_construction', 'en_construction', rec.enConstructionAt, true);
		}
		if (rec.enInstructionAt !== null)
			push('passe_en_instruction', 'en_instruction', rec.enInstructionAt, true);
		if (rec.processedAt !== null) {
			const event =
				rec.state === 'accepte' ? 'accepte' : rec.state === 'refuse' ? 'refuse' : 'classe_sans_suite';
			push(event, rec.state, rec.processedAt, true, motivation);
		}
		return out;
	}

	/** Every served dossier, rendered, in the default order (dépôt date, then id); the caller's own copy. */
	truth(): FakeDossier[] {
		return structuredClone(this.servedTruth());
	}

	/** `truth()` sharing the rendered objects (read-only; for serialising). */
	servedTruth(): FakeDossier[] {
		return this.ordered('depose')
			.filter((rec) => rec.hiddenByUserAt === null && rec.hiddenByAdministrationAt === null)
			.map((rec) => stripHidden(this.render(rec)));
	}

	// ---------------------------------------------------------------- mutations

	private pickTargets(target: DossierTarget, pool: DossierRecord[]): DossierRecord[] {
		if ('count' in target) {
			const sorted = [...pool].sort((a, b) => a.number - b.number);
			return this.mutationRng.sample(sorted, Math.max(0, Math.floor(target.count)));
		}
		return target.map((n) => {
			const rec = pool.find((r) => r.number === n);
			if (!rec) throw new Error(`Dossier ${n} introuvable parmi les dossiers visés.`);
			return rec;
		});
	}

	/** Edits one champ or annotation of each target and bumps `updated_at` (what a user edit does). */
	touch(target: DossierTarget): number[] {
		const recs = this.pickTargets(target, this.visibleRecords());
		for (const rec of recs) {
			const rev = this.revision(rec.revisionId);
			const annotation = this.mutationRng.chance(0.25);
			const candidates = (annotation ? rev.annotations : rev.champs).filter(
				(f) => f.kind !== 'HeaderSection' && f.kind !== 'Explication'
			);
			const field = this.mutationRng.pick(candidates);
			const at = this.now();
			rec.edits ??= new Map();
			const previous = rec.edits.get(field.stableId)?.version ?? 0;
			rec.edits.set(field.stableId, { version: previous + 1, at });
			if (annotation) rec.annotationsUpdatedAt = at;
			else rec.champsUpdatedAt = at;
			rec.updatedAt = at;
		}
		return this.changed(recs, true);
	}

	/** Invalidates what a mutation of these records changed; returns their numbers. */
	private changed(recs: DossierRecord[], moved: boolean): number[] {
		const numbers = recs.map((r) => r.number);
		this.invalidate(numbers);
		if (moved && recs.length > 0) this.reordered();
		return numbers;
	}

	/** Listing orders changed: rebuilt at the next read, or now when eager. */
	private reordered(): void {
		this.orderVersion++;
		if (!this.eager) return;
		this.ordered('depose');
		this.ordered('updated');
	}

	/** Final deletion: the dossier leaves `dossiers` and appears in `deletedDossiers`. */
	remove(target: DossierTarget, reason: DeletedDossierReason = 'instructeur_request'): number[] {
		const recs = this.pickTargets(target, [...this.records.values()]);
		for (const rec of recs) {
			this.records.delete(rec.number);
			this.deleted.push({
				id: this.nextDeletedId++,
				number: rec.number,
				state: rec.state,
				reason,
				deletedAt: this.now(),
				groupeNumber: rec.groupeNumber
			});
			// Dossiers linking to it now serve a null link.
			this.invalidate(this.linkedFrom.get(rec.number) ?? []);
			this.linkedFrom.delete(rec.number);
		}
		return this.changed(recs, true);
	}

	/** Moves dossiers to the trash (`pendingDeletedDossiers`): by the usager when en construction, else by the administration. */
	softDelete(target: DossierTarget): number[] {
		const recs = this.pickTargets(target, this.visibleRecords());
		for (const rec of recs) {
			const at = this.now();
			if (rec.state === 'en_construction') rec.hiddenByUserAt = at;
			else rec.hiddenByAdministrationAt = at;
			rec.updatedAt = at;
		}
		return this.changed(recs, true);
	}

	/** Takes dossiers out of the trash (they come back in `dossiers` with a new `updated_at`). */
	restore(target: DossierTarget): number[] {
		const recs = this.pickTargets(target, this.pendingRecords());
		for (const rec of recs) {
			rec.hiddenByUserAt = null;
			rec.hiddenByAdministrationAt = null;
			rec.updatedAt = this.now();
		}
		return this.changed(recs, true);
	}

	/** Changes the labels of each target **without** bumping `updated_at` (as DS does). */
	relabel(target: DossierTarget): number[] {
		const recs = this.pickTargets(target, this.visibleRecords());
		for (const rec of recs) {
			const before = [...rec.labelIds].sort().join(',');
			let next = rec.labelIds;
			for (let i = 0; i < 20 && [...next].sort().join(',') === before; i++) {
				next = this.mutationRng.sample(LABELS, this.mutationRng.int(0, 3)).map((l) => l.id);
			}
			rec.labelIds = next;
		}
		return this.changed(recs, false);
	}

	/** Renames a descriptor of the active (and draft) revision; dossiers' `updated_at` do not move. */
	renameChampLabel(descriptorId: string, newLabel: string): void {
		const fields = flattenFields([...this.activeRevision.champs, ...this.activeRevision.annotations]);
		const field = fields.find((f) => champId(f.stableId) === descriptorId);
		if (!field) throw new Error(`Descripteur ${descriptorId} absent de la révision active.`);
		field.label = newLabel;
		this.formVersion++;
		// Champ labels come from the form: every rendering may hold the old one.
		this.invalidate([...this.rendered.keys()]);
		this.demarcheUpdatedAt = this.now();
	}

	/** Deposits `count` new dossiers now (en construction, active revision). */
	addDossiers(count: number): number[] {
		const added: number[] = [];
		for (let i = 0; i < Math.max(0, Math.floor(count)); i++) {
			const at = this.now();
			this.nextNumber += this.mutationRng.int(1, 37);
			const rec = this.newRecord(this.nextNumber, at - 2 * HOUR, at + 1);
			Object.assign(rec, {
				state: 'en_construction',
				archived: false,
				revisionId: this.activeRevision.id,
				deposeAt: at,
				enConstructionAt: at,
				enInstructionAt: null,
				processedAt: null,
				champsUpdatedAt: at,
				annotationsUpdatedAt: at - 2 * HOUR,
				baseChampsAt: at,
				baseAnnotationsAt: at - 2 * HOUR,
				updatedAt: at,
				correctionAt: null,
				followers: []
			} satisfies Partial<DossierRecord>);
			this.records.set(rec.number, rec);
			added.push(rec.number);
		}
		if (added.length > 0) this.reordered();
		if (this.eager) for (const n of added) this.render(this.records.get(n)!);
		return added;
	}
}

/** Symbol under which a rendered dossier keeps the champs hidden by conditions (for `champs(id:)`). */
export const HIDDEN_CHAMPS: unique symbol = Symbol('hiddenChamps');

/** A dossier as `render` returns it: served JSON plus the champs its conditions hide. */
export type RenderedDossier = FakeDossier & { [HIDDEN_CHAMPS]: FakeChamp[] };

/** Drops the symbol-keyed extra, returning the plain served JSON. */
export function stripHidden(d: FakeDossier & { [HIDDEN_CHAMPS]?: FakeChamp[] }): FakeDossier {
	const { [HIDDEN_CHAMPS]: _hidden, ...plain } = d;
	return plain;
}

function between(rng: Rng, from: number, to: number): number {
	if (to <= from) return from;
	return from + Math.floor(rng.next() * (to - from));
}

function weighted<T>(rng: Rng, choices: readonly (readonly [T, number])[]): T {
	let r = rng.next() * choices.reduce((sum, [, w]) => sum + w, 0);
	for (const [value, w] of choices) {
		r -= w;
		if (r < 0) return value;
	}
	return (choices.at(-1) as readonly [T, number])[0];
}

function deletionReason(rng: Rng, state: DossierState): DeletedDossierReason {
	if (state === 'en_construction')
		return weighted(rng, [
			['user_request', 0.6],
			['expired', 0.3],
			['user_removed', 0.1]
		] as const);
	return weighted(rng, [
		['expired', 0.5],
		['instructeur_request', 0.3],
		['manager_request', 0.2]
	] as const);
}

/** When an untouched champ was last modified: a stable instant between dépôt and the baseline. */
function champBaseline(seed: number, rec: DossierRecord, stableId: number, baselineMs: number): number {
	const from = Math.min(rec.createdAt, baselineMs);
	const span = baselineMs - from;
	if (span <= 0) return baselineMs;
	// A third of the champs carry the latest edit time, the others were filled earlier.
	const h = hashSeed(seed, 'baseline', rec.number, stableId);
	return h % 3 === 0 ? baselineMs : from + Math.floor((h / 4294967296) * span);
}
