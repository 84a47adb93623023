/**
 * Renders one champ (value, typed fields, stringValue) as the JSON a full GraphQL query
 * returns. Values come from a stream keyed by (seed, dossier, champ, version): a touched
 * champ gets a new version, hence a new value, while the others stay put.
 */
import { createHash } from 'node:crypto';
import { champId, isoDate, isoDateTime, rowChampId, rowTypedId, typedId } from './ds-format.ts';
import { CHAMP_TYPENAME, DESCRIPTOR_OPTIONS, STABLE, type FieldSpec } from './form-spec.ts';
import {
	ASSOCIATIONS,
	COMMUNES,
	DEPARTEMENTS,
	EMAIL_DOMAINS,
	ENTREPRISES,
	FONDATIONS,
	FORMES_JURIDIQUES,
	NOMS,
	PRENOMS,
	REGIONS,
	VOIES,
	departementOf,
	fakeIban,
	fakePhone,
	fakeSiret,
	regionOf,
	slug,
	type CommuneRef
} from './french-data.ts';
import { createRng, hashSeed, type Rng } from './rng.ts';

/** A champ as served: interface fields plus the typed fields of its concrete type. */
export interface FakeChamp {
	__typename: string;
	id: string;
	champDescriptorId: string;
	label: string;
	stringValue: string | null;
	updatedAt: string;
	prefilled: boolean;
	[field: string]: unknown;
}

/** What a champ's value depends on besides its descriptor. */
export interface ChampContext {
	seed: number;
	/** Dossier number. */
	number: number;
	/** Edit version of this champ (0 = as deposited; each touch adds 1). */
	version: number;
	/** When the champ was last modified (ms). */
	updatedAtMs: number;
	/** Origin for attachment URLs (e.g. http://127.0.0.1:4010). */
	origin: string;
	/** Picks an existing dossier number for a DossierLink, or null. */
	linkTarget: (rng: Rng) => number | null;
	/** Set inside repetition rows. */
	rowId?: string;
	/** Never filled yet (e.g. annotations before instruction): render as unanswered. */
	blank?: boolean;
}

/** Empty-answer probability of optional champs, per kind (the rest default to 12 %). */
const EMPTY_RATE: Partial<Record<FieldSpec['kind'], number>> = {
	RNA: 0.6,
	RNF: 0.7,
	Siret: 0.3,
	Carte: 0.35,
	EngagementJuridique: 0.5,
	Formatted: 0.3,
	Phone: 0.2,
	LinkedDropDownList: 0.2,
	Datetime: 0.4
};

const LAYOUT_KINDS = new Set(['HeaderSection', 'Explication']);

/** Renders a champ of `field` for one dossier (top-level or inside a row). */
export function renderChamp(field: FieldSpec, ctx: ChampContext): FakeChamp {
	const rng = createRng(ctx.seed, 'champ', ctx.number, field.stableId, ctx.rowId ?? '', ctx.version);
	const base: FakeChamp = {
		__typename: CHAMP_TYPENAME[field.kind],
		id: ctx.rowId === undefined ? champId(field.stableId) : rowChampId(field.stableId, ctx.rowId),
		champDescriptorId: champId(field.stableId),
		label: field.label,
		stringValue: null,
		updatedAt: isoDateTime(ctx.updatedAtMs),
		prefilled: false
	};
	const emptyRate = field.required ? 0 : (EMPTY_RATE[field.kind] ?? 0.12);
	const empty = !LAYOUT_KINDS.has(field.kind) && (ctx.blank === true || rng.chance(emptyRate));
	Object.assign(base, empty ? emptyFields(field) : filledFields(field, ctx, rng));
	return base;
}

