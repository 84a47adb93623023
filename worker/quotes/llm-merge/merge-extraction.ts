import {
	GESTE_FIELDS,
	GESTE_TYPE_SPECS,
	LEGAL_FORMS,
	fold,
	isValidFrenchVat,
	isValidSiret,
	parseDate,
	parseNumber,
	rgeDigits,
	type AdminFields,
	type Extraction,
	type Found,
	type Geste,
	type GesteType,
	type GesteValue,
	type LineItem,
	type Provenance
} from '../extract/index.ts';
import type { LlmGeste, LlmQuoteExtraction } from './llm-quote-schema.ts';

/**
 * Merges what an LLM read into the rule extraction. Rules win: a value the rules found is
 * kept; the LLM only fills what is missing, and only with values that pass the same format
 * checks (SIRET key, VAT key, dates, numbers, RGE labels). Gestes the rules missed are added.
 * Every value keeps its origin, "règle" or "IA".
 */

/** Where a value comes from. */
export type ValueOrigin = 'règle' | 'IA';

/** Price and quantity fields of a line. */
const LINE_FIELDS = ['quantite', 'unite', 'prix_unitaire_ht', 'prix_ht', 'taux_tva'] as const;
type LineField = (typeof LINE_FIELDS)[number];

/** Origins of one geste: the geste itself, its line fields and its technical values. */
export interface GesteOrigins {
	geste: ValueOrigin;
	fields: Partial<Record<LineField, ValueOrigin>>;
	values: Record<string, ValueOrigin>;
}

/** Origins of every merged value. */
export interface MergeOrigins {
	admin: Partial<Record<keyof AdminFields, ValueOrigin>>;
	gestes: GesteOrigins[];
}

/** A value the LLM gave that failed a format check (kept out of the result, listed for diagnosis). */
export interface RejectedValue {
	field: string;
	value: string;
	reason: string;
}

/** The merged extraction, the origins and what the LLM added. */
export interface MergedExtraction {
	extraction: Extraction;
	origins: MergeOrigins;
	added: { admin: (keyof AdminFields)[]; gestes: number[]; values: number };
	rejected: RejectedValue[];
}

/** Options: the document's lines, to show where an LLM value is printed. */
export interface MergeOptions {
	/** Text lines of the pages read (CGV excluded), 1-based page, 1-based line. */
	lines?: readonly { page: number; line: number; text: string }[];
}

/** Provenance of a value the LLM gave and that cannot be found in the text: page 0. */
const UNLOCATED = (text: string): Provenance => ({ page: 0, line: 0, text });

const PLACEHOLDER = /\[[A-Z_]+_\d+\]/;

/** Labels of lines that are never gestes, whatever a model says (folded text). */
const NOT_A_GESTE =
	/\b(?:main d'oeuvre|mise en service|echafaudages?|deplacements?|evacuation|nettoyage|frais|remise|acompte|depose)\b|^pose\b/;

function locate(value: string, options: MergeOptions): Provenance {
	const needle = fold(value).slice(0, 60);
	if (needle.length >= 3) {
		for (const l of options.lines ?? []) {
			if (fold(l.text).includes(needle)) return { page: l.page, line: l.line - 1, text: l.text };
		}
	}
	return UNLOCATED(value);
}

/** Same line on both sides: same price, or labels sharing most of their words. */
function sameLine(
	a: { intitule: string; prix_ht: number | null },
	b: { intitule: string; prix_ht: number | null }
): boolean {
	if (a.prix_ht !== null && b.prix_ht !== null && Math.abs(a.prix_ht - b.prix_ht) <= 1) return true;
	const words = (s: string) =>
		new Set(
			fold(s)
				.split(/[^a-z0-9]+/)
				.filter((w) => w.length > 2)
		);
	const wa = words(a.intitule);
	const wb = words(b.intitule);
	if (!wa.size || !wb.size) return false;
	const shared = [...wa].filter((w) => wb.has(w)).length;
	return shared / Math.min(wa.size, wb.size) >= 0.6;
}

function familyOf(type: GesteType) {
	return GESTE_TYPE_SPECS.find((s) => s.type === type)!.family;
}

function fieldSpec(type: GesteType, champ: string) {
	const family = familyOf(type);
	const id = fold(champ)
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_|_$/g, '');
	return GESTE_FIELDS.find(
		(f) => f.id === id && (!f.families || f.families.includes(family)) && (!f.types || f.types.includes(type))
	);
}

