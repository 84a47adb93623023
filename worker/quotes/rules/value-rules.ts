import { isValidFrenchVat, isValidSiret, parseFrenchVat } from '../extract/identifier-checks.ts';
import { cents } from '../extract/value-normalise.ts';
import type { Extraction, Provenance } from '../extract/types.ts';
import { EXPECTED_VAT } from './geste-rules.ts';

/**
 * Checks on values rather than presence (our `x_` proposals, quotes.md §11.5): identifiers'
 * keys, dates in order, VAT rates and the arithmetic of the totals.
 */

/** A value finding before it becomes an error. */
export interface ValueFinding {
	code: string;
	geste?: number;
	value?: string;
	where?: Provenance;
	detail?: string;
}

/** Tolerance on totals: 1 € (MDSO's recommendation), enough for per-line rounding. */
export const TOTAL_TOLERANCE = 1;

const euro = (n: number) =>
	`${n.toLocaleString('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`.replace(
		/\u202f/g,
		' '
	);
const frDate = (iso: string) => iso.split('-').reverse().join('/');

/** One value check: its code and how it judges an extraction (returns findings; `points` checks ran). */
export interface ValueRule {
	code: string;
	check: (ex: Extraction) => { points: number; findings: ValueFinding[] };
}

/** The arithmetic of a devis: lines, VAT per rate, HT + TVA = TTC (first discrepancy reported). */
function totals(ex: Extraction): { points: number; findings: ValueFinding[] } {
	const a = ex.admin;
	const items = [...ex.gestes, ...ex.lignes_hors_geste];
	const problems: { value: string; where?: Provenance }[] = [];
	let points = 0;
	// Each line: quantity × unit price = line total.
	for (const item of items) {
		if (item.quantite === null || item.prix_unitaire_ht === null || item.prix_ht === null) continue;
		points++;
		const expected = cents(item.quantite * item.prix_unitaire_ht);
		if (Math.abs(expected - item.prix_ht) > Math.max(0.05, item.prix_ht * 0.005)) {
			problems.push({
				value: `${item.intitule} : ${item.quantite} × ${euro(item.prix_unitaire_ht)} = ${euro(expected)} ≠ ${euro(item.prix_ht)}`,
				where: item.where
			});
		}
	}
	const ht = a.prix_total_ht?.value ?? null;
	const ttc = a.prix_total_ttc?.value ?? null;
	// Sum of the lines = total HT (unless discounts or deductions sit between them).
	if (ht !== null && items.length > 0 && items.every((i) => i.prix_ht !== null) && ex.deductions === 0) {
		points++;
		const sum = cents(items.reduce((s, i) => s + (i.prix_ht ?? 0), 0));
		if (Math.abs(sum - ht) > TOTAL_TOLERANCE) {
			problems.push({
				value: `Somme des lignes ${euro(sum)} ≠ total HT ${euro(ht)}`,
				where: a.prix_total_ht?.where
			});
		}
	}
	// HT + VAT = TTC.
	if (ht !== null && ttc !== null) {
		const vat =
			a.tva.length > 0
				? cents(a.tva.reduce((s, v) => s + (v.montant_tva ?? 0), 0))
				: (a.montant_tva_total?.value ?? (a.tva_non_applicable ? 0 : null));
		if (vat !== null) {
			points++;
			if (Math.abs(cents(ht + vat) - ttc) > TOTAL_TOLERANCE) {
				problems.push({
					value: `Total HT ${euro(ht)} + TVA ${euro(vat)} = ${euro(cents(ht + vat))} ≠ total TTC ${euro(ttc)}`,
					where: a.prix_total_ttc?.where
				});
			}
		}
	}
	// VAT per rate = sum of the lines at that rate × rate.
	if (a.tva.length > 0 && items.length > 0 && items.every((i) => i.prix_ht !== null && i.taux_tva !== null)) {
		for (const line of a.tva) {
			if (line.montant_tva === null) continue;
			points++;
			const base = items
				.filter((i) => i.taux_tva === line.taux_tva)
				.reduce((s, i) => s + (i.prix_ht ?? 0), 0);
			const expected = cents((base * line.taux_tva) / 100);
			if (Math.abs(expected - line.montant_tva) > TOTAL_TOLERANCE) {
				problems.push({
					value: `TVA ${line.taux_tva.toLocaleString('fr-FR')} % : ${euro(line.montant_tva)} au lieu de ${euro(expected)}`,
					where: line.where
				});
			}
		}
	}
	const first = problems[0];
	const findings: ValueFinding[] = first
		? [
				{
					code: 'x_totaux_incoherents',
					value: first.value,
					where: first.where,
					detail:
						problems.length > 1
							? `Autres écarts : ${problems
									.slice(1)
									.map((p) => p.value)
									.join(' ; ')}.`
							: undefined
				}
			]
		: [];
	return { points, findings };
}