/** Typed fields of an unanswered champ (nulls, empty lists, and the non-null defaults). */
function emptyFields(field: FieldSpec): Partial<FakeChamp> {
	switch (field.kind) {
		case 'Text':
		case 'Textarea':
		case 'Email':
		case 'Phone':
		case 'Iban':
		case 'Formatted':
		case 'IntegerNumber':
		case 'Number':
		case 'DecimalNumber':
		case 'YesNo':
		case 'Civilite':
		case 'DropDownList':
			return { value: null };
		case 'Date':
			return { date: null, value: null };
		case 'Datetime':
			return { datetime: null };
		case 'Checkbox':
			return { value: false, stringValue: 'false' };
		case 'MultipleDropDownList':
			return { values: [] };
		case 'LinkedDropDownList':
			return { primaryValue: null, secondaryValue: null };
		case 'PieceJustificative':
			return { files: [], file: null };
		case 'TitreIdentite':
			return { filled: false, grantType: 'piece_justificative' };
		case 'Address':
			return { address: null, commune: null, departement: null };
		case 'Commune':
			return { commune: null, departement: null };
		case 'Departement':
			return { departement: null };
		case 'Region':
			return { region: null };
		case 'Pays':
			return { pays: null };
		case 'Epci':
			return { epci: null, departement: null };
		case 'Siret':
			return { etablissement: null };
		case 'RNA':
			return { rna: null, commune: null, departement: null };
		case 'RNF':
			return { rnf: null, commune: null, departement: null };
		case 'DossierLink':
			return { dossier: null };
		case 'Carte':
			return { geoAreas: [] };
		case 'Repetition':
			return { rows: [] };
		case 'EngagementJuridique':
			return { engagementJuridique: null };
		case 'HeaderSection':
			return { level: field.level ?? 1 };
		case 'Explication':
			return {};
	}
}

