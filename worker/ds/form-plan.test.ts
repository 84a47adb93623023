import { describe, expect, test } from 'vitest';
import type { DsDemarcheSchema, DsDescriptor } from './ds-types.ts';
import { buildFormPlan, fieldKey, planTableSpecs } from './form-plan.ts';
import { champIdOf } from './testing.ts';

const d = (stable: number, type: string, label: string, extra: Partial<DsDescriptor> = {}): DsDescriptor => ({
	__typename: `${type}ChampDescriptor`,
	id: champIdOf(stable),
	label,
	...extra
});

/** Revision 1 had a "Budget" field and a block with a "Montant" sub-field; revision 2 renamed and reordered. */
const schema: DsDemarcheSchema = {
	id: 'UHJvY2VkdXJlLTc=',
	number: 7,
	title: 'Subventions',
	state: 'publiee',
	dateDerniereModification: '2026-02-01T00:00:00+01:00',
	activeRevision: { id: 'R2' },
	revisions: [
		{
			id: 'R1',
			dateCreation: '2026-01-01T00:00:00+01:00',
			champDescriptors: [
				d(1, 'Text', 'Nom du projet'),
				d(2, 'DecimalNumber', 'Budget'),
				d(3, 'Repetition', 'Dépenses', {
					champDescriptors: [d(31, 'Text', 'Poste'), d(32, 'DecimalNumber', 'Montant')]
				})
			],
			annotationDescriptors: []
		},
		{
			id: 'R2',
			dateCreation: '2026-02-01T00:00:00+01:00',
			champDescriptors: [
				d(9, 'HeaderSection', 'Votre projet'),
				d(4, 'DropDownList', 'Thème', { options: ['Culture', 'Sport'] }),
				d(1, 'Text', 'Intitulé du projet'),
				d(10, 'Explication', 'À lire'),
				d(3, 'Repetition', 'Dépenses prévues', { champDescriptors: [d(31, 'Text', 'Poste de dépense')] })
			],
			annotationDescriptors: [d(50, 'YesNo', 'Éligible')]
		}
	],
	groupeInstructeurs: [{ number: 1, label: 'Paris', closed: false }],
	labels: [{ name: 'Urgent', color: 'pink_macaron' }]
};

describe('form plan', () => {
	test('column keys come from the stable descriptor id, never from the label', () => {
		expect([fieldKey(champIdOf(123)), fieldKey('pas-du-base64!'), fieldKey(btoa('Autre-1'))]).toStrictEqual([
			'champ_123',
			'champ_x58e88a1a',
			'champ_x66cff17b'
		]);
	});

	test('union of revisions: active order and labels, removed fields kept, layout skipped', () => {
		const plan = buildFormPlan(schema, { prefix: 'Subv' });
		expect(
			plan.champs.map((f) => [f.key, f.kind, f.label, f.removed, f.columns.map((c) => `${c.id}:${c.type}`)])
		).toStrictEqual([
			['champ_4', 'choice', 'Thème', false, ['champ_4:Choice']],
			['champ_1', 'text', 'Intitulé du projet', false, ['champ_1:Text']],
			['champ_3', 'repetition', 'Dépenses prévues', false, ['champ_3:Int']],
			['champ_2', 'decimal', 'Budget (retiré du formulaire)', true, ['champ_2:Numeric']]
		]);
		expect(
			plan.blocks.map((b) => [b.tableId, b.removed, b.fields.map((f) => [f.key, f.label, f.removed])])
		).toStrictEqual([
			[
				'Subv_bloc_3',
				false,
				[
					['champ_31', 'Poste de dépense', false],
					['champ_32', 'Montant (retiré du formulaire)', true]
				]
			]
		]);
		expect(plan.annotations.map((f) => [f.key, f.kind])).toStrictEqual([['champ_50', 'yesno']]);
		expect(plan.tables).toStrictEqual({
			dossiers: 'Subv_dossiers',
			champs: 'Subv_champs',
			annotations: 'Subv_annotations'
		});
	});

	test('table specs: typed dossier columns, child tables with a Ref, one table per block', () => {
		const specs = planTableSpecs(buildFormPlan(schema, { prefix: 'Subv' }));
		expect(specs.map((s) => s.id)).toStrictEqual([
			'Subv_dossiers',
			'Subv_champs',
			'Subv_annotations',
			'Subv_bloc_3'
		]);
		const dossiers = specs[0]!.columns;
		expect(dossiers.find((c) => c.id === 'etat')).toStrictEqual({
			id: 'etat',
			type: 'Choice',
			label: 'État',
			choices: ['en_construction', 'en_instruction', 'accepte', 'refuse', 'sans_suite']
		});
		expect(dossiers.find((c) => c.id === 'etiquettes')?.choices).toStrictEqual(['Urgent']);
		expect(dossiers.find((c) => c.id === 'groupe_instructeur')?.choices).toStrictEqual(['Paris']);
		expect(dossiers.find((c) => c.id === 'date_depot')?.type).toBe('DateTime:Europe/Paris');
		expect(specs[1]!.columns).toStrictEqual([
			{ id: 'numero', type: 'Int', label: 'Numéro du dossier' },
			{ id: 'dossier', type: 'Ref:Subv_dossiers', label: 'Dossier' },
			{ id: 'champ_4', type: 'Choice', label: 'Thème', choices: ['Culture', 'Sport'] },
			{ id: 'champ_1', type: 'Text', label: 'Intitulé du projet' },
			{ id: 'champ_3', type: 'Int', label: 'Dépenses prévues (nombre de lignes)' },
			{ id: 'champ_2', type: 'Numeric', label: 'Budget (retiré du formulaire)' }
		]);
		expect(specs[3]!.columns.map((c) => `${c.id}:${c.type}`)).toStrictEqual([
			'ligne:Text',
			'numero:Int',
			'dossier:Ref:Subv_dossiers',
			'position:Int',
			'champ_31:Text',
			'champ_32:Numeric'
		]);
	});

	test('the plan version changes with the columns, not with unrelated data', () => {
		const a = buildFormPlan(schema);
		const b = buildFormPlan({ ...schema, title: 'Autre titre' });
		const c = buildFormPlan({
			...schema,
			labels: [...schema.labels, { name: 'Complet', color: 'green_menthe' }]
		});
		expect(a.version).toBe(b.version);
		expect(a.version).not.toBe(c.version);
		expect(a.tables.dossiers).toBe('Demarche_7_dossiers');
	});
});
