import { describe, expect, test } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import { createGristPort } from '#widget/grist-port.ts';
import type { Row } from '#widget/grist-types.ts';
import { createMemoryBackend } from '#widget/memory-backend.ts';
import schemaText from '../../../shared/ds/schema.graphql?raw';
import { dsError } from './ds-errors.ts';
import type { DsSyncState } from './ds-state.ts';
import {
	decodeNumbers,
	encodeNumbers,
	parseDsRunCheckpoint,
	runDsSync,
	type DsRunCheckpoint,
	type DsSyncOptions,
	type DsSyncProgress
} from './ds-sync.ts';
import type { Clock } from './ds-throttle.ts';
import { champIdOf, createMemoryDs, type MemoryDossier } from './testing.ts';

const T0 = Date.UTC(2026, 5, 1, 8);
const DAY = 86_400_000;

function fakeClock(start = T0): Clock & { sleeps: number[]; advance(ms: number): void } {
	let now = start;
	const sleeps: number[] = [];
	return {
		now: () => now,
		random: () => 0.5,
		sleeps,
		advance: (ms) => {
			now += ms;
		},
		sleep: async (ms, signal) => {
			signal?.throwIfAborted();
			sleeps.push(ms);
			now += ms;
		}
	};
}

const row = (n: number, i: number) => btoa(`Row-${n}-${i}`);

function dossier(n: number, overrides: Partial<MemoryDossier> = {}): MemoryDossier {
	return {
		number: n,
		state: 'en_construction',
		groupe: n % 2 === 0 ? 1 : 2,
		labels: [],
		deposeAt: T0 - 30 * DAY + n * 60_000,
		updatedAt: T0 - 30 * DAY + n * 60_000,
		revisionId: 'R1',
		champs: [
			{
				__typename: 'TextChamp',
				champDescriptorId: champIdOf(1),
				value: `Projet ${n}`,
				stringValue: `Projet ${n}`
			},
			{ __typename: 'IntegerNumberChamp', champDescriptorId: champIdOf(2), value: String(n * 10) },
			{ __typename: 'DropDownListChamp', champDescriptorId: champIdOf(3), value: 'Culture' },
			{
				__typename: 'RepetitionChamp',
				champDescriptorId: champIdOf(4),
				rows: [1, 2].map((i) => ({
					id: row(n, i),
					champs: [{ __typename: 'TextChamp', champDescriptorId: champIdOf(41), value: `Poste ${i}` }]
				}))
			}
		],
		annotations: [{ __typename: 'YesNoChamp', champDescriptorId: champIdOf(50), value: n % 2 === 0 }],
		...overrides
	};
}

const REVISION = {
	id: 'R1',
	dateCreation: '2026-01-01T00:00:00+01:00',
	champDescriptors: [
		{ __typename: 'TextChampDescriptor', id: champIdOf(1), label: 'Intitulé' },
		{ __typename: 'IntegerNumberChampDescriptor', id: champIdOf(2), label: 'Montant' },
		{
			__typename: 'DropDownListChampDescriptor',
			id: champIdOf(3),
			label: 'Thème',
			options: ['Culture', 'Sport']
		},
		{
			__typename: 'RepetitionChampDescriptor',
			id: champIdOf(4),
			label: 'Dépenses',
			champDescriptors: [{ __typename: 'TextChampDescriptor', id: champIdOf(41), label: 'Poste' }]
		}
	],
	annotationDescriptors: [{ __typename: 'YesNoChampDescriptor', id: champIdOf(50), label: 'Éligible' }]
};

/** The tests that follow one chain of requests page by page (sizes, culprits, order, cursors). */
const ONE_CHAIN: DsSyncOptions = { chains: 1, pageWithForm: false };

function setup(count: number, base: DsSyncOptions = {}) {
	const ds = createMemoryDs(schemaText, {
		demarche: 42,
		revisions: [REVISION],
		groupes: [
			{ number: 1, label: 'Paris' },
			{ number: 2, label: 'Lyon' }
		],
		labels: ['Urgent', 'Complet'],
		dossiers: Array.from({ length: count }, (_, i) => dossier(i + 1))
	});
	const backend = createMemoryBackend();
	const grist = createGristPort(backend);
	const clock = fakeClock();
	let state: DsSyncState | null = null;
	const events: DsSyncProgress[] = [];
	const run = async (options: DsSyncOptions = {}, extra: { signal?: AbortSignal } = {}) => {
		const result = await runDsSync({
			transport: ds.transport,
			grist,
			demarche: 42,
			options: { ...base, ...options },
			state,
			clock,
			onProgress: (p) => events.push(p),
			signal: extra.signal
		});
		state = result.state ?? state;
		return result;
	};
	const table = async (id: string): Promise<(Row & { id: number })[]> =>
		backend.doc.hasTable(id) ? (await grist.readRows(id)).map((r) => ({ ...r.fields, id: r.id })) : [];
	const dataWrites = () =>
		backend.log
			.flat()
			.filter((a) => typeof a[1] === 'string' && a[1].startsWith('Demarche_42_') && a[0] !== 'AddTable');
	return { ds, backend, grist, clock, run, table, events, dataWrites, getState: () => state };
}

