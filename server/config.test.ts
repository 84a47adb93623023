import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import packageJson from '../package.json' with { type: 'json' };
import { loadConfig, parseSecretKey, secretKeyId } from './config.ts';

const dirs: string[] = [];
function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-config-'));
	dirs.push(dir);
	return dir;
}
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configError(fn: () => unknown): PasserelleError {
	try {
		fn();
	} catch (error) {
		if (error instanceof PasserelleError) return error;
		throw error;
	}
	throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
	it('applies defaults and generates a 0600 key file on first run, reused afterwards', () => {
		const root = tempDir();
		const dataDir = join(root, 'nested', 'data');
		const config = loadConfig({ PASSERELLE_DATA_DIR: dataDir });
		const keyFile = join(dataDir, 'secret.key');
		expect({ ...config, secretKeys: undefined }).toStrictEqual({
			port: 3000,
			host: '127.0.0.1',
			databaseUrl: undefined,
			dataDir,
			secretKeys: undefined,
			secretKeySource: 'file',
			demo: false,
			gristOrigins: [],
			nodeEnv: 'development',
			production: false,
			logLevel: 'info',
			version: packageJson.version
		});
		expect(statSync(keyFile).mode & 0o777).toBe(0o600);
		const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
		expect(config.secretKeys.current).toStrictEqual({ id: secretKeyId(key), key });
		expect(config.secretKeys.previous).toBeUndefined();
		expect(loadConfig({ PASSERELLE_DATA_DIR: dataDir }).secretKeys.current.id).toBe(
			config.secretKeys.current.id
		);
	});

	it('refuses to start in production without PASSERELLE_SECRET_KEY, in French, creating no key file', () => {
		const dataDir = tempDir();
		const error = configError(() => loadConfig({ NODE_ENV: 'production', PASSERELLE_DATA_DIR: dataDir }));
		expect(error.code).toBe('config_invalid');
		expect(error.details).toStrictEqual({ variable: 'PASSERELLE_SECRET_KEY' });
		expect(error.userMessage).toMatch(/^PASSERELLE_SECRET_KEY est obligatoire en production/);
		expect(existsSync(join(dataDir, 'secret.key'))).toBe(false);
	});

	it('accepts production with a key from the environment, and demo mode with a key file', () => {
		const dataDir = tempDir();
		const key = randomBytes(32);
		const production = loadConfig({
			NODE_ENV: 'production',
			PASSERELLE_DATA_DIR: dataDir,
			PASSERELLE_SECRET_KEY: key.toString('base64'),
			PASSERELLE_SECRET_KEY_PREVIOUS: randomBytes(32).toString('hex'),
			DATABASE_URL: 'postgres://u:p@db:5432/passerelle',
			PORT: '8080',
			HOST: '0.0.0.0'
		});
		expect(production.production).toBe(true);
		expect(production.secretKeySource).toBe('env');
		expect(production.secretKeys.current.key).toStrictEqual(key);
		expect(production.secretKeys.previous?.key).toHaveLength(32);
		expect([production.port, production.host, production.databaseUrl]).toStrictEqual([
			8080,
			'0.0.0.0',
			'postgres://u:p@db:5432/passerelle'
		]);
		expect(existsSync(join(dataDir, 'secret.key'))).toBe(false);

		const demo = loadConfig({ NODE_ENV: 'production', PASSERELLE_DEMO: '1', PASSERELLE_DATA_DIR: dataDir });
		expect([demo.demo, demo.production, demo.secretKeySource]).toStrictEqual([true, false, 'file']);
	});

	it('normalises GRIST_ORIGINS and refuses paths or other schemes', () => {
		const dataDir = tempDir();
		const config = loadConfig({
			PASSERELLE_DATA_DIR: dataDir,
			GRIST_ORIGINS:
				' https://grist.numerique.gouv.fr/ , http://127.0.0.1:8484,https://grist.numerique.gouv.fr'
		});
		expect(config.gristOrigins).toStrictEqual(['https://grist.numerique.gouv.fr', 'http://127.0.0.1:8484']);
		for (const bad of ['https://grist.example.fr/o/team', 'ftp://grist.example.fr', 'pas une url']) {
			const error = configError(() => loadConfig({ PASSERELLE_DATA_DIR: dataDir, GRIST_ORIGINS: bad }));
			expect(error.details).toStrictEqual({ variable: 'GRIST_ORIGINS' });
		}
	});

	it('names the faulty variable for bad keys, ports, demo flags and database URLs', () => {
		const dataDir = tempDir();
		const cases: [Record<string, string>, string][] = [
			[{ PASSERELLE_SECRET_KEY: 'trop-courte' }, 'PASSERELLE_SECRET_KEY'],
			[{ PASSERELLE_SECRET_KEY_PREVIOUS: 'ab'.repeat(31) }, 'PASSERELLE_SECRET_KEY_PREVIOUS'],
			[{ PORT: '70000' }, 'PORT'],
			[{ PASSERELLE_DEMO: 'oui' }, 'PASSERELLE_DEMO'],
			[{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
			[{ PASSERELLE_LOG_LEVEL: 'bavard' }, 'PASSERELLE_LOG_LEVEL']
		];
		for (const [env, variable] of cases) {
			const error = configError(() => loadConfig({ PASSERELLE_DATA_DIR: dataDir, ...env }));
			expect([error.code, error.details.variable]).toStrictEqual(['config_invalid', variable]);
		}
	});
});

describe('parseSecretKey', () => {
	it('reads hex, base64 and base64url forms of the same 32 bytes', () => {
		const key = randomBytes(32);
		const forms = [key.toString('hex'), key.toString('base64'), key.toString('base64url')];
		expect(forms.map((f) => parseSecretKey(f, 'K'))).toStrictEqual(
			forms.map(() => ({ id: secretKeyId(key), key }))
		);
		expect(secretKeyId(key)).toMatch(/^[0-9a-f]{16}$/);
		expect(secretKeyId(key)).not.toBe(secretKeyId(randomBytes(32)));
	});
});