function filledFields(field: FieldSpec, ctx: ChampContext, rng: Rng): Partial<FakeChamp> {
	switch (field.kind) {
		case 'Text': {
			const value = textValue(field.stableId, rng, ctx);
			return { value, stringValue: value };
		}
		case 'Textarea': {
			const value = textareaValue(rng);
			return { value, stringValue: value };
		}
		case 'Email': {
			const p = rng.pick(PRENOMS).prenom;
			const value = `${slug(p)}.${slug(rng.pick(NOMS))}@${rng.pick(EMAIL_DOMAINS)}`;
			return { value, stringValue: value };
		}
		case 'Phone': {
			const value = fakePhone(rng);
			return { value, stringValue: value };
		}
		case 'Iban': {
			const value = fakeIban(rng);
			return { value, stringValue: value };
		}
		case 'Formatted': {
			const value = `${rng.pick(['000', '000', '123'])} ${rng.pick(['AB', 'AC', 'BK', 'ZD'])} ${rng.digits(3)}`;
			return { value, stringValue: value };
		}
		case 'IntegerNumber':
		case 'Number': {
			const n = integerValue(field.stableId, rng);
			return { value: String(n), stringValue: String(n) };
		}
		case 'DecimalNumber': {
			const n = decimalValue(field.stableId, rng);
			return { value: n, stringValue: String(n) };
		}
		case 'Date': {
			const date = isoDate(dateValue(field.stableId, rng, ctx));
			// The deprecated `value` is the date at midnight, as Rails casts it.
			return { date, value: `${date}T00:00:00+${parisSuffix(date)}`, stringValue: date };
		}
		case 'Datetime': {
			const ms = ctx.updatedAtMs + rng.int(2, 40) * 86_400_000 + rng.int(8, 17) * 3_600_000;
			const datetime = isoDateTime(Math.floor(ms / 900_000) * 900_000);
			return { datetime, stringValue: datetime };
		}
		case 'Checkbox': {
			const value = field.required ? true : rng.chance(0.6);
			return { value, stringValue: String(value) };
		}
		case 'YesNo': {
			const value = rng.chance(field.stableId === STABLE.aidePrecedente ? 0.4 : 0.6);
			return { value, stringValue: String(value) };
		}
		case 'Civilite': {
			const value = rng.pick(['M', 'Mme']);
			return { value, stringValue: value === 'M' ? 'M.' : 'Mme' };
		}
		case 'DropDownList': {
			const options = field.options ?? [];
			const value =
				field.otherOption && rng.chance(0.1)
					? rng.pick(['Changement de chaudière fioul', 'Travaux d’accessibilité', 'Toiture végétalisée'])
					: rng.pick(options);
			return { value, stringValue: value };
		}
		case 'MultipleDropDownList': {
			const values = rng.sample(field.options ?? [], rng.int(1, 3));
			return { values, stringValue: values.join(', ') };
		}
		case 'LinkedDropDownList': {
			const { primary, secondary } = linkedValue(field.options ?? [], rng);
			return { primaryValue: primary, secondaryValue: secondary, stringValue: `${primary} / ${secondary}` };
		}
		case 'PieceJustificative': {
			const files = Array.from({ length: rng.int(1, 2) }, (_, i) => fakeFile(field, ctx, i));
			return { files, file: files[0], stringValue: files.map((f) => f.filename).join(', ') };
		}
		case 'TitreIdentite':
			return {
				filled: true,
				grantType: rng.chance(0.2) ? 'france_connect' : 'piece_justificative',
				stringValue: 'Pièce justificative fournie'
			};
		case 'Address': {
			const address = fakeAddress(rng);
			return {
				address,
				commune: { name: address.cityName, code: address.cityCode, postalCode: address.postalCode },
				departement: { code: address.departmentCode, name: address.departmentName },
				stringValue: address.label
			};
		}
		case 'Commune': {
			const c = rng.pick(COMMUNES);
			return {
				commune: { name: c.name, code: c.insee, postalCode: c.postalCode },
				departement: departementOf(c.dept),
				stringValue: `${c.name} (${c.postalCode})`
			};
		}
		case 'Departement': {
			const d = rng.pick(DESCRIPTOR_OPTIONS.Departement);
			return { departement: d, stringValue: `${d.code} – ${d.name}` };
		}
		case 'Region': {
			const r = rng.chance(0.7) ? regionOf('69') : rng.pick(REGIONS);
			return { region: r, stringValue: r.name };
		}
		case 'Pays': {
			const p = rng.chance(0.8) ? { code: 'FR', name: 'France' } : rng.pick(DESCRIPTOR_OPTIONS.Pays);
			return { pays: p, stringValue: p.name };
		}
		case 'Epci': {
			const c = rng.pick(COMMUNES);
			return { epci: c.epci, departement: departementOf(c.dept), stringValue: c.epci.name };
		}
		case 'Siret': {
			const etablissement = fakeEtablissement(rng, ctx.seed);
			return { etablissement, stringValue: etablissement.siret };
		}
		case 'RNA': {
			const c = rng.pick(COMMUNES);
			const id = `W${c.dept.padStart(3, '0').slice(-3)}${rng.digits(6)}`;
			return {
				rna: { id, title: rng.pick(ASSOCIATIONS), address: fakeAddress(rng, c) },
				commune: { name: c.name, code: c.insee, postalCode: c.postalCode },
				departement: departementOf(c.dept),
				stringValue: id
			};
		}
		case 'RNF': {
			const c = rng.pick(COMMUNES);
			const id = `${c.dept.padStart(3, '0')}-FDD-${rng.digits(5)}-${rng.digits(2)}`;
			return {
				rnf: { id, title: rng.pick(FONDATIONS), address: fakeAddress(rng, c) },
				commune: { name: c.name, code: c.insee, postalCode: c.postalCode },
				departement: departementOf(c.dept),
				stringValue: id
			};
		}
		case 'DossierLink': {
			const target = ctx.linkTarget(rng);
			return target === null
				? { dossier: null }
				: { dossier: { number: target }, stringValue: String(target) };
		}
		case 'Carte': {
			const geoAreas = Array.from({ length: rng.int(1, 3) }, (_, i) => fakeGeoArea(rng, ctx, field, i));
			return { geoAreas, stringValue: geoAreas.map((a) => a.description ?? 'Sélection').join(', ') };
		}
		case 'Repetition':
			return { rows: renderRows(field, ctx, rng) };
		case 'EngagementJuridique': {
			const engage = rng.int(5, 80) * 1000;
			return {
				engagementJuridique: {
					montantEngage: `${engage}.00`,
					montantPaye: `${Math.floor(engage * rng.next())}.00`
				},
				stringValue: `21${rng.digits(8)}`
			};
		}
		case 'HeaderSection':
			return { level: field.level ?? 1 };
		case 'Explication':
			return {};
	}
}

/** The Paris offset suffix of a calendar day at midnight (`01:00` or `02:00`). */
function parisSuffix(date: string): string {
	return isoDateTime(Date.parse(`${date}T12:00:00Z`)).slice(-5);
}