describe('runDsSync: full then incremental', () => {
	test('a full sync writes typed rows in every table, 100 dossiers per request', async () => {
		const { run, table, ds } = setup(230);
		const result = await run();
		expect({
			status: result.status,
			mode: result.mode,
			dossiersSeen: result.dossiersSeen,
			requests: result.requests,
			pages: result.pages,
			rowsAdded: result.rowsAdded,
			rowsDeleted: result.rowsDeleted
		}).toStrictEqual({
			status: 'success',
			mode: 'full',
			dossiersSeen: 230,
			// 3 requests: the form with 1–100, which says there is more, then from both ends at once
			// 101–200 and 131–230, where they meet; no trash check on a first sync (nothing in Grist
			// to flag).
			requests: 3,
			pages: 3,
			rowsAdded: 230 * 3 + 460,
			rowsDeleted: 0
		});
		expect(
			ds.calls.map((c) => [c.operation, c.variables.first ?? null, c.variables.last ?? null])
		).toStrictEqual([
			['PasserelleDemarcheSchemaEtPage', 100, null],
			['PasserelleDossiersPage', 100, null],
			['PasserelleDossiersPage', null, 100]
		]);
		const dossiers = await table('Demarche_42_dossiers');
		expect(dossiers.map((d) => d.numero).sort((a, b) => Number(a) - Number(b))).toStrictEqual(
			Array.from({ length: 230 }, (_, i) => i + 1)
		);
		const { id: dossierRowId, ...seventh } = dossiers.find((d) => d.numero === 7)!;
		expect(seventh).toStrictEqual(
			expect.objectContaining({
				numero: 7,
				etat: 'en_construction',
				groupe_instructeur: 'Lyon',
				groupe_instructeur_numero: 2,
				usager_email: 'usager7@exemple.fr',
				demandeur_type: 'Personne physique',
				demandeur_nom: 'Nom7',
				date_depot: (T0 - 30 * DAY + 7 * 60_000) / 1000,
				revision_id: 'R1',
				supprime: false,
				en_attente_suppression: false
			})
		);
		const champs = await table('Demarche_42_champs');
		expect(champs.find((c) => c.numero === 7)).toStrictEqual({
			id: 7,
			numero: 7,
			dossier: dossierRowId,
			champ_1: 'Projet 7',
			champ_2: 70,
			champ_3: 'Culture',
			champ_4: 2
		});
		const annotations = await table('Demarche_42_annotations');
		expect(annotations.find((a) => a.numero === 8)).toStrictEqual(
			expect.objectContaining({ numero: 8, champ_50: true })
		);
		const block = await table('Demarche_42_bloc_4');
		expect(block.filter((b) => b.numero === 7).map(({ id: _id, manualSort: _m, ...b }) => b)).toStrictEqual([
			{ ligne: row(7, 1), numero: 7, dossier: dossierRowId, position: 1, champ_41: 'Poste 1' },
			{ ligne: row(7, 2), numero: 7, dossier: dossierRowId, position: 2, champ_41: 'Poste 2' }
		]);
		const runs = await table('Passerelle_syncs');
		expect(runs.map((r) => [r.statut, r.mode, r.dossiers, r.requetes])).toStrictEqual([
			['reussie', 'complete', 230, 3]
		]);
	});

	test('a re-run with no change writes nothing; changes and deletions show up exactly', async () => {
		const { run, table, ds, clock, dataWrites, getState } = setup(120);
		await run();
		const before = dataWrites().length;
		clock.advance(60 * 60_000);
		const again = await run();
		expect([
			again.mode,
			again.rowsAdded,
			again.rowsUpdated,
			again.rowsDeleted,
			dataWrites().length
		]).toStrictEqual(['incremental', 0, 0, 0, before]);
		// The chain keeps its anchor (start − 5 min) and stores the last non-null cursor.
		expect(getState()!.updatedSinceAnchor).toBe(new Date(T0 - 5 * 60_000).toISOString());

		// DS side: dossier 5 edited (one repetition row removed), dossier 9 deleted, dossier 121 deposited.
		clock.advance(60 * 60_000);
		const d5 = ds.dossiers.get(5)!;
		d5.updatedAt = clock.now();
		(d5.champs[0] as { value: string }).value = 'Projet 5 modifié';
		(d5.champs[3] as { rows: unknown[] }).rows.pop();
		ds.dossiers.delete(9);
		ds.deleted.push({ number: 9, at: clock.now(), reason: 'user_request', state: 'en_construction' });
		ds.dossiers.set(121, dossier(121, { deposeAt: clock.now(), updatedAt: clock.now() }));
		clock.advance(60_000);
		ds.calls.length = 0;
		const incremental = await run();
		// The first page comes with the form; final deletions are listed while the dossier pass
		// runs, not after it.
		expect(ds.calls.map((c) => c.operation)).toStrictEqual([
			'PasserelleDemarcheSchemaEtPage',
			'PasserelleDeletedDossiers'
		]);
		expect({
			mode: incremental.mode,
			seen: incremental.dossiersSeen,
			added: incremental.rowsAdded,
			updated: incremental.rowsUpdated,
			deleted: incremental.rowsDeleted,
			requests: incremental.requests
		}).toStrictEqual({
			mode: 'incremental',
			seen: 2,
			// 121: dossier + champs + annotations + 2 block rows; 5: its dossier row (dates) and champs row.
			added: 5,
			updated: 2,
			// 5: one block row; 9: dossier, champs, annotations, 2 block rows.
			deleted: 6,
			// The form with its one page, deletions.
			requests: 2
		});
		expect((await table('Demarche_42_champs')).find((c) => c.numero === 5)?.champ_1).toBe('Projet 5 modifié');
		expect(
			(await table('Demarche_42_bloc_4')).filter((b) => b.numero === 5).map((b) => b.position)
		).toStrictEqual([1]);
		for (const t of [
			'Demarche_42_dossiers',
			'Demarche_42_champs',
			'Demarche_42_annotations',
			'Demarche_42_bloc_4'
		]) {
			expect((await table(t)).some((r) => r.numero === 9)).toBe(false);
		}
		expect((await table('Demarche_42_dossiers')).length).toBe(120);
	});

	test('deletions as flags; pending deletions flagged then cleared when the dossier comes back', async () => {
		const { run, table, ds, clock } = setup(10);
		const options: DsSyncOptions = { deletions: 'flag', pendingEveryMs: 0 };
		await run(options);
		clock.advance(60_000);
		ds.dossiers.delete(3);
		ds.deleted.push({ number: 3, at: clock.now(), reason: 'expired', state: 'en_construction' });
		const trashed = ds.dossiers.get(4)!;
		ds.dossiers.delete(4);
		ds.pending.push({ number: 4, at: clock.now(), reason: 'user_request', state: 'en_construction' });
		clock.advance(60_000);
		await run(options);
		const flags = async () =>
			(await table('Demarche_42_dossiers'))
				.filter((d) => d.numero === 3 || d.numero === 4)
				.map((d) => [d.numero, d.supprime, d.motif_suppression, d.en_attente_suppression]);
		expect(await flags()).toStrictEqual([
			[3, true, 'expired', false],
			[4, false, null, true]
		]);
		// Restored from the trash: DS lists it again (its updated_at moves).
		clock.advance(60_000);
		ds.pending.pop();
		ds.dossiers.set(4, { ...trashed, updatedAt: clock.now() });
		clock.advance(60_000);
		await run(options);
		expect(await flags()).toStrictEqual([
			[3, true, 'expired', false],
			[4, false, null, false]
		]);
		// A later full sync keeps the flagged row (it is not an orphan).
		await run({ ...options, mode: 'full' });
		expect((await flags()).length).toBe(2);
	});

	test('labels do not bump updated_at: the label pass refreshes them at its cadence', async () => {
		const { run, table, ds, clock } = setup(150);
		await run();
		ds.dossiers.get(140)!.labels = ['Urgent'];
		clock.advance(60_000);
		const skipped = await run({ labelsEveryMs: DAY });
		expect(skipped.rowsUpdated).toBe(0);
		const refreshed = await run({ labelsEveryMs: 0 });
		// The form with the first page, deletions, then the label pass (2 pages).
		expect([refreshed.rowsUpdated, refreshed.requests]).toStrictEqual([1, 2 + 2]);
		expect((await table('Demarche_42_dossiers')).find((d) => d.numero === 140)?.etiquettes).toStrictEqual([
			'L',
			'Urgent'
		]);
	});
});

