import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, ne, type SQL } from 'drizzle-orm';
import { PasserelleError } from '#widget/errors.ts';
import type { SecretKey } from '../config.ts';
import { withAdvisoryLock } from '../db/advisory-lock.ts';
import type { Database } from '../db/database.ts';
import { secrets } from '../db/schema.ts';

/** The keys a store encrypts with (current) and still decrypts with (previous). */
export interface SecretKeyring {
	current: SecretKey;
	previous?: SecretKey | undefined;
}

/** Names a secret by where it belongs. */
export interface SecretName {
	docId: string;
	kind: string;
	name: string;
}

/** A secret's row id, or its (document, kind, name). */
export type SecretRef = string | SecretName;

/** What may be shown about a secret: everything but its value. */
export interface SecretInfo extends SecretName {
	id: string;
	keyId: string;
	createdAt: Date;
	updatedAt: Date;
}

/** Outcome of re-encrypting every secret with the current key. */
export interface RotationResult {
	rotated: number;
	alreadyCurrent: number;
	/** Ids of rows no known key could decrypt (left untouched). */
	failed: string[];
}

/** AES-256-GCM secrets over the `secrets` table. */
export interface SecretsStore {
	/** Encrypts and stores (or replaces) a secret; returns its stable id. */
	putSecret(docId: string, kind: string, name: string, plaintext: string): Promise<string>;
	/** Decrypts a secret; with `docId`, a secret of another document counts as missing. */
	getSecret(ref: SecretRef, options?: { docId?: string }): Promise<string>;
	hasSecret(ref: SecretRef, options?: { docId?: string }): Promise<boolean>;
	/** Deletes a secret; returns whether one existed. */
	deleteSecret(ref: SecretRef, options?: { docId?: string }): Promise<boolean>;
	/** The secrets of one document, without their values. */
	listSecrets(docId: string): Promise<SecretInfo[]>;
	/** Re-encrypts every row not yet under the current key (after a key change). */
	rotateSecrets(): Promise<RotationResult>;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const MAX_NAME_LENGTH = 200;
/** Lock name so two instances never rotate at once. */
export const ROTATION_LOCK_KEY = 'passerelle:secrets-rotation';

interface Sealed {
	ciphertext: string;
	iv: string;
	authTag: string;
	keyId: string;
}

/** Binds the ciphertext to its row: a ciphertext copied onto another row fails to decrypt. */
function associatedData({ docId, kind, name }: SecretName): Buffer {
	return Buffer.from(JSON.stringify(['passerelle-secret-v1', docId, kind, name]), 'utf8');
}

function seal(key: SecretKey, owner: SecretName, plaintext: string): Sealed {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv(ALGORITHM, key.key, iv);
	cipher.setAAD(associatedData(owner));
	const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	return {
		ciphertext: ciphertext.toString('base64'),
		iv: iv.toString('base64'),
		authTag: cipher.getAuthTag().toString('base64'),
		keyId: key.id
	};
}

function open(keyring: SecretKeyring, owner: SecretName & { id: string }, sealed: Sealed): string {
	const key = [keyring.current, keyring.previous].find((k) => k?.id === sealed.keyId);
	if (!key) {
		throw new PasserelleError(
			'secret_key_unknown',
			`Le secret « ${owner.name} » a été chiffré avec une clé que le serveur ne connaît plus. Enregistrez-le de nouveau.`,
			false,
			{ details: { secretId: owner.id, keyId: sealed.keyId } }
		);
	}
	try {
		const decipher = createDecipheriv(ALGORITHM, key.key, Buffer.from(sealed.iv, 'base64'));
		decipher.setAAD(associatedData(owner));
		decipher.setAuthTag(Buffer.from(sealed.authTag, 'base64'));
		return Buffer.concat([
			decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
			decipher.final()
		]).toString('utf8');
	} catch (cause) {
		throw new PasserelleError(
			'secret_unreadable',
			`Le secret « ${owner.name} » ne peut pas être déchiffré : données altérées ou mauvaise clé. Enregistrez-le de nouveau.`,
			false,
			{ cause, details: { secretId: owner.id, keyId: sealed.keyId } }
		);
	}
}

function checkPart(label: string, value: unknown): string {
	if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME_LENGTH) {
		throw new PasserelleError(
			'secret_invalid',
			`Secret : « ${label} » doit être un texte non vide de ${MAX_NAME_LENGTH} caractères au plus.`,
			false,
			{ details: { field: label } }
		);
	}
	return value;
}

