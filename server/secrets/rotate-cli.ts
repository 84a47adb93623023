/**
 * Re-encrypts every stored secret with the current key (`npm run secrets:rotate`).
 * Steps: set the new key in PASSERELLE_SECRET_KEY and the old one in
 * PASSERELLE_SECRET_KEY_PREVIOUS, run this, then remove the previous key.
 */
import { toErrorPayload } from '#widget/errors.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { createLogger } from '../log.ts';
import { createSecretsStore } from './secrets-store.ts';

/** Runs the rotation from the environment; returns the process exit code. */
export async function rotateFromEnv(env: Record<string, string | undefined> = process.env): Promise<number> {
	const log = createLogger({ level: 'warn' });
	try {
		const config = loadConfig(env);
		const database = await openDatabase(config);
		try {
			await migrate(database);
			const store = createSecretsStore(database, config.secretKeys);
			const result = await store.rotateSecrets();
			console.log(
				`Clé courante ${config.secretKeys.current.id} : ${result.rotated} secret(s) rechiffré(s), ` +
					`${result.alreadyCurrent} déjà à jour, ${result.failed.length} illisible(s).`
			);
			if (result.failed.length) {
				console.error(
					`Secrets illisibles avec les clés fournies (à ressaisir) : ${result.failed.join(', ')}. ` +
						'Vérifiez PASSERELLE_SECRET_KEY_PREVIOUS.'
				);
				return 1;
			}
			return 0;
		} finally {
			await database.close();
		}
	} catch (error) {
		log.error('Rotation des secrets impossible', { error });
		console.error(`Rotation impossible : ${toErrorPayload(error).message}`);
		return 1;
	}
}

if (import.meta.main) process.exitCode = await rotateFromEnv();