describe('runDsSync: filters', () => {
	test('states and groups are server-side on a full sync; leaving the filter removes the dossier', async () => {
		const { run, table, ds, clock } = setup(40, ONE_CHAIN);
		for (const n of [1, 2, 3]) ds.dossiers.get(n)!.state = 'accepte';
		const options: DsSyncOptions = { filters: { states: ['en_construction'], groupesInstructeurs: [1] } };
		const full = await run(options);
		expect(
			ds.calls.filter((c) => c.operation === 'PasserelleGroupeDossiersPage').map((c) => c.variables)
		).toStrictEqual([
			{ groupe: 1, first: 100, after: null, state: 'en_construction', createdSince: null, updatedSince: null }
		]);
		const numbers = async () => (await table('Demarche_42_dossiers')).map((d) => d.numero);
		expect(full.dossiersSeen).toBe(19);
		expect(await numbers()).toStrictEqual(Array.from({ length: 19 }, (_, i) => 2 * i + 4));
		// Dossier 4 is accepted, dossier 6 moves to Lyon: both leave the filter.
		clock.advance(60_000);
		Object.assign(ds.dossiers.get(4)!, { state: 'accepte', updatedAt: clock.now() });
		Object.assign(ds.dossiers.get(6)!, { groupe: 2, updatedAt: clock.now() });
		clock.advance(60_000);
		const inc = await run(options);
		expect(inc.mode).toBe('incremental');
		expect((await numbers()).slice(0, 3)).toStrictEqual([8, 10, 12]);
		expect((await table('Demarche_42_champs')).some((c) => c.numero === 4)).toBe(false);
	});

	test('deposit dates: createdSince on full syncs, checked client-side in incremental mode', async () => {
		const { run, table, ds, clock } = setup(20);
		const from = new Date(T0 - 30 * DAY + 10 * 60_000).toISOString();
		await run({ filters: { deposeSince: from } });
		expect(
			ds.calls.find((c) => c.operation === 'PasserelleDemarcheSchemaEtPage')?.variables.createdSince
		).toBe(from);
		expect((await table('Demarche_42_dossiers')).length).toBe(11);
		// An old dossier is modified: DS returns it (createdSince is ignored with updatedSince).
		clock.advance(60_000);
		ds.dossiers.get(2)!.updatedAt = clock.now();
		clock.advance(60_000);
		const inc = await run({ filters: { deposeSince: from } });
		expect([inc.dossiersSeen, inc.rowsAdded]).toStrictEqual([1, 0]);
		expect((await table('Demarche_42_dossiers')).some((d) => d.numero === 2)).toBe(false);
	});
});