/** Stable row id per (dossier, block, index): a ULID, as DS generates `row_id`. */
export function rowIdFor(seed: number, number: number, blockStableId: number, index: number): string {
	const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
	const rng = createRng(seed, 'row', number, blockStableId, index);
	let time = Date.UTC(2025, 0, 1) + (hashSeed(seed, number, blockStableId) % 31_536_000) * 1000 + index;
	let out = '';
	for (let i = 0; i < 10; i++) {
		out = alphabet[time % 32] + out;
		time = Math.floor(time / 32);
	}
	for (let i = 0; i < 16; i++) out += alphabet[rng.int(0, 31)];
	return out;
}

function renderRows(field: FieldSpec, ctx: ChampContext, rng: Rng): { id: string; champs: FakeChamp[] }[] {
	const [min, max] = field.stableId === STABLE.entreprises ? [1, 3] : [0, 3];
	const count = rng.int(min, max);
	const rows: { id: string; champs: FakeChamp[] }[] = [];
	for (let i = 0; i < count; i++) {
		const rowId = rowIdFor(ctx.seed, ctx.number, field.stableId, i);
		const champs = (field.children ?? []).map((child) => renderChamp(child, { ...ctx, rowId }));
		rows.push({ id: rowTypedId(rowId), champs });
	}
	return rows;
}

function textValue(stableId: number, rng: Rng, ctx: ChampContext): string {
	switch (stableId) {
		case 1004:
			return `${rng.pick(['Rénovation énergétique', 'Isolation', 'Changement de chauffage', 'Rénovation globale'])} — ${rng.pick(['maison', 'appartement', 'logement'])} à ${rng.pick(COMMUNES).name}`;
		case STABLE.referenceAide:
			return `ANAH-${rng.int(2015, 2024)}-${rng.digits(6)}`;
		case STABLE.numeroFiscal:
			return rng.digits(13);
		case 1035:
			return rng.pick(ENTREPRISES).nom;
		case 1041:
			return `${rng.pick(PRENOMS).prenom} ${rng.pick(NOMS)}`;
		case 2001:
			return rng.pick([
				'Dossier complet, RAS.',
				'Devis à actualiser (plus de 6 mois).',
				'Vérifier le plafond de ressources.',
				'Contact téléphonique le ' + isoDate(ctx.updatedAtMs) + '.',
				'Pièce manquante : avis d’imposition.'
			]);
		case 2008:
			return `${rng.pick(PRENOMS).prenom} ${rng.pick(NOMS)}`;
		default:
			return `${rng.pick(['Texte', 'Réponse', 'Information'])} ${rng.digits(4)}`;
	}
}

function textareaValue(rng: Rng): string {
	const sentences = [
		'Maison individuelle construite dans les années 1970, chauffée au fioul.',
		'Nous souhaitons isoler les combles perdus et remplacer les menuiseries.',
		'Le logement est occupé à titre de résidence principale depuis 2012.',
		'Les travaux seront réalisés par une entreprise labellisée RGE.',
		'L’appartement se situe au 3ᵉ étage d’une copropriété de 24 lots.',
		'Objectif : gagner deux classes sur le DPE (actuellement F).',
		'Une visite de l’accompagnateur Rénov’ a eu lieu au printemps.'
	];
	return rng.sample(sentences, rng.int(1, 3)).join('\n');
}

function integerValue(stableId: number, rng: Rng): number {
	if (stableId === 1018) return rng.int(22, 240);
	if (stableId === 1045) return rng.int(1, 9);
	return rng.int(0, 500);
}

function decimalValue(stableId: number, rng: Rng): number {
	const cents = rng.int(0, 99) / 100;
	if (stableId === STABLE.montantTravaux) return rng.int(3_000, 85_000) + cents;
	if (stableId === 1037) return rng.int(800, 40_000) + cents;
	if (stableId === 2003) return rng.int(5, 200) * 100;
	return rng.int(0, 10_000) + cents;
}

function dateValue(stableId: number, rng: Rng, ctx: ChampContext): number {
	const day = 86_400_000;
	switch (stableId) {
		case 1042: // date de naissance
			return Date.UTC(rng.int(1940, 2020), rng.int(0, 11), rng.int(1, 28), 12);
		case 1038: // date du devis: before the edit
			return ctx.updatedAtMs - rng.int(5, 180) * day;
		default: // start of works, commission, controls: after the edit
			return ctx.updatedAtMs + rng.int(3, 120) * day;
	}
}

