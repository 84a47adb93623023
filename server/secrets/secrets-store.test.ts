import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import { secretKeyId, type SecretKey } from '../config.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { emptyPgliteTemplate, openTestDatabase } from '../testing/pglite.ts';
import { createSecretsStore } from './secrets-store.ts';

const newKey = (): SecretKey => {
	const key = randomBytes(32);
	return { id: secretKeyId(key), key };
};

async function rejection(promise: Promise<unknown>): Promise<PasserelleError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e
	);
	if (!(error instanceof PasserelleError))
		throw new Error(`expected a PasserelleError, got ${String(error)}`);
	return error;
}

describe('secrets store', () => {
	let database: Database;
	const keyA = newKey();
	const keyB = newKey();
	beforeAll(async () => {
		database = await openTestDatabase();
	});
	afterAll(() => database.close());

	it('round-trips a secret by id and by (doc, kind, name), scoped to its document', async () => {
		const store = createSecretsStore(database, { current: keyA });
		const id = await store.putSecret('doc-1', 'ds_token', 'principal', 'jeton-ds-très-secret');
		expect(id).toMatch(/^[0-9a-f-]{36}$/);
		expect(await store.getSecret(id)).toBe('jeton-ds-très-secret');
		expect(await store.getSecret({ docId: 'doc-1', kind: 'ds_token', name: 'principal' })).toBe(
			'jeton-ds-très-secret'
		);
		expect(await store.hasSecret(id, { docId: 'doc-1' })).toBe(true);
		expect(await store.hasSecret(id, { docId: 'doc-2' })).toBe(false);
		expect((await rejection(store.getSecret(id, { docId: 'doc-2' }))).code).toBe('secret_not_found');

		// Writing the same name again replaces the value and keeps the id.
		expect(await store.putSecret('doc-1', 'ds_token', 'principal', 'nouveau-jeton')).toBe(id);
		expect(await store.getSecret(id)).toBe('nouveau-jeton');
		const listed = await store.listSecrets('doc-1');
		expect(listed.map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest)).toStrictEqual([
			{ id, docId: 'doc-1', kind: 'ds_token', name: 'principal', keyId: keyA.id }
		]);

		expect(await store.deleteSecret(id, { docId: 'doc-2' })).toBe(false);
		expect(await store.deleteSecret(id)).toBe(true);
		expect(await store.hasSecret(id)).toBe(false);
		expect(await store.deleteSecret(id)).toBe(false);
	});

	it('never stores the plaintext, and uses a fresh IV for every write', async () => {
		const store = createSecretsStore(database, { current: keyA });
		const plaintext = 'mot-de-passe-en-clair-123';
		const id = await store.putSecret('doc-iv', 'api_key', 'grist', plaintext);
		const [first] = await database.query('SELECT * FROM secrets WHERE id = $1', [id]);
		await store.putSecret('doc-iv', 'api_key', 'grist', plaintext);
		const [second] = await database.query('SELECT * FROM secrets WHERE id = $1', [id]);
		const dump = JSON.stringify([first, second]);
		for (const form of [
			plaintext,
			Buffer.from(plaintext).toString('base64'),
			Buffer.from(plaintext).toString('hex')
		]) {
			expect(dump).not.toContain(form);
		}
		expect(Buffer.from(String(first!.iv), 'base64')).toHaveLength(12);
		expect(Buffer.from(String(first!.auth_tag), 'base64')).toHaveLength(16);
		expect(first!.iv).not.toBe(second!.iv);
		expect(first!.ciphertext).not.toBe(second!.ciphertext);
		expect(first!.key_id).toBe(keyA.id);
	});

	it('refuses a tampered ciphertext, tag, or a ciphertext moved to another row', async () => {
		const store = createSecretsStore(database, { current: keyA });
		const id = await store.putSecret('doc-t', 'ds_token', 'a', 'valeur-a');
		const other = await store.putSecret('doc-t', 'ds_token', 'b', 'valeur-b');
		const [row] = await database.query<{ ciphertext: string; auth_tag: string }>(
			'SELECT ciphertext, auth_tag FROM secrets WHERE id = $1',
			[id]
		);
		const flipped = Buffer.from(row!.ciphertext, 'base64');
		flipped[0]! ^= 1;
		await database.query('UPDATE secrets SET ciphertext = $1 WHERE id = $2', [
			flipped.toString('base64'),
			id
		]);
		const tampered = await rejection(store.getSecret(id));
		expect([tampered.code, tampered.userMessage]).toStrictEqual([
			'secret_unreadable',
			'Le secret « a » ne peut pas être déchiffré : données altérées ou mauvaise clé. Enregistrez-le de nouveau.'
		]);

		// Swapping a whole valid (ciphertext, iv, tag) from row a onto row b fails too: it is bound to its row.
		await store.putSecret('doc-t', 'ds_token', 'a', 'valeur-a');
		await database.query(
			`UPDATE secrets SET (ciphertext, iv, auth_tag) =
				(SELECT ciphertext, iv, auth_tag FROM secrets WHERE id = $1) WHERE id = $2`,
			[id, other]
		);
		expect((await rejection(store.getSecret(other))).code).toBe('secret_unreadable');
		expect(await store.getSecret(id)).toBe('valeur-a');
	});

	it('refuses to decrypt with a wrong key, and says when the key is unknown', async () => {
		const store = createSecretsStore(database, { current: keyA });
		const id = await store.putSecret('doc-k', 'ds_token', 'main', 'valeur');
		// Same key id but different bytes: the GCM tag check fails.
		const forged = createSecretsStore(database, { current: { id: keyA.id, key: randomBytes(32) } });
		expect((await rejection(forged.getSecret(id))).code).toBe('secret_unreadable');
		const stranger = createSecretsStore(database, { current: keyB });
		const unknown = await rejection(stranger.getSecret(id));
		expect([unknown.code, unknown.details.keyId]).toStrictEqual(['secret_key_unknown', keyA.id]);
	});

	it('rotates every row from the previous key to the current one', async () => {
		await database.exec('DELETE FROM secrets');
		const old = createSecretsStore(database, { current: keyA });
		const ids = await Promise.all(
			['x', 'y', 'z'].map((n) => old.putSecret('doc-r', 'ds_token', n, `valeur-${n}`))
		);
		const lost = await createSecretsStore(database, { current: newKey() }).putSecret(
			'doc-r',
			'other',
			'lost',
			'v'
		);

		const rotating = createSecretsStore(database, { current: keyB, previous: keyA });
		// Before rotation the previous key still reads old rows.
		expect(await rotating.getSecret(ids[0]!)).toBe('valeur-x');
		await rotating.putSecret('doc-r', 'ds_token', 'fresh', 'déjà-sous-B');
		expect(await rotating.rotateSecrets()).toStrictEqual({ rotated: 3, alreadyCurrent: 1, failed: [lost] });

		const rows = await database.query<{ name: string; key_id: string }>(
			`SELECT name, key_id FROM secrets WHERE kind = 'ds_token' ORDER BY name`
		);
		expect(rows).toStrictEqual(['fresh', 'x', 'y', 'z'].map((name) => ({ name, key_id: keyB.id })));
		// Once rotated, the previous key is no longer needed.
		const onlyB = createSecretsStore(database, { current: keyB });
		expect(await Promise.all(ids.map((id) => onlyB.getSecret(id)))).toStrictEqual([
			'valeur-x',
			'valeur-y',
			'valeur-z'
		]);
		expect(await onlyB.rotateSecrets()).toStrictEqual({ rotated: 0, alreadyCurrent: 4, failed: [lost] });
	});

	it('validates names and values', async () => {
		const store = createSecretsStore(database, { current: keyA });
		expect((await rejection(store.putSecret('', 'k', 'n', 'v'))).details).toStrictEqual({ field: 'docId' });
		expect((await rejection(store.putSecret('d', 'k', 'x'.repeat(201), 'v'))).details).toStrictEqual({
			field: 'name'
		});
		expect((await rejection(store.putSecret('d', 'k', 'n', ''))).details).toStrictEqual({
			field: 'plaintext'
		});
	});
});