describe('runDsSync: DS failures', () => {
	test('a timing-out page is retried on the same cursor with 50, then grows back', async () => {
		const { run, ds } = setup(600, ONE_CHAIN);
		let failures = 1;
		ds.fault = (call) => {
			if (
				call.operation === 'PasserelleDossiersPage' &&
				call.variables.first === 100 &&
				call.variables.after &&
				failures-- > 0
			) {
				throw dsError('ds_timeout', {});
			}
		};
		const result = await run();
		const pages = ds.calls
			.filter((c) => c.operation === 'PasserelleDossiersPage')
			.map((c) => c.variables.first);
		// 100 ok, 100 times out, 50 × 3 from the same cursor, then back to 100.
		expect(pages).toStrictEqual([100, 100, 50, 50, 50, 100, 100, 100, 100]);
		const cursors = ds.calls
			.filter((c) => c.operation === 'PasserelleDossiersPage')
			.map((c) => c.variables.after);
		expect(cursors[2]).toBe(cursors[1]);
		expect([result.status, result.dossiersSeen]).toStrictEqual(['success', 600]);
	});

	test('a dossier DS cannot serve is isolated and reported; the run goes on', async () => {
		const { run, table, ds, getState } = setup(130, ONE_CHAIN);
		ds.broken.add(57);
		const result = await run();
		expect(result.status).toBe('partial');
		expect(result.culprits).toStrictEqual([
			{
				number: 57,
				cursor: expect.any(String),
				code: 'ds_graphql',
				message: expect.stringContaining('Démarches Simplifiées a renvoyé une erreur')
			}
		]);
		// Halving on the same cursor narrows the failure down to dossier 57 alone.
		const sizes = ds.calls
			.filter((c) => c.operation === 'PasserelleDossiersPage')
			.map((c) => c.variables.first);
		expect(sizes).toStrictEqual([100, 50, 50, 25, 10, 5, 5, 2, 1, 1, 100]);
		const numbers = (await table('Demarche_42_dossiers')).map((d) => d.numero);
		expect(numbers.length).toBe(129);
		expect(numbers.includes(57)).toBe(false);
		expect(ds.calls.filter((c) => c.operation === 'PasserelleDossier').map((c) => c.variables)).toStrictEqual(
			[{ number: 57 }]
		);
		expect(getState()?.updatedSinceAnchor).not.toBeNull();
		const runs = await table('Passerelle_syncs');
		expect(runs.map((r) => [r.statut, r.dossiers_en_erreur])).toStrictEqual([['partielle', '57']]);
	});

	test('429 waits for Retry-After; 5xx is retried with backoff', async () => {
		const { run, ds, clock } = setup(5, ONE_CHAIN);
		const faults = [
			dsError('ds_rate_limited', { retryAfterMs: 30_000 }),
			dsError('ds_server_error', { status: 502 })
		];
		ds.fault = (call) => {
			if (call.operation === 'PasserelleDemarcheSchema' && faults.length > 0) throw faults.shift()!;
		};
		const result = await run();
		expect(result.status).toBe('success');
		expect(clock.sleeps.slice(0, 2)).toStrictEqual([30_000, 1500]);
		expect(result.requests).toBe(2 + 1 + 1);
	});

	test('wrong token, hidden démarche, bad number, DS down or garbage: French message, nothing written', async () => {
		const { run, backend, ds, table } = setup(5);
		await run();
		const snapshot = JSON.stringify(await table('Demarche_42_dossiers'));
		const writes = backend.log.length;
		const attempt = async (fault: () => never, demarche = 42) => {
			ds.fault = fault;
			try {
				await runDsSync({
					transport: ds.transport,
					grist: createGristPort(backend),
					demarche,
					clock: fakeClock(),
					options: { retry: { maxAttempts: 2 } }
				});
				return 'ok';
			} catch (error) {
				return error instanceof PasserelleError ? [error.code, error.userMessage] : String(error);
			} finally {
				ds.fault = null;
			}
		};
		const none = () => undefined as never;
		expect(
			await attempt(() => {
				throw dsError('ds_unauthorized', { status: 401 });
			})
		).toStrictEqual([
			'ds_unauthorized',
			'Jeton API Démarches Simplifiées refusé ou expiré : créez un nouveau jeton dans « Voir mon profil » sur Démarches Simplifiées, puis enregistrez-le ici.'
		]);
		ds.options.visible = [42];
		expect(await attempt(none, 43)).toStrictEqual([
			'ds_not_found',
			'Démarche n° 43 introuvable sur Démarches Simplifiées : vérifiez le numéro.'
		]);
		expect(await attempt(none, 0)).toStrictEqual([
			'ds_invalid_input',
			'Numéro de démarche invalide : « 0 ». Indiquez un nombre entier positif (le numéro visible dans l’adresse de la démarche).'
		]);
		expect(
			await attempt(() => {
				throw dsError('ds_network', { endpoint: 'http://127.0.0.1:9' });
			})
		).toStrictEqual([
			'ds_network',
			'Impossible de joindre Démarches Simplifiées (http://127.0.0.1:9) : vérifiez l’adresse et la connexion réseau.'
		]);
		expect(
			await attempt(() => {
				throw dsError('ds_bad_response', {});
			})
		).toStrictEqual([
			'ds_bad_response',
			'Réponse illisible de Démarches Simplifiées : l’adresse de l’API est peut-être incorrecte, ou le service en maintenance.'
		]);
		expect(backend.log.length).toBe(writes);
		expect(JSON.stringify(await table('Demarche_42_dossiers'))).toBe(snapshot);
	});

	test('a démarche outside the token scope is refused with its number', async () => {
		const ds = createMemoryDs(schemaText, { demarche: 42, visible: [] });
		const backend = createMemoryBackend();
		await expect(
			runDsSync({
				transport: ds.transport,
				grist: createGristPort(backend),
				demarche: 42,
				clock: fakeClock()
			})
		).rejects.toMatchObject({
			code: 'ds_forbidden_demarche',
			userMessage:
				'Le jeton n’a pas accès à la démarche n° 42 : vérifiez que cette démarche fait partie du périmètre du jeton (profil administrateur sur Démarches Simplifiées).'
		});
		expect(backend.log).toStrictEqual([]);
	});
});

