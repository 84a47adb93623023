import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { secretKeyId } from '../config.ts';
import type { Database } from '../db/database.ts';
import { createSecretsStore } from '../secrets/secrets-store.ts';
import { openTestDatabase } from '../testing/pglite.ts';
import {
	checkDsUrl,
	createDsConfigStore,
	DS_ENDPOINTS,
	parseDemarcheNumber,
	type DsConfigStore
} from './ds-configs.ts';

let database: Database;
let store: DsConfigStore;

beforeEach(async () => {
	database = await openTestDatabase();
	const key = randomBytes(32);
	store = createDsConfigStore(
		database,
		createSecretsStore(database, { current: { id: secretKeyId(key), key } }),
		{
			allowLoopback: true
		}
	);
});
afterEach(() => database.close());

describe('démarche configurations', () => {
	test('a configuration keeps its token encrypted and never shows it back', async () => {
		const created = await store.create('doc-A', {
			demarcheNumber: ' 1234 ',
			token: 'jeton-secret-de-test',
			filters: { states: ['accepte'] }
		});
		expect(created).toMatchObject({
			demarcheNumber: 1234,
			dsUrl: DS_ENDPOINTS['demarche.numerique.gouv.fr'],
			tablePrefix: 'Demarche_1234',
			filters: { states: ['accepte'] },
			hasToken: true
		});
		expect(JSON.stringify(created)).not.toContain('jeton-secret-de-test');
		expect(await store.token('doc-A', created.id)).toBe('jeton-secret-de-test');
		const raw = await database.query('select * from secrets');
		expect(JSON.stringify(raw)).not.toContain('jeton-secret-de-test');
	});

	test('every call is scoped to its Grist document', async () => {
		const created = await store.create('doc-A', { demarcheNumber: 42, token: 'jeton-secret-de-test' });
		expect(await store.list('doc-B')).toStrictEqual([]);
		await expect(store.token('doc-B', created.id)).rejects.toMatchObject({ code: 'config_not_found' });
		await expect(store.remove('doc-B', created.id)).rejects.toMatchObject({ code: 'config_not_found' });
		await store.remove('doc-A', created.id);
		expect(await store.list('doc-A')).toStrictEqual([]);
		expect(await database.query('select * from secrets')).toStrictEqual([]);
	});

	test('updates keep the token unless a new one is given; duplicates are refused', async () => {
		const created = await store.create('doc-A', { demarcheNumber: 7, token: 'premier-jeton-123' });
		await store.update('doc-A', created.id, { filters: { deposeSince: '2026-01-01' }, tablePrefix: 'Aides' });
		expect(await store.token('doc-A', created.id)).toBe('premier-jeton-123');
		await store.update('doc-A', created.id, { token: 'second-jeton-456' });
		expect(await store.token('doc-A', created.id)).toBe('second-jeton-456');
		expect((await store.get('doc-A', created.id)).tablePrefix).toBe('Aides');
		await expect(store.create('doc-A', { demarcheNumber: 7, token: 'x'.repeat(10) })).rejects.toMatchObject({
			code: 'config_exists'
		});
	});

	test('bad input gets a French message and writes nothing', async () => {
		for (const bad of ['12a', '-3', '0', '', '1.5', 'abc']) {
			expect(() => parseDemarcheNumber(bad)).toThrow(/nombre entier positif/);
		}
		await expect(store.create('doc-A', { demarcheNumber: 5, token: 'court' })).rejects.toMatchObject({
			code: 'invalid_token'
		});
		await expect(
			store.create('doc-A', {
				demarcheNumber: 5,
				token: 'jeton-valide-123',
				filters: { states: ['brouillon'] }
			})
		).rejects.toMatchObject({
			code: 'invalid_filter'
		});
		expect(await store.list('doc-A')).toStrictEqual([]);
	});

	test('a configuration cannot point the server at an arbitrary host', () => {
		expect(() => checkDsUrl('https://evil.example/api/v2/graphql', [], true)).toThrow(/n’est pas autorisée/);
		expect(() => checkDsUrl('http://169.254.169.254/latest', [], true)).toThrow(/n’est pas autorisée/);
		expect(() => checkDsUrl('http://127.0.0.1:4010/api/v2/graphql', [], false)).toThrow(
			/n’est pas autorisée/
		);
		expect(checkDsUrl('http://127.0.0.1:4010/api/v2/graphql', [], true)).toBe(
			'http://127.0.0.1:4010/api/v2/graphql'
		);
		expect(
			checkDsUrl(
				'https://demarches.adullact.org/api/v2/graphql',
				['https://demarches.adullact.org/api/v2/graphql'],
				false
			)
		).toBe('https://demarches.adullact.org/api/v2/graphql');
	});
});