/** Value rules, in the order they run. */
export const VALUE_RULES: ValueRule[] = [
	{
		code: 'x_document_facture',
		check: (ex) => {
			const t = ex.admin.document_type;
			return {
				points: 1,
				findings:
					t?.value === 'facture' ? [{ code: 'x_document_facture', value: 'facture', where: t.where }] : []
			};
		}
	},
	{
		code: 'x_siret_invalide',
		check: (ex) => {
			const s = ex.admin.siret;
			if (!s || s.value.length !== 14) return { points: 0, findings: [] };
			return {
				points: 1,
				findings: isValidSiret(s.value) ? [] : [{ code: 'x_siret_invalide', value: s.value, where: s.where }]
			};
		}
	},
	{
		code: 'x_tva_cle_invalide',
		check: (ex) => {
			const v = ex.admin.numero_tva;
			if (!v || !parseFrenchVat(v.value)) return { points: 0, findings: [] };
			return {
				points: 1,
				findings: isValidFrenchVat(v.value)
					? []
					: [{ code: 'x_tva_cle_invalide', value: v.value, where: v.where }]
			};
		}
	},
	{
		code: 'x_tva_siren_different',
		check: (ex) => {
			const vat = ex.admin.numero_tva ? parseFrenchVat(ex.admin.numero_tva.value) : null;
			const siret = ex.admin.siret?.value;
			if (!vat || !siret || siret.length < 9 || !isValidFrenchVat(vat.normalised))
				return { points: 0, findings: [] };
			return {
				points: 1,
				findings:
					vat.siren === siret.slice(0, 9)
						? []
						: [
								{
									code: 'x_tva_siren_different',
									value: `${vat.normalised} / ${siret}`,
									where: ex.admin.numero_tva!.where
								}
							]
			};
		}
	},
	{
		code: 'x_date_pre_visite_posterieure',
		check: (ex) => {
			const visit = ex.admin.date_pre_visite;
			const date = ex.admin.date_devis;
			if (!visit || !date) return { points: 0, findings: [] };
			return {
				points: 1,
				findings:
					visit.value > date.value
						? [
								{
									code: 'x_date_pre_visite_posterieure',
									value: `Visite le ${frDate(visit.value)}, devis du ${frDate(date.value)}`,
									where: visit.where
								}
							]
						: []
			};
		}
	},
	{
		code: 'x_date_debut_avant_devis',
		check: (ex) => {
			const start = ex.admin.date_debut_chantier;
			const date = ex.admin.date_devis;
			if (!start || !date) return { points: 0, findings: [] };
			return {
				points: 1,
				findings:
					start.value < date.value
						? [
								{
									code: 'x_date_debut_avant_devis',
									value: `Début le ${frDate(start.value)}, devis du ${frDate(date.value)}`,
									where: start.where
								}
							]
						: []
			};
		}
	},
	{
		code: 'x_taux_tva_inhabituel',
		check: (ex) => {
			// A VAT-exempt sole trader prints no rate: nothing to judge.
			if (ex.admin.tva_non_applicable) return { points: 0, findings: [] };
			const findings: ValueFinding[] = [];
			let points = 0;
			for (const g of ex.gestes) {
				if (g.taux_tva === null) continue;
				points++;
				const expected = EXPECTED_VAT[g.type] ?? [5.5];
				if (!expected.includes(g.taux_tva)) {
					findings.push({
						code: 'x_taux_tva_inhabituel',
						geste: g.index,
						value: `${g.taux_tva.toLocaleString('fr-FR')} %`,
						where: g.where,
						detail: `Taux attendu : ${expected.map((r) => `${r.toLocaleString('fr-FR')} %`).join(' ou ')}.`
					});
				}
			}
			return { points, findings };
		}
	},
	{ code: 'x_totaux_incoherents', check: totals }
];