describe('runDsSync: cancellation and progress', () => {
	test('cancelling stops cleanly, keeps written pages and the previous state', async () => {
		const { run, table, events } = setup(350, ONE_CHAIN);
		expect((await run()).status).toBe('success');
		const first = setup(350, ONE_CHAIN);
		const ctl = new AbortController();
		let pagesSeen = 0;
		const cancelled = await runDsSync({
			transport: first.ds.transport,
			grist: first.grist,
			demarche: 42,
			options: { writeBatchSize: 100, ...ONE_CHAIN },
			clock: fakeClock(),
			signal: ctl.signal,
			onProgress: (p) => {
				if (p.phase === 'dossiers' && p.pages > pagesSeen) {
					pagesSeen = p.pages;
					if (pagesSeen === 2) ctl.abort();
				}
			}
		});
		expect([cancelled.status, cancelled.state]).toStrictEqual(['cancelled', null]);
		expect((await first.table('Demarche_42_dossiers')).length).toBe(200);
		expect((await first.table('Passerelle_syncs')).map((r) => r.statut)).toStrictEqual(['annulee']);
		expect((await table('Demarche_42_dossiers')).length).toBe(350);
		const last = events.at(-1)!;
		expect([last.phase, last.pages, last.dossiers, last.requests]).toStrictEqual(['done', 4, 350, 5]);
		expect(events.some((e) => e.log?.startsWith('Terminé : 350 dossier(s) reçus'))).toBe(true);
	});

	test('the next pages are requested while a batch is written, never more than two ahead', async () => {
		const { ds } = setup(550, ONE_CHAIN);
		const order: string[] = [];
		let page = 0;
		const transport = {
			request: <T>(query: string, variables: Record<string, unknown>, o?: { signal?: AbortSignal }) => {
				if (query.includes('PasserelleDossiersPage')) order.push(`page ${++page}`);
				return ds.transport.request<T>(query, variables, o);
			}
		};
		const backend = createMemoryBackend();
		const reads = new Map<string, number>();
		const grist = createGristPort({
			...backend,
			fetchTable: (tableId) => {
				reads.set(tableId, (reads.get(tableId) ?? 0) + 1);
				return backend.fetchTable(tableId);
			},
			applyUserActions: (actions) => {
				const [name, table, , values] = actions[0]!;
				if (name === 'BulkAddRecord' && table === 'Demarche_42_dossiers') {
					const numbers = (values as { numero: number[] }).numero;
					order.push(`write ${Math.ceil(numbers[0]! / 100)}`);
				}
				return backend.applyUserActions(actions);
			}
		});
		const result = await runDsSync({
			transport,
			grist,
			demarche: 42,
			options: { writeBatchSize: 100, ...ONE_CHAIN },
			clock: fakeClock()
		});
		expect(result.dossiersSeen).toBe(550);
		// Page n+1 is on its way before page n is written; page n+3 waits until page n is.
		expect(order).toStrictEqual([
			'page 1',
			'page 2',
			'page 3',
			'write 1',
			'page 4',
			'write 2',
			'page 5',
			'write 3',
			'page 6',
			'write 4',
			'write 5',
			'write 6'
		]);
		// Six batches, yet each data table is read once (before the first page was written);
		// the dossiers table once more at reconciliation.
		expect(Object.fromEntries([...reads].filter(([t]) => t.startsWith('Demarche_42_')))).toStrictEqual({
			Demarche_42_dossiers: 2,
			Demarche_42_champs: 1,
			Demarche_42_annotations: 1,
			Demarche_42_bloc_4: 1
		});
	});

	test('a full sync shows an ETA once the previous run told how many dossiers to expect', async () => {
		const { run, events } = setup(300);
		await run();
		events.length = 0;
		await run({ mode: 'full' });
		const etas = events
			.filter((e) => e.phase === 'dossiers' && e.etaSeconds !== null)
			.map((e) => e.etaSeconds);
		expect(etas.length).toBeGreaterThan(0);
	});
});