function linkedValue(options: readonly string[], rng: Rng): { primary: string; secondary: string } {
	const groups: { primary: string; items: string[] }[] = [];
	for (const option of options) {
		const header = /^--(.*)--$/.exec(option);
		if (header) groups.push({ primary: header[1] ?? option, items: [] });
		else groups.at(-1)?.items.push(option);
	}
	const group = rng.pick(groups);
	return { primary: group.primary, secondary: rng.pick(group.items) };
}

/** An `Address` object (all fields DS exposes). */
export function fakeAddress(
	rng: Rng,
	commune: CommuneRef = rng.pick(COMMUNES)
): Record<string, unknown> & {
	label: string;
	cityName: string;
	cityCode: string;
	postalCode: string;
	departmentCode: string;
	departmentName: string;
} {
	const numero = String(rng.int(1, 180)) + (rng.chance(0.1) ? ' bis' : '');
	const voie = rng.pick(VOIES);
	const dept = departementOf(commune.dept);
	const region = regionOf(commune.dept);
	const [lon, lat] = jitter(rng);
	return {
		label: `${numero} ${voie} ${commune.postalCode} ${commune.name}`,
		type: 'housenumber',
		streetAddress: `${numero} ${voie}`,
		streetNumber: numero,
		streetName: voie,
		postalCode: commune.postalCode,
		cityName: commune.name,
		cityCode: commune.insee,
		departmentName: dept.name,
		departmentCode: dept.code,
		regionName: region.name,
		regionCode: region.code,
		countryCode: 'FR',
		countryName: 'France',
		geometry: { type: 'Point', coordinates: [lon, lat] }
	};
}

function jitter(rng: Rng): [number, number] {
	const round = (n: number): number => Math.round(n * 1e6) / 1e6;
	return [round(4.835 + (rng.next() - 0.5) * 0.3), round(45.76 + (rng.next() - 0.5) * 0.2)];
}

/** A `PersonneMorale` (établissement) with its entreprise, as the SIRET champ and demandeurs return. */
export function fakeEtablissement(rng: Rng, seed: number): Record<string, unknown> & { siret: string } {
	const { siren, siret } = fakeSiret(rng);
	const company = rng.pick(ENTREPRISES);
	const forme = rng.pick(FORMES_JURIDIQUES);
	const commune = rng.pick(COMMUNES.slice(0, 18));
	const address = fakeAddress(rng, commune);
	const siegeSocial = rng.chance(0.8);
	const tvaKey = String((12 + 3 * (Number(siren) % 97)) % 97).padStart(2, '0');
	return {
		__typename: 'PersonneMorale',
		id: typedId('Etablissement', hashSeed(seed, siret) % 9_000_000),
		siret,
		siegeSocial,
		naf: company.naf,
		libelleNaf: company.libelleNaf,
		address,
		adresse: address.label,
		codeInseeLocalite: address.cityCode,
		codePostal: address.postalCode,
		localite: address.cityName,
		complementAdresse: null,
		nomVoie: address.streetName,
		numeroVoie: address.streetNumber,
		typeVoie: null,
		entreprise: {
			siren,
			raisonSociale: company.nom,
			nomCommercial: '',
			siretSiegeSocial: siegeSocial ? siret : `${siren}00012`.slice(0, 14),
			formeJuridique: forme.label,
			formeJuridiqueCode: forme.code,
			inlineAdresse: address.label,
			capitalSocial: String(rng.int(1, 50) * 1000),
			codeEffectifEntreprise: rng.pick(['01', '02', '03', '11', '12']),
			dateCreation: isoDate(Date.UTC(rng.int(1985, 2022), rng.int(0, 11), rng.int(1, 28), 12)),
			etatAdministratif: 'Actif',
			effectifMensuel: null,
			effectifAnnuel: { periode: '2024', nb: rng.int(1, 60) },
			enseigne: null,
			nom: null,
			prenom: null,
			numeroTvaIntracommunautaire: `FR${tvaKey}${siren}`,
			attestationFiscaleAttachment: null,
			attestationSocialeAttachment: null
		},
		association: null
	};
}

