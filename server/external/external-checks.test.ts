import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HAS_CORPUS, loadManifest } from '../llm/testing/corpus.ts';
import { toCompanyAnswer, toRgeAnswer } from './external-sources.ts';
import { loadExternalConfig, type ExternalConfig } from './external-config.ts';
import { createExternalChecks, NOT_CHECKED } from './external-checks.ts';
import {
	directoryDataFromManifest,
	startDirectoryDoubles,
	type DirectoryDoubles
} from './external-doubles.ts';

let doubles: DirectoryDoubles;
let clock: number;

function config(overrides: Partial<ExternalConfig> = {}): ExternalConfig {
	return {
		...loadExternalConfig({
			ADEME_RGE_BASE_URL: doubles.rgeBaseUrl,
			RECHERCHE_ENTREPRISES_BASE_URL: doubles.companyBaseUrl
		}),
		timeoutMs: 1000,
		...overrides
	};
}

function checks(overrides: Partial<ExternalConfig> = {}, maxQueueMs = 2000) {
	return createExternalChecks({
		config: config(overrides),
		now: () => clock,
		sleep: async (ms) => {
			clock += ms;
		},
		maxQueueMs
	});
}

const P1 = '91234560000015';
const P6 = '95609120100015';

describe.skipIf(!HAS_CORPUS)('external checks against local doubles serving the corpus mocks', () => {
	beforeAll(async () => {
		doubles = await startDirectoryDoubles(directoryDataFromManifest(loadManifest()));
	});
	afterAll(() => doubles.close());
	beforeEach(() => {
		clock = Date.parse('2025-03-14T10:00:00Z');
		doubles.setMode('ok');
		doubles.requests.length = 0;
	});

	it('returns the ADEME history of every corpus SIRET, normalised', async () => {
		const external = checks();
		const manifest = loadManifest();
		let compared = 0;
		for (const entry of manifest) {
			const mocks = entry.external_mocks?.ademe_historique_rge;
			const siret = entry.expected_fields?.siret;
			if (!Array.isArray(mocks) || !siret) continue;
			const result = await external.rge(siret);
			expect(result.status, entry.id).toBe('ok');
			const ids = result.status === 'ok' ? result.records.map((r) => r.id) : [];
			for (const mock of mocks) expect(ids, entry.id).toContain(mock._id);
			compared++;
		}
		expect(compared).toBeGreaterThanOrEqual(25);
		expect(await external.rge(P1)).toStrictEqual({
			status: 'ok',
			siret: P1,
			source: 'ademe',
			checkedAt: '2025-03-14T10:00:00.000Z',
			records: [
				{
					siret: P1,
					id: '41234-91234560000015-2024-02-01',
					codeQualification: '41234',
					nomQualification: null,
					nomCertificat: 'QualiPAC module Chauffage et ECS',
					domaines: ['Pompe à chaleur : chauffage'],
					metaDomaine: null,
					organisme: null,
					dateDebut: '2024-02-01',
					dateFin: '2027-01-31',
					nomEntreprise: null,
					particulier: null
				}
			]
		});
	});

	it('follows ADEME pagination on the same host only', async () => {
		const paged = await startDirectoryDoubles(directoryDataFromManifest(loadManifest()), { pageSize: 1 });
		try {
			const external = createExternalChecks({
				config: { ...config(), rgeBaseUrl: paged.rgeBaseUrl },
				now: () => clock
			});
			const result = await external.rge(P6);
			expect(result.status === 'ok' && result.records.map((r) => r.codeQualification).sort()).toStrictEqual([
				'190233',
				'41777'
			]);
			expect(paged.requests.filter((r) => r.includes('historique-rge'))).toHaveLength(2);
		} finally {
			await paged.close();
		}
	});

	it('gives the company state, and says when a SIRET is a SIREN or has a wrong key', async () => {
		const external = checks();
		expect(await external.company('912 345 600 00015')).toStrictEqual({
			status: 'actif',
			siret: P1,
			siren: '912345600',
			nom: 'Thermi-Rénov Atlantique',
			natureJuridique: '5499',
			etablissementActif: true,
			uniteLegaleActive: true,
			source: 'recherche-entreprises',
			checkedAt: '2025-03-14T10:00:00.000Z'
		});
		// Q13 prints a SIREN where the SIRET should be: no call is made.
		expect(await external.company('987 654 308')).toMatchObject({
			status: 'siret_invalide',
			message: expect.stringContaining('SIREN')
		});
		expect(await external.rge('91234560000016')).toMatchObject({
			status: 'siret_invalide',
			message: expect.stringContaining('clé de contrôle')
		});
		expect(await external.company('73282932000074')).toMatchObject({ status: 'introuvable', nom: null });
		expect(
			doubles.requests.filter((r) => r.includes('987654308') || r.includes('91234560000016'))
		).toStrictEqual([]);
	});

	it('answers "non vérifié", never an error, when a directory is down, failing, slow or garbled', async () => {
		for (const mode of ['down', 'error', 'shards_failed', 'garbage'] as const) {
			doubles.setMode(mode);
			const external = checks();
			expect(await external.rge(P1), mode).toStrictEqual({
				status: 'non_verifie',
				siret: P1,
				message: NOT_CHECKED.rge
			});
			// data-fair's cluster failure is ADEME's only.
			if (mode !== 'shards_failed') {
				expect(await external.company(P1), mode).toMatchObject({
					status: 'non_verifie',
					message: NOT_CHECKED.company
				});
			}
		}
		doubles.setMode('slow', { delayMs: 2000 });
		expect(await checks({ timeoutMs: 100 }).rge(P1)).toMatchObject({ status: 'non_verifie' });
		const unreachable = createExternalChecks({
			config: {
				...config(),
				rgeBaseUrl: 'http://127.0.0.1:9/data-fair/api/v1',
				companyBaseUrl: 'http://127.0.0.1:9'
			},
			now: () => clock
		});
		expect(await unreachable.rge(P1)).toMatchObject({ status: 'non_verifie' });
		expect(await unreachable.company(P1)).toMatchObject({ status: 'non_verifie' });
	});

	it('caches answers (failures briefly) and shares one call between concurrent lookups', async () => {
		const external = checks();
		await Promise.all([external.rge(P1), external.rge(P1), external.rge('912 345 600 00015')]);
		await external.rge(P1);
		expect(doubles.requests).toHaveLength(1);
		doubles.setMode('error');
		const P3 = '90010020700019';
		expect(await external.rge(P3)).toMatchObject({ status: 'non_verifie' });
		doubles.setMode('ok');
		expect(await external.rge(P3)).toMatchObject({ status: 'non_verifie' });
		clock += 121_000;
		expect(await external.rge(P3)).toMatchObject({ status: 'ok' });
		clock += 25 * 3_600_000;
		await external.rge(P1);
		expect(doubles.requests).toHaveLength(4);
	});

	it('limits lookups per document and calls per second to each directory', async () => {
		const perDoc = checks({ perDocumentPerMinute: 2 });
		const sirets = ['91234560000015', '98765430800012', '90010020700019'];
		const results = [];
		for (const s of sirets) results.push((await perDoc.rge(s, { docId: 'doc-a' })).status);
		expect(results).toStrictEqual(['ok', 'ok', 'non_verifie']);
		expect((await perDoc.rge(sirets[2]!, { docId: 'doc-b' })).status).toBe('ok');
		clock += 30_000;
		expect((await perDoc.rge('94412300900010', { docId: 'doc-a' })).status).toBe('ok');

		// One call per second upstream: without queueing the second distinct lookup is not made now…
		const slowUpstream = checks({ ratePerSecond: 1 }, 0);
		expect((await slowUpstream.company(sirets[0]!)).status).toBe('actif');
		expect(await slowUpstream.company(sirets[1]!)).toMatchObject({
			status: 'non_verifie',
			message: NOT_CHECKED.busy
		});
		// …and with a queue it waits for its turn.
		const queued = checks({ ratePerSecond: 1 }, 2000);
		const before = clock;
		await queued.company(sirets[0]!);
		expect((await queued.company(sirets[1]!)).status).toBe('actif');
		expect(clock - before).toBeGreaterThanOrEqual(1000);
	});
});