function whereRef(ref: SecretRef, docId: string | undefined): SQL | undefined {
	const conditions =
		typeof ref === 'string'
			? [eq(secrets.id, ref)]
			: [eq(secrets.docId, ref.docId), eq(secrets.kind, ref.kind), eq(secrets.name, ref.name)];
	if (docId !== undefined) conditions.push(eq(secrets.docId, docId));
	return and(...conditions);
}

function notFound(ref: SecretRef): PasserelleError {
	const label = typeof ref === 'string' ? ref : ref.name;
	return new PasserelleError('secret_not_found', `Aucun secret « ${label} » n’est enregistré.`, false, {
		details: { status: 404 }
	});
}

/** Creates the secrets store over `database`, encrypting with `keyring.current`. */
export function createSecretsStore(database: Database, keyring: SecretKeyring): SecretsStore {
	const { db } = database;

	return {
		async putSecret(docId, kind, name, plaintext) {
			const owner = {
				docId: checkPart('docId', docId),
				kind: checkPart('kind', kind),
				name: checkPart('name', name)
			};
			if (typeof plaintext !== 'string' || plaintext === '') {
				throw new PasserelleError('secret_invalid', 'Le secret à enregistrer est vide.', false, {
					details: { field: 'plaintext' }
				});
			}
			const sealed = seal(keyring.current, owner, plaintext);
			const [row] = await db
				.insert(secrets)
				.values({ id: randomUUID(), ...owner, ...sealed })
				.onConflictDoUpdate({
					target: [secrets.docId, secrets.kind, secrets.name],
					set: { ...sealed, updatedAt: new Date() }
				})
				.returning({ id: secrets.id });
			if (!row) throw new Error('INSERT … RETURNING returned no row');
			return row.id;
		},

		async getSecret(ref, options = {}) {
			const [row] = await db.select().from(secrets).where(whereRef(ref, options.docId)).limit(1);
			if (!row) throw notFound(ref);
			return open(keyring, row, row);
		},

		async hasSecret(ref, options = {}) {
			const rows = await db
				.select({ id: secrets.id })
				.from(secrets)
				.where(whereRef(ref, options.docId))
				.limit(1);
			return rows.length > 0;
		},

		async deleteSecret(ref, options = {}) {
			const rows = await db.delete(secrets).where(whereRef(ref, options.docId)).returning({ id: secrets.id });
			return rows.length > 0;
		},

		async listSecrets(docId) {
			return db
				.select({
					id: secrets.id,
					docId: secrets.docId,
					kind: secrets.kind,
					name: secrets.name,
					keyId: secrets.keyId,
					createdAt: secrets.createdAt,
					updatedAt: secrets.updatedAt
				})
				.from(secrets)
				.where(eq(secrets.docId, docId))
				.orderBy(secrets.kind, secrets.name);
		},

		rotateSecrets() {
			return withAdvisoryLock(database, ROTATION_LOCK_KEY, async () => {
				const result: RotationResult = { rotated: 0, alreadyCurrent: 0, failed: [] };
				const stale = await db.select().from(secrets).where(ne(secrets.keyId, keyring.current.id));
				const [counted] = await database.query<{ n: number }>(
					'SELECT count(*)::int AS n FROM secrets WHERE key_id = $1',
					[keyring.current.id]
				);
				result.alreadyCurrent = counted?.n ?? 0;
				for (const row of stale) {
					let plaintext: string;
					try {
						plaintext = open(keyring, row, row);
					} catch {
						result.failed.push(row.id);
						continue;
					}
					const sealed = seal(keyring.current, row, plaintext);
					// Only replace what we read: a concurrent putSecret already wrote with the current key.
					const updated = await db
						.update(secrets)
						.set({ ...sealed, updatedAt: new Date() })
						.where(and(eq(secrets.id, row.id), eq(secrets.keyId, row.keyId)))
						.returning({ id: secrets.id });
					if (updated.length) result.rotated++;
					else result.alreadyCurrent++;
				}
				return result;
			});
		}
	};
}