/** Deterministic content of a fake attachment (served by the fake under `/fake-files/`). */
export function fakeFileContent(seed: number, key: string, filename: string): Buffer {
	const h = hashSeed(seed, 'file', key);
	const head = Buffer.from(`%PDF-1.4\n% ${filename} — pièce jointe factice du serveur DS local\n`, 'utf8');
	const tail = Buffer.from('\n%%EOF\n', 'utf8');
	const body = Buffer.alloc(2_000 + (h % 38_000));
	body.fill(`% ${key} ${h.toString(16)}\n`);
	return Buffer.concat([head, body, tail]);
}

const digestCache = new Map<string, { checksum: string; size: number }>();

/** MD5 (base64, as Active Storage) and size of a fake attachment, memoised: rendering is hot. */
function fileDigest(seed: number, key: string, filename: string): { checksum: string; size: number } {
	const cacheKey = `${seed}|${key}|${filename}`;
	let digest = digestCache.get(cacheKey);
	if (!digest) {
		const content = fakeFileContent(seed, key, filename);
		digest = { checksum: createHash('md5').update(content).digest('base64'), size: content.length };
		if (digestCache.size > 200_000) digestCache.clear();
		digestCache.set(cacheKey, digest);
	}
	return digest;
}

function fakeFile(
	field: FieldSpec,
	ctx: ChampContext,
	index: number
): Record<string, unknown> & {
	filename: string;
} {
	const stem = field.stableId === 1027 ? 'devis' : slug(field.label);
	const filename = `${stem}-${ctx.number}${index > 0 ? `-${index + 1}` : ''}.pdf`;
	const key = `${ctx.number}.${field.stableId}.${ctx.rowId ?? '0'}.${ctx.version}.${index}`;
	const { checksum, size } = fileDigest(ctx.seed, key, filename);
	return {
		filename,
		contentType: 'application/pdf',
		checksum,
		byteSize: size,
		byteSizeBigInt: String(size),
		url: `${ctx.origin}/fake-files/${key}/${encodeURIComponent(filename)}`,
		createdAt: isoDateTime(ctx.updatedAtMs),
		virusScanResult: 'safe'
	};
}

function fakeGeoArea(
	rng: Rng,
	ctx: ChampContext,
	field: FieldSpec,
	index: number
): Record<string, unknown> & {
	description: string | null;
} {
	const [lon, lat] = jitter(rng);
	const d = 0.0008 + rng.next() * 0.001;
	const ring = [
		[lon, lat],
		[lon + d, lat],
		[lon + d, lat + d],
		[lon, lat + d],
		[lon, lat]
	].map(([x, y]) => [Math.round((x ?? 0) * 1e6) / 1e6, Math.round((y ?? 0) * 1e6) / 1e6]);
	const id = typedId(
		'GeoArea',
		hashSeed(ctx.seed, ctx.number, field.stableId, ctx.version, index) % 90_000_000
	);
	const geometry = { type: 'Polygon', coordinates: [ring] };
	if (rng.chance(0.5)) {
		return {
			__typename: 'SelectionUtilisateur',
			id,
			source: 'selection_utilisateur',
			description: `Zone de travaux ${index + 1}`,
			geometry
		};
	}
	const commune = rng.pick(COMMUNES.slice(0, 18));
	const surface = rng.int(150, 4000);
	const numero = rng.digits(4);
	const section = rng.pick(['AB', 'AC', 'BK', 'ZD', 'C']);
	return {
		__typename: 'ParcelleCadastrale',
		id,
		source: 'cadastre',
		description: `Parcelle ${section} ${numero}`,
		geometry,
		commune: commune.insee,
		numero,
		section,
		prefixe: '000',
		surface: String(surface),
		codeArr: '000',
		codeCom: commune.insee.slice(2),
		codeDep: commune.insee.slice(0, 2),
		nomCom: commune.name,
		feuille: 1,
		surfaceIntersection: surface,
		surfaceParcelle: surface
	};
}

/** All département codes the fake may use (for tests). */
export const KNOWN_DEPARTEMENTS = DEPARTEMENTS.map((d) => d.code);