describe('loadExternalConfig', () => {
	it('defaults to the public services and reads overrides', () => {
		expect(loadExternalConfig({})).toMatchObject({
			rgeBaseUrl: 'https://data.ademe.fr/data-fair/api/v1',
			companyBaseUrl: 'https://recherche-entreprises.api.gouv.fr',
			timeoutMs: 8000
		});
		expect(
			loadExternalConfig({ ADEME_RGE_BASE_URL: 'http://127.0.0.1:4000/ademe/', EXTERNAL_TIMEOUT_MS: '500' })
		).toMatchObject({
			rgeBaseUrl: 'http://127.0.0.1:4000/ademe',
			timeoutMs: 500
		});
		expect(() => loadExternalConfig({ RECHERCHE_ENTREPRISES_BASE_URL: 'ftp://x' })).toThrow(
			/RECHERCHE_ENTREPRISES_BASE_URL/
		);
	});
});

describe('answers for the rules (ports RgeSource / CompanySource)', () => {
	it('maps lookups to valide / invalide / non_verifie, a malformed SIRET being non_verifie', () => {
		const record = {
			siret: P1,
			id: '41234-91234560000015-2024-02-01',
			codeQualification: '41234',
			nomQualification: null,
			nomCertificat: 'QualiPAC',
			domaines: ['Pompe à chaleur : chauffage'],
			metaDomaine: null,
			organisme: null,
			dateDebut: '2024-02-01',
			dateFin: '2027-01-31',
			nomEntreprise: null,
			particulier: null
		};
		const at = '2025-03-14T10:00:00.000Z';
		expect(
			toRgeAnswer({ status: 'ok', siret: P1, records: [record], source: 'ademe', checkedAt: at })
		).toStrictEqual({
			status: 'valide',
			qualifications: [
				{
					siret: P1,
					domaine: ['Pompe à chaleur : chauffage'],
					_id: '41234-91234560000015-2024-02-01',
					code_qualification: '41234',
					nom_certificat: 'QualiPAC',
					date_debut: '2024-02-01',
					date_fin: '2027-01-31'
				}
			]
		});
		expect(toRgeAnswer({ status: 'ok', siret: P1, records: [], source: 'ademe', checkedAt: at }).status).toBe(
			'invalide'
		);
		expect(toRgeAnswer({ status: 'siret_invalide', siret: '987654308', message: 'SIREN' })).toStrictEqual({
			status: 'non_verifie',
			qualifications: [],
			reason: 'SIREN'
		});
		const company = {
			siret: P1,
			siren: '912345600',
			nom: null,
			natureJuridique: null,
			etablissementActif: true,
			uniteLegaleActive: true,
			source: 'recherche-entreprises' as const,
			checkedAt: at
		};
		expect(toCompanyAnswer({ ...company, status: 'actif' })).toStrictEqual({
			status: 'valide',
			etat: 'etablissement_actif'
		});
		expect(toCompanyAnswer({ ...company, status: 'ferme' })).toMatchObject({
			status: 'invalide',
			etat: 'ferme'
		});
		expect(toCompanyAnswer({ ...company, status: 'introuvable' })).toMatchObject({
			status: 'invalide',
			etat: 'introuvable'
		});
		expect(toCompanyAnswer({ status: 'non_verifie', siret: P1, message: NOT_CHECKED.company })).toStrictEqual(
			{
				status: 'non_verifie',
				reason: NOT_CHECKED.company
			}
		);
	});
});

describe('EXTERNAL_CHECKS: whether the Devis tab uses the online checks', () => {
	it('is on by default, off in demo mode (no network), and set explicitly with 1 or 0', () => {
		expect(loadExternalConfig({}).enabled).toBe(true);
		expect(loadExternalConfig({ PASSERELLE_DEMO: '1' }).enabled).toBe(false);
		expect(loadExternalConfig({ PASSERELLE_DEMO: '1', EXTERNAL_CHECKS: '1' }).enabled).toBe(true);
		expect(loadExternalConfig({ EXTERNAL_CHECKS: '0' }).enabled).toBe(false);
		expect(() => loadExternalConfig({ EXTERNAL_CHECKS: 'oui' })).toThrow(
			'EXTERNAL_CHECKS vaut 1 ou 0 (reçu « oui »).'
		);
	});
});