describe('runDsSync: resuming an interrupted run from its checkpoint', () => {
	/** A run that "crashes" once `crashAt` checkpoints are saved (as a killed process would stop). */
	async function crashingRun(
		env: ReturnType<typeof setup>,
		crashAt: number,
		options: DsSyncOptions = {}
	): Promise<DsRunCheckpoint[]> {
		const saved: DsRunCheckpoint[] = [];
		await expect(
			runDsSync({
				transport: env.ds.transport,
				grist: env.grist,
				demarche: 42,
				options: { writeBatchSize: 100, ...options },
				state: env.getState(),
				clock: env.clock,
				onCheckpoint: (cp) => {
					saved.push(structuredClone(cp));
					if (saved.length === crashAt) throw new Error('processus tué');
				}
			})
		).rejects.toThrow('processus tué');
		return saved;
	}

	const sorted = (rows: Row[], key: string) =>
		rows.map(({ id: _id, ...r }) => r).sort((x, y) => String(x[key]).localeCompare(String(y[key])));

	test('a full sync killed after 300 dossiers goes on from the cursor and ends with the tables of a clean run', async () => {
		const clean = setup(550, ONE_CHAIN);
		expect((await clean.run({ writeBatchSize: 100 })).status).toBe('success');

		const env = setup(550, ONE_CHAIN);
		const saved = await crashingRun(env, 3, ONE_CHAIN);
		const cp = parseDsRunCheckpoint(JSON.parse(JSON.stringify(saved.at(-1))))!;
		expect(cp).toMatchObject({ mode: 'full', pass: 0, dossiers: 300, pages: 3 });
		expect(decodeNumbers(cp.seen)).toStrictEqual(Array.from({ length: 300 }, (_, i) => i + 1));
		expect((await env.table('Demarche_42_dossiers')).length).toBe(300);

		env.ds.calls.length = 0;
		const resumed = await runDsSync({
			transport: env.ds.transport,
			grist: env.grist,
			demarche: 42,
			options: { writeBatchSize: 100, ...ONE_CHAIN },
			state: null,
			clock: env.clock,
			resumeFrom: cp
		});
		expect(resumed).toMatchObject({ status: 'success', mode: 'full', dossiersSeen: 550, pages: 6 });
		// The form once, then only the three pages after the cursor.
		const pages = env.ds.calls.filter((c) => c.operation === 'PasserelleDossiersPage');
		expect(pages.map((c) => c.variables.after ?? null)).toHaveLength(3);
		expect(pages[0]!.variables.after).toBe(cp.after);
		expect(env.ds.calls.map((c) => c.operation)).toStrictEqual([
			'PasserelleDemarcheSchema',
			'PasserelleDossiersPage',
			'PasserelleDossiersPage',
			'PasserelleDossiersPage'
		]);
		for (const id of ['Demarche_42_dossiers', 'Demarche_42_champs', 'Demarche_42_annotations']) {
			expect(sorted(await env.table(id), id.endsWith('dossiers') ? 'numero' : 'id_ds')).toStrictEqual(
				sorted(await clean.table(id), id.endsWith('dossiers') ? 'numero' : 'id_ds')
			);
		}
		// Still one run in Passerelle_syncs, the interrupted one, now finished.
		expect((await env.table('Passerelle_syncs')).map((r) => r.statut)).toStrictEqual(['reussie']);
		expect(resumed.state).toMatchObject({ dossierCount: 550, lastFullSyncAt: cp.startedAt });
		expect(resumed.log[0]).toBe('Lecture du formulaire de la démarche n° 42.');
		expect(resumed.log).toContain('Reprise de la synchronisation interrompue (300 dossier(s) déjà écrits).');
	});

	test('reconciliation after a resumed full sync keeps the dossiers written before the crash and drops orphans', async () => {
		const env = setup(550);
		await env.run();
		// A row DS no longer has (e.g. deleted long ago): a full sync must drop it.
		await env.grist.upsert('Demarche_42_dossiers', [{ numero: 9999 }], { key: ['numero'] });
		const saved = await crashingRun(env, 2, { mode: 'full' });
		const resumed = await runDsSync({
			transport: env.ds.transport,
			grist: env.grist,
			demarche: 42,
			options: { writeBatchSize: 100, mode: 'full' },
			state: env.getState(),
			clock: env.clock,
			resumeFrom: saved.at(-1)!
		});
		expect(resumed.status).toBe('success');
		const numbers = (await env.table('Demarche_42_dossiers'))
			.map((r) => r.numero)
			.sort((a, b) => Number(a) - Number(b));
		expect(numbers).toStrictEqual(Array.from({ length: 550 }, (_, i) => i + 1));
	});

	test('an incremental run resumes its updatedSince chain; a checkpoint of other settings is ignored', async () => {
		const env = setup(250);
		await env.run();
		env.clock.advance(DAY);
		for (let n = 1; n <= 250; n++) env.ds.dossiers.get(n)!.updatedAt = env.clock.now() - 1000 + n;
		const saved = await crashingRun(env, 1);
		expect(saved[0]).toMatchObject({ mode: 'incremental', pass: 0, dossiers: 100 });
		env.ds.calls.length = 0;
		const resumed = await runDsSync({
			transport: env.ds.transport,
			grist: env.grist,
			demarche: 42,
			options: { writeBatchSize: 100 },
			state: env.getState(),
			clock: env.clock,
			resumeFrom: saved[0]!
		});
		expect(resumed).toMatchObject({ status: 'success', mode: 'incremental', dossiersSeen: 250 });
		const pages = env.ds.calls.filter((c) => c.operation === 'PasserelleDossiersPage');
		expect(pages[0]!.variables.after).toBe(saved[0]!.after);
		expect(resumed.state!.endCursor).not.toBeNull();

		// Other filters: the checkpoint no longer describes this run, which starts over.
		env.ds.calls.length = 0;
		const other = await runDsSync({
			transport: env.ds.transport,
			grist: env.grist,
			demarche: 42,
			options: { writeBatchSize: 100, filters: { states: ['en_construction'] } },
			state: env.getState(),
			clock: env.clock,
			resumeFrom: saved[0]!
		});
		expect(other.mode).toBe('full');
		expect(other.log).toContain(
			'Point de reprise ignoré (réglages ou formulaire modifiés) : la synchronisation repart du début.'
		);
		expect(env.ds.calls.find((c) => c.operation === 'PasserelleDossiersPage')!.variables.after).toBeNull();
	});

	test('checkpoints encode dossier numbers compactly and reject anything malformed', () => {
		const numbers = [5, 1, 100_000, 36, 37];
		expect(encodeNumbers(numbers)).toBe('1,4,v,1,254r');
		expect(decodeNumbers(encodeNumbers(numbers))).toStrictEqual([1, 5, 36, 37, 100_000]);
		expect(decodeNumbers('')).toStrictEqual([]);
		expect(() => decodeNumbers('1,-2')).toThrow();
		expect(parseDsRunCheckpoint({ version: 1, demarche: 42 })).toBeNull();
		expect(parseDsRunCheckpoint('texte')).toBeNull();
	});
});