describe('rotate-cli', () => {
	it('re-encrypts the data folder’s secrets from the environment keys', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-rotate-'));
		try {
			const keyA = newKey();
			const keyB = newKey();
			const seeded = await openDatabase(
				{ databaseUrl: undefined, dataDir },
				{ pgliteTemplate: await emptyPgliteTemplate() }
			);
			await migrate(seeded);
			const id = await createSecretsStore(seeded, { current: keyA }).putSecret(
				'doc',
				'ds_token',
				'n',
				'v-cli'
			);
			await seeded.close();

			const { stdout } = await promisify(execFile)(
				process.execPath,
				[join(import.meta.dirname, 'rotate-cli.ts')],
				{
					env: {
						PATH: process.env.PATH,
						PASSERELLE_DATA_DIR: dataDir,
						PASSERELLE_SECRET_KEY: keyB.key.toString('base64'),
						PASSERELLE_SECRET_KEY_PREVIOUS: keyA.key.toString('hex')
					},
					timeout: 30_000
				}
			);
			expect(stdout.trim()).toBe(
				`Clé courante ${keyB.id} : 1 secret(s) rechiffré(s), 0 déjà à jour, 0 illisible(s).`
			);

			const reopened = await openDatabase({ databaseUrl: undefined, dataDir });
			expect(await createSecretsStore(reopened, { current: keyB }).getSecret(id)).toBe('v-cli');
			await reopened.close();
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
