import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { loadConfig } from './config.ts';
import { checkHealth, createContext, type AppContext } from './context.ts';
import { loadMigrations, MIGRATIONS_TABLE } from './db/migrate.ts';
import { createLogger } from './log.ts';
import { emptyPgliteTemplate } from './testing/pglite.ts';

describe('app context and health', () => {
	const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-context-'));
	afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

	it('opens and migrates the database, wires secrets, masks the key in logs, and reports health', async () => {
		const config = loadConfig({ PASSERELLE_DATA_DIR: dataDir, PASSERELLE_DEMO: '1' });
		const lines: string[] = [];
		const log = createLogger({ write: (line) => lines.push(line) });
		const context: AppContext = await createContext(config, {
			database: { pgliteDataDir: 'memory://', pgliteTemplate: await emptyPgliteTemplate() },
			log
		});
		try {
			expect(await context.db.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`)).toStrictEqual(
				loadMigrations().map(({ name }) => ({ name }))
			);
			const id = await context.secrets.putSecret('demo:atelier', 'ds_token', 'principal', 'jeton');
			expect(await context.secrets.getSecret(id)).toBe('jeton');

			const keyText = config.secretKeys.current.key.toString('base64');
			context.log.info(`clé ${keyText}`);
			expect(lines.join('\n')).not.toContain(keyText);
			expect(JSON.parse(lines.at(-1)!).msg).toBe('clé [masqué]');

			expect(await checkHealth(() => Promise.resolve(context))).toStrictEqual({
				status: 200,
				body: { status: 'ok', version: packageJson.version, database: 'pglite', demo: true }
			});
		} finally {
			await context.db.close();
		}
		// Once the database is gone, health says so in French with a 503.
		expect(await checkHealth(() => Promise.resolve(context))).toStrictEqual({
			status: 503,
			body: {
				status: 'error',
				code: 'db_unavailable',
				message: 'La base de données ne répond pas : le service est momentanément indisponible.'
			}
		});
	});

	it('reports a configuration error as 503 with its French message', async () => {
		const result = await checkHealth(async () => {
			loadConfig({ NODE_ENV: 'production', PASSERELLE_DATA_DIR: dataDir });
			throw new Error('unreachable');
		});
		expect(result.status).toBe(503);
		expect(result.body).toMatchObject({ status: 'error', code: 'config_invalid' });
		expect(result.body.status === 'error' && result.body.message).toMatch(
			/^PASSERELLE_SECRET_KEY est obligatoire/
		);
	});
});
