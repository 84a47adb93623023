import type { Row } from '#widget/grist-types.ts';
import { dateCell, dateTimeCell, fieldCellsInto } from './champ-values.ts';
import type { DsChamp, DsDemandeur, DsDossier } from './ds-types.ts';
import type { FormPlan, PlanField } from './form-plan.ts';

/** The Grist rows of one dossier, before the `dossier` Ref cells are known. */
export interface DossierRows {
	number: number;
	dossier: Row;
	champs: Row;
	annotations: Row;
	/** Block table id → one row per block row (key `ligne`, the DS row id). */
	blocks: Map<string, Row[]>;
}

const DEMANDEUR_TYPES: Record<string, string> = {
	PersonnePhysique: 'Personne physique',
	PersonneMorale: 'Personne morale',
	PersonneMoraleIncomplete: 'Personne morale incomplète'
};

function demandeurCells(d: DsDemandeur | null | undefined): Row {
	const v = (x: string | null | undefined) => (x === undefined || x === null || x === '' ? null : x);
	return {
		demandeur_type: d ? (DEMANDEUR_TYPES[d.__typename] ?? d.__typename) : null,
		demandeur_civilite: v(d?.civilite),
		demandeur_nom: v(d?.nom),
		demandeur_prenom: v(d?.prenom),
		demandeur_email: v(d?.email),
		demandeur_siret: v(d?.siret),
		demandeur_raison_sociale: v(d?.entreprise?.raisonSociale ?? d?.association?.titre),
		demandeur_naf: v(d?.naf),
		demandeur_libelle_naf: v(d?.libelleNaf),
		demandeur_adresse: v(d?.address?.label)
	};
}

/** Dossier-level cells (ds.md §6.2); the deletion flags are cleared: a listed dossier is alive. */
export function dossierCells(d: DsDossier): Row {
	const text = (x: string | null | undefined) => (x === undefined || x === null || x === '' ? null : x);
	const labels = d.labels.map((l) => l.name);
	return {
		numero: d.number,
		dossier_id: d.id,
		etat: d.state,
		archive: d.archived,
		prerempli: d.prefilled,
		depose_par_un_tiers: d.deposeParUnTiers ?? false,
		mandataire_nom: text(d.nomMandataire),
		mandataire_prenom: text(d.prenomMandataire),
		connexion_usager: d.connectionUsager,
		usager_email: text(d.usager?.email),
		...demandeurCells(d.demandeur),
		groupe_instructeur: d.groupeInstructeur?.label ?? null,
		groupe_instructeur_numero: d.groupeInstructeur?.number ?? null,
		etiquettes: labelsCell(labels),
		suivi_par: d.instructeurs.length > 0 ? d.instructeurs.map((i) => i.email).join(', ') : null,
		motivation: text(d.motivation),
		revision_id: d.demarche?.revision?.id ?? null,
		date_depot: dateTimeCell(d.dateDepot),
		date_passage_en_construction: dateTimeCell(d.datePassageEnConstruction),
		date_passage_en_instruction: dateTimeCell(d.datePassageEnInstruction),
		date_traitement: dateTimeCell(d.dateTraitement),
		date_derniere_modification: dateTimeCell(d.dateDerniereModification),
		date_derniere_modification_champs: dateTimeCell(d.dateDerniereModificationChamps),
		date_derniere_modification_annotations: dateTimeCell(d.dateDerniereModificationAnnotations),
		date_expiration: dateTimeCell(d.dateExpiration),
		date_suppression_par_usager: dateTimeCell(d.dateSuppressionParUsager),
		date_suppression_par_administration: dateTimeCell(d.dateSuppressionParAdministration),
		date_derniere_correction_en_attente: dateTimeCell(d.dateDerniereCorrectionEnAttente),
		date_previsionnelle_decision_sva_svr: dateCell(d.datePrevisionnelleDecisionSVASVR),
		supprime: false,
		date_suppression: null,
		motif_suppression: null,
		en_attente_suppression: false
	};
}

/** Label names → ChoiceList cell (null when none, as Grist shows an empty list). */
export function labelsCell(names: string[]): Row[string] {
	return names.length > 0 ? ['L', ...names] : null;
}

/** Fills `row` with the cells of every field, in plan order. */
function fieldsInto(row: Row, fields: PlanField[], champs: DsChamp[]): Row {
	const byDescriptor = new Map<string, DsChamp>();
	for (const c of champs) byDescriptor.set(c.champDescriptorId, c);
	for (const f of fields) fieldCellsInto(row, f, byDescriptor.get(f.descriptorId));
	return row;
}

/**
 * Maps one dossier onto the plan: one row in each of dossiers, champs and annotations, and one
 * row per repetition row in each block table (every block of the plan is listed, empty when the
 * dossier has no rows, so stale rows can be removed).
 */
export function dossierToRows(d: DsDossier, plan: FormPlan): DossierRows {
	const blocks = new Map<string, Row[]>();
	for (const block of plan.blocks) blocks.set(block.tableId, []);
	const all = [...plan.champs, ...plan.annotations];
	const champById = new Map([...d.champs, ...d.annotations].map((c) => [c.champDescriptorId, c]));
	for (const f of all) {
		if (!f.block) continue;
		const rows = champById.get(f.descriptorId)?.rows ?? [];
		const out = blocks.get(f.block.tableId)!;
		rows.forEach((r, i) =>
			out.push(fieldsInto({ ligne: r.id, numero: d.number, position: i + 1 }, f.block!.fields, r.champs))
		);
	}
	return {
		number: d.number,
		dossier: dossierCells(d),
		champs: fieldsInto({ numero: d.number }, plan.champs, d.champs),
		annotations: fieldsInto({ numero: d.number }, plan.annotations, d.annotations),
		blocks
	};
}