/** Builds the merge of `rules` and `llm` (already restored: placeholders replaced by the real values). */
export function mergeLlmExtraction(
	rules: Extraction,
	llm: LlmQuoteExtraction,
	options: MergeOptions = {}
): MergedExtraction {
	const admin: AdminFields = { ...rules.admin, rge_labels: [...rules.admin.rge_labels] };
	const originsAdmin: MergeOrigins['admin'] = {};
	for (const key of Object.keys(admin) as (keyof AdminFields)[]) {
		const v = admin[key];
		if (v !== null && !(Array.isArray(v) && v.length === 0)) originsAdmin[key] = 'règle';
	}
	const rejected: RejectedValue[] = [];
	const addedAdmin: (keyof AdminFields)[] = [];

	const fill = <T>(
		key: keyof AdminFields,
		raw: string | number | boolean | null,
		check: (v: typeof raw) => T | null,
		reason: string
	) => {
		if (raw === null || raw === '' || admin[key] !== null) return;
		if (typeof raw === 'string' && PLACEHOLDER.test(raw)) {
			rejected.push({ field: key, value: raw, reason: 'espace réservé non restauré' });
			return;
		}
		const value = check(raw);
		if (value === null) {
			rejected.push({ field: key, value: String(raw), reason });
			return;
		}
		const found: Found<T> = { value, where: locate(String(raw), options) };
		(admin as unknown as Record<string, unknown>)[key] = found;
		originsAdmin[key] = 'IA';
		addedAdmin.push(key);
	};
	const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
	const date = (v: unknown) =>
		typeof v === 'string' ? (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : parseDate(v)) : null;
	const amount = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);

	fill(
		'numero_devis',
		llm.numero_devis,
		(v) => (text(v) && String(v).length <= 40 ? String(v).trim() : null),
		'numéro trop long'
	);
	fill('date_devis', llm.date_devis, date, 'date illisible');
	fill('date_pre_visite', llm.date_pre_visite, date, 'date illisible');
	fill('date_debut_chantier', llm.date_debut_chantier, date, 'date illisible');
	fill('delai_debut_chantier', llm.delai_debut_chantier, text, 'vide');
	fill('prix_total_ht', llm.prix_total_ht, amount, 'montant invalide');
	fill('prix_total_ttc', llm.prix_total_ttc, amount, 'montant invalide');
	fill(
		'separation_fourniture_pose',
		llm.separation_prix_fourniture_pose,
		(v) => (typeof v === 'boolean' ? v : null),
		'non booléen'
	);
	fill('raison_sociale', llm.pro.raison_sociale, text, 'vide');
	fill(
		'forme_juridique',
		llm.pro.forme_juridique,
		(v) =>
			typeof v === 'string' ? (LEGAL_FORMS.find((f) => f.re.test(v.toUpperCase()))?.form ?? null) : null,
		'forme juridique inconnue'
	);
	fill('capital', llm.pro.capital, text, 'vide');
	fill(
		'siret',
		llm.pro.siret,
		(v) => {
			const digits = String(v).replace(/\D/g, '');
			return isValidSiret(digits) ? digits : null;
		},
		'SIRET invalide (14 chiffres et clé de contrôle)'
	);
	fill(
		'numero_tva',
		llm.pro.numero_tva,
		(v) => (typeof v === 'string' && isValidFrenchVat(v) ? v.replace(/\s/g, '').toUpperCase() : null),
		'numéro de TVA invalide'
	);
	fill('rcs', llm.pro.rcs, text, 'vide');
	fill('rcs_ville', llm.pro.rcs_ville, text, 'vide');
	fill('rne', llm.pro.rne, text, 'vide');
	fill('assurance', llm.pro.assurance, text, 'vide');
	fill('client_civilite', llm.client.civilite, text, 'vide');
	fill('client_nom', llm.client.nom, text, 'vide');
	fill('client_prenom', llm.client.prenom, text, 'vide');
	fill('client_adresse', llm.client.adresse, text, 'vide');
	for (const label of llm.pro.rge_labels) {
		if (rgeDigits(label) === null) {
			rejected.push({ field: 'rge_labels', value: label, reason: 'numéro RGE sans chiffres' });
			continue;
		}
		const digits = rgeDigits(label);
		if (admin.rge_labels.some((l) => rgeDigits(l.value) === digits)) continue;
		admin.rge_labels.push({ value: label.trim(), where: locate(label, options) });
		if (!originsAdmin.rge_labels) originsAdmin.rge_labels = 'IA';
		if (!addedAdmin.includes('rge_labels')) addedAdmin.push('rge_labels');
	}

	// Gestes: each LLM geste is matched to a rule geste of the same type (then to any rule line
	// it describes); the rules' geste wins and only gets what it lacks.
	const gestes: Geste[] = rules.gestes.map((g) => ({ ...g, values: { ...g.values } }));
	const gesteOrigins: GesteOrigins[] = gestes.map((g) => ({
		geste: 'règle',
		fields: Object.fromEntries(LINE_FIELDS.filter((f) => g[f] !== null).map((f) => [f, 'règle'])),
		values: Object.fromEntries(Object.keys(g.values).map((k) => [k, 'règle']))
	}));
	const used = new Set<number>();
	const addedGestes: number[] = [];
	let addedValues = 0;

	const fillGeste = (target: Geste, origins: GesteOrigins, source: LlmGeste, where: Provenance) => {
		for (const f of LINE_FIELDS) {
			const v = source[f];
			if (target[f] !== null || v === null) continue;
			(target as unknown as Record<string, unknown>)[f] = v;
			origins.fields[f] = 'IA';
			addedValues++;
		}
		for (const { champ, valeur } of source.valeurs) {
			const spec = fieldSpec(target.type, champ);
			if (!spec) {
				rejected.push({
					field: `gestes.${target.index}.${champ}`,
					value: valeur,
					reason: 'champ inconnu pour ce type de geste'
				});
				continue;
			}
			if (target.values[spec.id] !== undefined || !valeur.trim()) continue;
			if (PLACEHOLDER.test(valeur)) continue;
			const number = parseNumber(valeur);
			if (spec.kind === 'number' && number === null) {
				rejected.push({
					field: `gestes.${target.index}.${spec.id}`,
					value: valeur,
					reason: 'nombre illisible'
				});
				continue;
			}
			// A short value ("11") would be "found" on any line: it keeps the geste's provenance.
			const value: GesteValue = { text: valeur.trim(), number, where };
			target.values[spec.id] = value;
			origins.values[spec.id] = 'IA';
			addedValues++;
		}
	};

	for (const source of llm.gestes) {
		if (source.type === 'autre') continue;
		const type = source.type;
		let index = gestes.findIndex((g, i) => !used.has(i) && g.type === type && sameLine(g, source));
		if (index === -1) index = gestes.findIndex((g, i) => !used.has(i) && g.type === type);
		if (index === -1) index = gestes.findIndex((g, i) => !used.has(i) && sameLine(g, source));
		if (index !== -1) {
			used.add(index);
			fillGeste(gestes[index]!, gesteOrigins[index]!, source, gestes[index]!.where);
			continue;
		}
		// A line the rules read as labour, scaffolding or travel stays out of the gestes.
		if (
			rules.lignes_hors_geste.some((l: LineItem) => sameLine(l, source) && NOT_A_GESTE.test(fold(l.intitule)))
		)
			continue;
		const where = locate(source.citation ?? source.intitule, options);
		const geste: Geste = {
			index: gestes.length,
			type,
			intitule: source.intitule,
			section: null,
			description: source.intitule,
			quantite: null,
			unite: null,
			prix_unitaire_ht: null,
			prix_ht: null,
			taux_tva: null,
			where,
			lines: [],
			values: {}
		};
		const origins: GesteOrigins = { geste: 'IA', fields: {}, values: {} };
		gestes.push(geste);
		gesteOrigins.push(origins);
		used.add(geste.index);
		addedGestes.push(geste.index);
		fillGeste(geste, origins, source, where);
	}

	return {
		extraction: { ...rules, admin, gestes },
		origins: { admin: originsAdmin, gestes: gesteOrigins },
		added: { admin: addedAdmin, gestes: addedGestes, values: addedValues },
		rejected
	};
}
