import { describe, expect, it } from 'vitest';
import type { FakeChamp } from './champ-values.ts';
import { champId, decodeTypedId } from './ds-format.ts';
import { DsStore, HIDDEN_CHAMPS, type DossierRecord, type FakeDossier } from './dossier-store.ts';
import { STABLE } from './form-spec.ts';
import { ibanValid, luhnValid } from './french-data.ts';

const make = (seed = 7, dossiers = 120): DsStore =>
	new DsStore({ seed, dossiers, demarcheNumber: 1234, origin: 'http://ds.test' });

const decode = (id: string): string => Buffer.from(id, 'base64').toString('utf8');

function allChamps(d: FakeDossier): FakeChamp[] {
	const out: FakeChamp[] = [];
	const walk = (c: FakeChamp): void => {
		out.push(c);
		for (const row of (c.rows as { champs: FakeChamp[] }[] | undefined) ?? []) row.champs.forEach(walk);
	};
	[...d.champs, ...d.annotations].forEach(walk);
	return out;
}

describe('DsStore generation', () => {
	it('is deterministic by seed and differs across seeds', () => {
		const a = make(7);
		const b = make(7);
		expect(JSON.stringify(b.truth())).toBe(JSON.stringify(a.truth()));
		expect(b.deleted).toStrictEqual(a.deleted);
		expect(JSON.stringify(make(8).truth())).not.toBe(JSON.stringify(a.truth()));
	});

	it('serves the requested number of dossiers, plus deleted and pending ones', () => {
		const store = make(7, 120);
		expect(store.visibleRecords()).toHaveLength(120);
		expect(store.deleted.length).toBeGreaterThan(0);
		expect(store.pendingRecords().length).toBeGreaterThan(0);
		const states = new Set(store.truth().map((d) => d.state));
		expect([...states].sort()).toStrictEqual([
			'accepte',
			'en_construction',
			'en_instruction',
			'refuse',
			'sans_suite'
		]);
		expect(new Set(store.truth().map((d) => d.groupeInstructeur.number)).size).toBe(3);
		expect(new Set(store.truth().map((d) => d.demandeur.__typename))).toStrictEqual(
			new Set(['PersonnePhysique', 'PersonneMorale', 'PersonneMoraleIncomplete'])
		);
	});

	it('builds champ, row and row-champ ids as DS does', () => {
		const truth = make().truth();
		let rows = 0;
		for (const d of truth) {
			for (const c of [...d.champs, ...d.annotations]) {
				expect(c.id).toBe(c.champDescriptorId);
				expect(decode(c.id)).toMatch(/^Champ-\d+$/);
				for (const row of (c.rows as { id: string; champs: FakeChamp[] }[] | undefined) ?? []) {
					rows++;
					const rowId = decode(row.id).replace(/^Row-/, '');
					expect(rowId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
					for (const sub of row.champs) {
						expect(decode(sub.id)).toBe(`${decode(sub.champDescriptorId)}|${rowId}`);
					}
				}
			}
		}
		expect(rows).toBeGreaterThan(0);
	});

	it('keeps repetition row ids stable across renders and touches elsewhere', () => {
		const store = make();
		const rec = store.visibleRecords()[0];
		if (!rec) throw new Error('no dossier');
		const rowIds = (d: FakeDossier): string[] =>
			d.champs.flatMap((c) => ((c.rows as { id: string }[] | undefined) ?? []).map((r) => r.id));
		const before = rowIds(store.render(rec));
		expect(rowIds(store.render(rec))).toStrictEqual(before);
	});

	it('produces valid SIRET (Luhn) and IBAN values', () => {
		const truth = make(11, 200).truth();
		const sirets = truth.flatMap((d) => [
			...allChamps(d).flatMap((c) =>
				c.__typename === 'SiretChamp' && c.etablissement ? [(c.etablissement as { siret: string }).siret] : []
			),
			...(d.demandeur.__typename === 'PersonneMorale' ? [d.demandeur.siret as string] : [])
		]);
		expect(sirets.length).toBeGreaterThan(50);
		for (const siret of sirets) {
			expect(siret).toMatch(/^\d{14}$/);
			expect(luhnValid(siret)).toBe(true);
			expect(luhnValid(siret.slice(0, 9))).toBe(true);
		}
		const ibans = truth.flatMap((d) =>
			d.champs.filter((c) => c.id === champId(1008) && c.value).map((c) => c.value as string)
		);
		expect(ibans.length).toBeGreaterThan(50);
		expect(ibans.every(ibanValid)).toBe(true);
	});

	it('omits champs hidden by their condition', () => {
		const truth = make(5, 200).truth();
		const has = (d: FakeDossier, stable: number): boolean => d.champs.some((c) => c.id === champId(stable));
		const answer = (d: FakeDossier): unknown =>
			d.champs.find((c) => c.id === champId(STABLE.aidePrecedente))?.value;
		const shown = truth.filter((d) => answer(d) === true);
		const hidden = truth.filter((d) => answer(d) !== true);
		expect(shown.length).toBeGreaterThan(10);
		expect(hidden.length).toBeGreaterThan(10);
		for (const d of shown) expect(has(d, STABLE.referenceAide) && has(d, STABLE.dossierPrecedent)).toBe(true);
		for (const d of hidden)
			expect(has(d, STABLE.referenceAide) || has(d, STABLE.dossierPrecedent)).toBe(false);
	});

	it('serves old-revision dossiers with their own champs and labels', () => {
		const store = make(3, 300);
		const [oldRev, activeRev] = store.revisions;
		const truth = store.truth();
		const onOld = truth.filter((d) => decodeTypedId(d.demarche.revision.id)?.id === String(oldRev?.id));
		const onActive = truth.filter((d) => decodeTypedId(d.demarche.revision.id)?.id === String(activeRev?.id));
		expect(onOld.length).toBeGreaterThan(5);
		expect(onActive.length).toBeGreaterThan(5);
		const label = (d: FakeDossier, stable: number): string | undefined =>
			d.champs.find((c) => c.id === champId(stable))?.label;
		for (const d of onOld) {
			expect(label(d, STABLE.montantTravaux)).toBe('Montant estimé des travaux');
			expect(d.champs.some((c) => c.id === champId(STABLE.numeroFiscal))).toBe(true);
			expect(d.champs.some((c) => c.__typename === 'EngagementJuridiqueChamp')).toBe(false);
		}
		for (const d of onActive) {
			expect(label(d, STABLE.montantTravaux)).toBe('Montant des travaux (€ TTC)');
			expect(d.champs.some((c) => c.id === champId(STABLE.numeroFiscal))).toBe(false);
		}
	});
});

describe('DsStore mutations', () => {
	it('touch changes at most one value and bumps updated_at', () => {
		const store = make();
		const rec = store.visibleRecords()[3];
		if (!rec) throw new Error('no dossier');
		const before = store.render(rec);
		expect(store.touch([rec.number])).toStrictEqual([rec.number]);
		const after = store.render(rec);
		expect(Date.parse(after.dateDerniereModification)).toBeGreaterThan(
			Date.parse(before.dateDerniereModification)
		);
		const differing = (a: FakeChamp[], b: FakeChamp[]): number =>
			b.filter((c) => JSON.stringify(a.find((x) => x.id === c.id)) !== JSON.stringify(c)).length;
		// The touched champ changes (value and/or updatedAt); conditional champs may appear or vanish with it.
		const changed = differing(before.champs, after.champs) + differing(before.annotations, after.annotations);
		expect(changed).toBeGreaterThanOrEqual(1);
		expect(changed).toBeLessThanOrEqual(3);
	});

	it('touch by count picks distinct visible dossiers', () => {
		const store = make();
		const touched = store.touch({ count: 5 });
		expect(new Set(touched).size).toBe(5);
	});

	it('relabel changes labels without bumping updated_at', () => {
		const store = make();
		const [n] = store.relabel({ count: 1 });
		const rec = store.visible(n ?? 0);
		if (!rec) throw new Error('no dossier');
		const before = store.truth().find((d) => d.number === n);
		const labelsBefore = JSON.stringify(before?.labels);
		store.relabel([rec.number]);
		const after = store.truth().find((d) => d.number === n);
		expect(JSON.stringify(after?.labels)).not.toBe(labelsBefore);
		expect(after?.dateDerniereModification).toBe(before?.dateDerniereModification);
	});

	it('renames a label on the active revision only, without touching dossiers', () => {
		const store = make(3, 300);
		const truthBefore = store.truth();
		store.renameChampLabel(champId(STABLE.montantTravaux), 'Coût total des travaux');
		const truthAfter = store.truth();
		const label = (d: FakeDossier): string | undefined =>
			d.champs.find((c) => c.id === champId(STABLE.montantTravaux))?.label;
		expect(new Set(truthAfter.map(label))).toStrictEqual(
			new Set(['Coût total des travaux', 'Montant estimé des travaux'])
		);
		expect(truthAfter.map((d) => d.dateDerniereModification)).toStrictEqual(
			truthBefore.map((d) => d.dateDerniereModification)
		);
		expect(() => store.renameChampLabel(champId(999_999), 'x')).toThrow(/absent/);
	});

	it('remove, softDelete and restore move dossiers between the three lists', () => {
		const store = make();
		const [removed] = store.remove({ count: 1 });
		const [trashed] = store.softDelete({ count: 1 });
		expect(store.visible(removed ?? 0)).toBeUndefined();
		expect(store.deleted.some((d) => d.number === removed)).toBe(true);
		expect(store.visible(trashed ?? 0)).toBeUndefined();
		expect(store.pendingRecords().some((r) => r.number === trashed)).toBe(true);
		store.restore([trashed ?? 0]);
		expect(store.visible(trashed ?? 0)).toBeDefined();
		expect(store.visibleRecords()).toHaveLength(120 - 1);
	});

	it('adds new dossiers deposited now, en construction, on the active revision', () => {
		const store = make();
		const added = store.addDossiers(3);
		expect(added).toHaveLength(3);
		const truth = store.truth();
		const fresh = truth.filter((d) => added.includes(d.number));
		expect(fresh.map((d) => d.state)).toStrictEqual([
			'en_construction',
			'en_construction',
			'en_construction'
		]);
		// Newest dépôts come last in the default order.
		expect(truth.slice(-3).map((d) => d.number)).toStrictEqual(added);
	});
});

describe('DsStore render cache', () => {
	/** What rendering from scratch gives now (the uncached building blocks). */
	const fresh = (store: DsStore, rec: DossierRecord) => {
		const { champs, annotations, hidden } = store.renderForms(rec);
		return { ...store.renderHeader(rec), champs, annotations, [HIDDEN_CHAMPS]: hidden };
	};
	const expectCurrent = (store: DsStore): void => {
		for (const rec of store.records.values()) {
			const cached = store.render(rec);
			expect(JSON.stringify(cached)).toBe(JSON.stringify(fresh(store, rec)));
			expect(JSON.stringify(cached[HIDDEN_CHAMPS])).toBe(JSON.stringify(fresh(store, rec)[HIDDEN_CHAMPS]));
		}
	};

	it('renders each dossier once and hands out private copies in truth()', () => {
		const store = make(7, 40);
		const rec = store.visibleRecords()[0]!;
		expect(store.render(rec)).toBe(store.render(rec));
		expect(store.recordOf(store.render(rec))).toBe(rec);
		const truth = store.truth();
		truth[0]!.champs.length = 0;
		expect(store.truth()[0]!.champs.length).toBeGreaterThan(0);
	});

	it('serves what a fresh rendering gives after every kind of mutation', () => {
		const store = make(11, 150);
		store.prerender();
		expectCurrent(store);
		store.touch({ count: 10 });
		expectCurrent(store);
		store.relabel({ count: 10 });
		expectCurrent(store);
		const [trashed] = store.softDelete({ count: 3 });
		expectCurrent(store);
		store.restore([trashed!]);
		expectCurrent(store);
		store.renameChampLabel(champId(STABLE.montantTravaux), 'Coût des travaux');
		expectCurrent(store);
		store.addDossiers(4);
		expectCurrent(store);
	});

	it('nulls the links of dossiers pointing to a finally deleted one', () => {
		const store = make(11, 300);
		store.prerender();
		const linked = new Map<number, number>();
		for (const rec of store.visibleRecords()) {
			for (const c of store.render(rec).champs) {
				const target = (c.dossier as { number: number } | null | undefined)?.number;
				if (c.__typename === 'DossierLinkChamp' && target !== undefined && store.visible(target))
					linked.set(rec.number, target);
			}
		}
		const [from, target] = [...linked][0]!;
		store.remove([target]);
		const link = store
			.truth()
			.find((d) => d.number === from)!
			.champs.find((c) => c.__typename === 'DossierLinkChamp');
		expect(link?.dossier).toBeNull();
		expectCurrent(store);
	});

	it('keeps listing orders current as dossiers move', () => {
		const store = make(11, 80);
		const sorted = (order: 'depose' | 'updated') =>
			[...store.records.values()]
				.sort((a, b) =>
					order === 'depose'
						? a.deposeAt - b.deposeAt || a.number - b.number
						: a.updatedAt - b.updatedAt || a.number - b.number
				)
				.map((r) => r.number);
		const check = () => {
			expect(store.ordered('depose').map((r) => r.number)).toStrictEqual(sorted('depose'));
			expect(store.ordered('updated').map((r) => r.number)).toStrictEqual(sorted('updated'));
		};
		check();
		store.touch({ count: 5 });
		check();
		store.remove({ count: 2 });
		check();
		store.softDelete({ count: 2 });
		check();
		store.restore(
			store
				.pendingRecords()
				.slice(0, 1)
				.map((r) => r.number)
		);
		check();
		store.addDossiers(3);
		check();
	});
});
