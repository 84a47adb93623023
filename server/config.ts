import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, openSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PasserelleError } from '#widget/errors.ts';
import packageJson from '../package.json' with { type: 'json' };

/** One AES-256 key and the id stored beside every row it encrypted. */
export interface SecretKey {
	/** Short fingerprint of the key (never the key itself), stored in `secrets.key_id`. */
	id: string;
	/** 32 raw bytes. */
	key: Buffer;
}

/** Log levels, from the most to the least verbose. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The validated server configuration, read once at startup by `loadConfig`. */
export interface ServerConfig {
	port: number;
	host: string;
	/** PostgreSQL connection string; undefined means embedded PGlite under `dataDir`. */
	databaseUrl: string | undefined;
	/** Absolute path of the data folder (created on first run). */
	dataDir: string;
	/** Key used for new encryptions, and the previous one still accepted for reading. */
	secretKeys: { current: SecretKey; previous: SecretKey | undefined };
	/** Where the current key came from: the environment or the generated `<dataDir>/secret.key`. */
	secretKeySource: 'env' | 'file';
	/** Demo mode (`PASSERELLE_DEMO=1`): grist-static, loopback callers, no access tokens. */
	demo: boolean;
	/** Exact Grist origins allowed to call the server, e.g. `https://grist.numerique.gouv.fr`. */
	gristOrigins: string[];
	nodeEnv: string;
	/** `NODE_ENV=production` and not demo: secrets must come from the environment. */
	production: boolean;
	logLevel: LogLevel;
	/** The application version (package.json). */
	version: string;
}

/** Code of every configuration error (startup must stop, the message says what to fix). */
export const CONFIG_ERROR_CODE = 'config_invalid';

const KEY_FILE_NAME = 'secret.key';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** A French configuration error naming the environment variable at fault. */
export function configError(message: string, variable: string): PasserelleError {
	return new PasserelleError(CONFIG_ERROR_CODE, message, false, { details: { variable } });
}

/** Short, stable fingerprint of a key, so rows say which key encrypted them without revealing it. */
export function secretKeyId(key: Buffer): string {
	return createHash('sha256').update('passerelle-secret-key-id:').update(key).digest('hex').slice(0, 16);
}

/** Decodes a 32-byte key written as 64 hex characters or as base64 / base64url. */
export function parseSecretKey(text: string, variable: string): SecretKey {
	const value = text.trim();
	let key: Buffer | undefined;
	if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex');
	else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) key = Buffer.from(value, 'base64');
	if (!key || key.length !== 32) {
		throw configError(
			`${variable} doit contenir une clé de 32 octets, en hexadécimal (64 caractères) ou en base64 (44 caractères). ` +
				'Générez-en une avec : openssl rand -base64 32',
			variable
		);
	}
	return { id: secretKeyId(key), key };
}

/** Returns the key of `<dataDir>/secret.key`, creating it (mode 0600) on first run. */
function keyFromFile(dataDir: string): SecretKey {
	const path = join(dataDir, KEY_FILE_NAME);
	try {
		// 'wx' fails if the file exists, so two processes starting together never overwrite a key.
		const fd = openSync(path, 'wx', 0o600);
		try {
			writeSync(fd, randomBytes(32).toString('base64') + '\n');
		} finally {
			closeSync(fd);
		}
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
			throw configError(
				`Impossible de créer le fichier de clé ${path} : ${(error as Error).message}`,
				'PASSERELLE_DATA_DIR'
			);
		}
	}
	// A key file readable by others is a leak waiting to happen: tighten it.
	if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
	return parseSecretKey(readFileSync(path, 'utf8'), path);
}

function parseOrigins(text: string | undefined): string[] {
	if (!text?.trim()) return [];
	const origins: string[] = [];
	for (const raw of text.split(',')) {
		const item = raw.trim();
		if (!item) continue;
		let url: URL;
		try {
			url = new URL(item);
		} catch {
			throw configError(`GRIST_ORIGINS : « ${item} » n’est pas une adresse valide.`, 'GRIST_ORIGINS');
		}
		if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== item.replace(/\/$/, '')) {
			throw configError(
				`GRIST_ORIGINS : « ${item} » doit être une origine seule, par exemple https://grist.numerique.gouv.fr (sans chemin).`,
				'GRIST_ORIGINS'
			);
		}
		if (!origins.includes(url.origin)) origins.push(url.origin);
	}
	return origins;
}

function parsePort(text: string | undefined): number {
	if (text === undefined || text.trim() === '') return 3000;
	const port = Number(text);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw configError(`PORT doit être un entier entre 0 et 65535 (reçu « ${text} »).`, 'PORT');
	}
	return port;
}

/**
 * Reads and validates the configuration from `env`; creates the data folder and, outside
 * production, the generated key file. Throws a PasserelleError (`config_invalid`) with a French
 * message when the server must not start.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
	const nodeEnv = env.NODE_ENV?.trim() || 'development';
	const demoText = env.PASSERELLE_DEMO?.trim() ?? '';
	if (demoText !== '' && demoText !== '0' && demoText !== '1') {
		throw configError(`PASSERELLE_DEMO vaut 1 (démo) ou 0 (reçu « ${demoText} »).`, 'PASSERELLE_DEMO');
	}
	const demo = demoText === '1';
	const production = nodeEnv === 'production' && !demo;

	const logLevelText = (env.PASSERELLE_LOG_LEVEL?.trim() || 'info') as LogLevel;
	if (!LOG_LEVELS.includes(logLevelText)) {
		throw configError(
			`PASSERELLE_LOG_LEVEL vaut ${LOG_LEVELS.join(', ')} (reçu « ${logLevelText} »).`,
			'PASSERELLE_LOG_LEVEL'
		);
	}

	const databaseUrl = env.DATABASE_URL?.trim() || undefined;
	if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
		throw configError('DATABASE_URL doit commencer par postgres:// ou postgresql://.', 'DATABASE_URL');
	}

	const dataDir = resolve(env.PASSERELLE_DATA_DIR?.trim() || './data');
	const keyText = env.PASSERELLE_SECRET_KEY?.trim();
	if (production && !keyText) {
		throw configError(
			'PASSERELLE_SECRET_KEY est obligatoire en production : le serveur refuse de démarrer sans clé de chiffrement. ' +
				'Générez-en une avec « openssl rand -base64 32 » et gardez-la hors du dépôt.',
			'PASSERELLE_SECRET_KEY'
		);
	}
	try {
		mkdirSync(dataDir, { recursive: true });
	} catch (error) {
		throw configError(
			`Impossible de créer le dossier de données ${dataDir} : ${(error as Error).message}`,
			'PASSERELLE_DATA_DIR'
		);
	}
	const current = keyText ? parseSecretKey(keyText, 'PASSERELLE_SECRET_KEY') : keyFromFile(dataDir);
	const previousText = env.PASSERELLE_SECRET_KEY_PREVIOUS?.trim();
	const previous = previousText ? parseSecretKey(previousText, 'PASSERELLE_SECRET_KEY_PREVIOUS') : undefined;

	return {
		port: parsePort(env.PORT),
		host: env.HOST?.trim() || '127.0.0.1',
		databaseUrl,
		dataDir,
		secretKeys: { current, previous: previous?.id === current.id ? undefined : previous },
		secretKeySource: keyText ? 'env' : 'file',
		demo,
		gristOrigins: parseOrigins(env.GRIST_ORIGINS),
		nodeEnv,
		production,
		logLevel: logLevelText,
		version: packageJson.version
	};
}
