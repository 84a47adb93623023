import { randomBytes, randomUUID } from 'node:crypto';
import { secretKeyId, type SecretKey } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import type { Logger } from '../../log.ts';
import { createLogger } from '../../log.ts';
import type { SecretsStore } from '../../secrets/secrets-store.ts';
import { rememberGristUrl, storeApiKey } from '../schedule-store.ts';

/** A fresh AES key for a test secrets store. */
export function testSecretKey(): SecretKey {
	const key = randomBytes(32);
	return { id: secretKeyId(key), key };
}

/** Inserts a démarche configuration row and returns its id. */
export async function insertConfig(
	database: Database,
	docId: string,
	demarcheNumber: number
): Promise<string> {
	const id = randomUUID();
	await database.query(
		`INSERT INTO demarche_configs (id, doc_id, demarche_number, ds_url, table_prefix)
		 VALUES ($1, $2, $3, 'http://127.0.0.1:1/api/v2/graphql', $4)`,
		[id, docId, demarcheNumber, `Demarche_${demarcheNumber}`]
	);
	return id;
}

/** Points a document at a Grist (double) and stores its API key, as the widget would. */
export async function connectDocument(
	database: Database,
	secrets: SecretsStore,
	docId: string,
	gristUrl: string,
	apiKey: string | null
): Promise<void> {
	if (apiKey) await storeApiKey(database, secrets, docId, gristUrl, apiKey, new Date());
	else await rememberGristUrl(database, docId, gristUrl, new Date());
}

/** A logger keeping its JSON lines in memory (and masking secrets like the real one). */
export function memoryLogger(): { log: Logger; lines: string[] } {
	const lines: string[] = [];
	return { log: createLogger({ level: 'debug', write: (line) => lines.push(line) }), lines };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
	check: () => Promise<T | undefined | false> | T | undefined | false,
	timeoutMs: number,
	what = 'condition'
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`Délai dépassé en attendant : ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