describe('runDsSync: a full pass read from both ends at once', () => {
	const numbersOf = async (env: ReturnType<typeof setup>) =>
		(await env.table('Demarche_42_dossiers')).map((d) => Number(d.numero)).sort((a, b) => a - b);
	const strip = (rows: Row[]) => rows.map(({ id: _id, dossier: _d, ...r }) => JSON.stringify(r)).sort();

	test('every dossier once, within ceil(N/100) + 3 requests, the same tables as one chain', async () => {
		const both = setup(1050);
		const one = setup(1050, ONE_CHAIN);
		const result = await both.run();
		await one.run();
		expect(result).toMatchObject({ status: 'success', dossiersSeen: 1050 });
		expect(result.requests).toBeLessThanOrEqual(Math.ceil(1050 / 100) + 3);
		expect(await numbersOf(both)).toStrictEqual(Array.from({ length: 1050 }, (_, i) => i + 1));
		const pages = both.ds.calls.filter((c) => c.operation === 'PasserelleDossiersPage');
		const backward = pages.filter((c) => c.variables.last === 100);
		expect(backward.length).toBeGreaterThanOrEqual(2);
		expect(backward[0]!.variables.before ?? null).toBeNull();
		expect(backward.slice(1).every((c) => typeof c.variables.before === 'string')).toBe(true);
		for (const id of [
			'Demarche_42_dossiers',
			'Demarche_42_champs',
			'Demarche_42_annotations',
			'Demarche_42_bloc_4'
		]) {
			expect(strip(await both.table(id)), id).toStrictEqual(strip(await one.table(id)));
		}
		// A second run writes nothing.
		both.backend.log.length = 0;
		await both.run({ mode: 'full' });
		expect(both.dataWrites()).toStrictEqual([]);
	});

	test('a page DS cannot serve from the end stops that end; the start end reads on and isolates the culprit', async () => {
		const env = setup(1050);
		env.ds.broken.add(1000);
		const result = await env.run();
		expect(result.status).toBe('partial');
		expect(result.culprits.map((c) => c.number)).toStrictEqual([1000]);
		expect(await numbersOf(env)).toStrictEqual(
			Array.from({ length: 1050 }, (_, i) => i + 1).filter((n) => n !== 1000)
		);
		expect(result.log.filter((l) => l.startsWith('Lecture depuis la fin interrompue'))).toHaveLength(1);
	});

	test('a first page DS cannot serve with the form: the form is read alone, the pager isolates the culprit', async () => {
		const env = setup(350);
		env.ds.broken.add(5);
		const result = await env.run();
		expect(result.status).toBe('partial');
		expect(result.culprits.map((c) => c.number)).toStrictEqual([5]);
		expect(result.log).toContain('Formulaire lu seul : la première page sera demandée à part.');
		expect(env.ds.calls.slice(0, 2).map((c) => c.operation)).toStrictEqual([
			'PasserelleDemarcheSchemaEtPage',
			'PasserelleDemarcheSchema'
		]);
		expect(await numbersOf(env)).toStrictEqual(
			Array.from({ length: 350 }, (_, i) => i + 1).filter((n) => n !== 5)
		);
	});

	test('a run killed mid-way resumes both ends from their cursors', async () => {
		const env = setup(1050);
		const saved: DsRunCheckpoint[] = [];
		await expect(
			runDsSync({
				transport: env.ds.transport,
				grist: env.grist,
				demarche: 42,
				options: { writeBatchSize: 100 },
				clock: env.clock,
				onCheckpoint: (cp) => {
					saved.push(structuredClone(cp));
					if (saved.length === 4) throw new Error('processus tué');
				}
			})
		).rejects.toThrow('processus tué');
		const cp = saved.at(-1)!;
		expect(cp.dossiers).toBe(400);
		expect([typeof cp.after, typeof cp.before]).toStrictEqual(['string', 'string']);
		env.ds.calls.length = 0;
		const resumed = await runDsSync({
			transport: env.ds.transport,
			grist: env.grist,
			demarche: 42,
			options: { writeBatchSize: 100 },
			clock: env.clock,
			resumeFrom: cp
		});
		expect(resumed).toMatchObject({ status: 'success', dossiersSeen: 1050 });
		const pages = env.ds.calls.filter((c) => c.operation === 'PasserelleDossiersPage');
		expect(pages.find((c) => c.variables.first === 100)!.variables.after).toBe(cp.after);
		expect(pages.find((c) => c.variables.last === 100)!.variables.before).toBe(cp.before);
		// Only the middle is read again: 650 dossiers, 7 pages at least, at most two more.
		expect(pages.length).toBeGreaterThanOrEqual(7);
		expect(pages.length).toBeLessThanOrEqual(9);
		expect(await numbersOf(env)).toStrictEqual(Array.from({ length: 1050 }, (_, i) => i + 1));
	});
});

describe('filter dates', () => {
	test('a day is a Paris day; an instant is kept as is', async () => {
		const { filterDateMs } = await import('./ds-sync.ts');
		expect([
			filterDateMs('2026-06-01'),
			filterDateMs('2026-01-15', true),
			filterDateMs('2026-01-15T10:00:00Z'),
			filterDateMs('2026-01-15T10:00:00Z', true)
		]).toStrictEqual([
			Date.UTC(2026, 4, 31, 22),
			Date.UTC(2026, 0, 15, 23),
			Date.UTC(2026, 0, 15, 10),
			Date.UTC(2026, 0, 15, 10) + 1
		]);
		expect(() => filterDateMs('15/01/2026')).toThrow(
			'Date de filtre invalide : « 15/01/2026 » (attendu AAAA-MM-JJ).'
		);
	});
});
