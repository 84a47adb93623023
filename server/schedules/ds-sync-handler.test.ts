import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGristPort } from '#widget/grist-port.ts';
import { createMemoryBackend, type MemoryDocument } from '#widget/memory-backend.ts';
import { dsStateKey, loadDsState, saveDsState, STATE_TABLE, SYNCS_TABLE } from '#worker/ds/ds-state.ts';
import { runDsSync } from '#worker/ds/ds-sync.ts';
import type { Database } from '../db/database.ts';
import { createDsConfigStore } from '../ds-configs/ds-configs.ts';
import { startFakeDs, type FakeDs } from '../ds-fake/index.ts';
import { createDsGraphqlTransport } from '../ds/graphql-transport.ts';
import { startGristDouble, type GristDouble } from '../grist-double/index.ts';
import { createSecretsStore, type SecretsStore } from '../secrets/secrets-store.ts';
import { openTestDatabase } from '../testing/pglite.ts';
import { createDsSyncHandler } from './ds-sync-handler.ts';
import { executeRun } from './job-runner.ts';
import { findSchedule, requestRun, type RunRow } from './schedule-store.ts';
import { connectDocument, memoryLogger, testSecretKey } from './testing/fixtures.ts';

let ds: FakeDs;
let database: Database;
let secrets: SecretsStore;
const doubles: GristDouble[] = [];
const logger = memoryLogger();

beforeAll(async () => {
	ds = await startFakeDs({ dossiers: 30, seed: 11, rateLimitPerMinute: 100_000 });
	database = await openTestDatabase();
	secrets = createSecretsStore(database, { current: testSecretKey() });
});
afterAll(async () => {
	await ds?.close();
	await database?.close();
	await Promise.all(doubles.map((d) => d.close()));
});

async function serverRun(docId: string, token: string): Promise<{ double: GristDouble; run: RunRow }> {
	const double = await startGristDouble({ docId });
	doubles.push(double);
	await connectDocument(database, secrets, docId, double.url, double.apiKey);
	const store = createDsConfigStore(database, secrets, { allowLoopback: true });
	const config = await store.create(docId, { demarcheNumber: ds.demarcheNumber, dsUrl: ds.url, token });
	const pending = await requestRun(database, docId, config.id, new Date());
	const schedule = await findSchedule(database, docId, config.id);
	const outcome = await executeRun(
		{
			database,
			secrets,
			log: logger.log,
			instanceId: 'test:ds',
			handler: createDsSyncHandler({ database, secrets })
		},
		{
			runId: pending.id,
			scheduleId: schedule!.id,
			configId: config.id,
			docId,
			trigger: 'manuelle',
			fireTime: null
		},
		{ retryCount: 0, retryLimit: 0 }
	);
	const [run] = await database.query<RunRow>('SELECT * FROM schedule_runs WHERE id = $1', [pending.id]);
	expect(run!.status).toBe(outcome.status);
	return { double, run: run! };
}

/** The démarche's tables of a document, as (table id, columns, rows) without row order noise. */
function demarcheTables(doc: MemoryDocument, prefix: string): unknown {
	return doc
		.listTables()
		.filter((t) => t.id.startsWith(prefix))
		.map((t) => [t.id, t.columns.map((c) => [c.id, c.type]), doc.fetchTable(t.id)]);
}

describe('DS handler: a server-side run of the same engine as the widget', () => {
	it('writes the same tables as the same sync started from the widget, and records itself in Passerelle_syncs', async () => {
		const { double, run } = await serverRun('docDsServeur', ds.tokens.valid);
		expect(run).toMatchObject({ status: 'reussie', dossiers: 30, error_message: null });
		expect(run.rows_written).toBeGreaterThan(0);
		expect((run.summary as { message: string }).message).toMatch(
			/^Synchronisation complète réussie : 30 dossiers lus/
		);

		// The widget path: the same engine over a GristPort on the widget's side, state in Passerelle_etat.
		const widgetDoc = createMemoryBackend();
		const grist = createGristPort(widgetDoc);
		const prefix = `Demarche_${ds.demarcheNumber}`;
		const key = dsStateKey(ds.demarcheNumber, prefix);
		const result = await runDsSync({
			transport: createDsGraphqlTransport({ endpoint: ds.url, token: ds.tokens.valid }),
			grist,
			demarche: ds.demarcheNumber,
			state: await loadDsState(grist, key),
			options: { mode: 'auto', tablePrefix: prefix, filters: {} }
		});
		await saveDsState(grist, key, result.state!, Date.now());
		expect(result.status).toBe('success');

		const serverTables = demarcheTables(double.doc, prefix);
		expect(serverTables).toStrictEqual(demarcheTables(widgetDoc.doc, prefix));
		expect((serverTables as unknown[]).length).toBeGreaterThan(1);
		// Both sides keep the run log and the shared incremental state in the document.
		const syncs = double.doc.fetchTable(SYNCS_TABLE);
		expect(syncs.statut).toStrictEqual(['reussie']);
		expect(syncs.demarche).toStrictEqual([ds.demarcheNumber]);
		expect(double.doc.fetchTable(STATE_TABLE).cle).toStrictEqual([key]);
	});

	it('fails with a clear French message when the DS token is revoked, losing nothing already in Grist', async () => {
		const { double, run } = await serverRun('docDsRevoque', ds.tokens.valid);
		expect(run.status).toBe('reussie');
		const prefix = `Demarche_${ds.demarcheNumber}`;
		const before = demarcheTables(double.doc, prefix);
		// The token gets revoked: the stored one is replaced by an expired token.
		const [config] = await database.query<{ id: string }>(
			'SELECT id FROM demarche_configs WHERE doc_id = $1',
			['docDsRevoque']
		);
		await createDsConfigStore(database, secrets, { allowLoopback: true }).update('docDsRevoque', config!.id, {
			token: ds.tokens.expired
		});
		const pending = await requestRun(database, 'docDsRevoque', config!.id, new Date());
		const schedule = await findSchedule(database, 'docDsRevoque', config!.id);
		await executeRun(
			{
				database,
				secrets,
				log: logger.log,
				instanceId: 'test:ds',
				handler: createDsSyncHandler({ database, secrets })
			},
			{
				runId: pending.id,
				scheduleId: schedule!.id,
				configId: config!.id,
				docId: 'docDsRevoque',
				trigger: 'manuelle',
				fireTime: null
			},
			{ retryCount: 0, retryLimit: 2 }
		);
		const [failed] = await database.query<RunRow>('SELECT * FROM schedule_runs WHERE id = $1', [pending.id]);
		expect(failed).toMatchObject({ status: 'echouee', attempts: 1, error_code: 'ds_unauthorized' });
		expect(failed!.error_message).toContain('Jeton API Démarches Simplifiées refusé ou expiré');
		expect(demarcheTables(double.doc, prefix)).toStrictEqual(before);
		expect(logger.lines.join('\n')).not.toContain(ds.tokens.expired);
		expect(logger.lines.join('\n')).not.toContain(ds.tokens.valid);
	});
});
