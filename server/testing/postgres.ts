import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, it } from 'vitest';

/** A throwaway PostgreSQL cluster for one test file. */
export interface TestPostgres {
	/** Connection string of the `postgres` database (user `postgres`, no password, 127.0.0.1). */
	url: string;
	/** Connection string of another database on the same cluster. */
	urlFor(database: string): string;
	/** Creates an empty database and returns its connection string. */
	createDatabase(name: string): Promise<string>;
	/** Stops the server and deletes its files. */
	stop(): Promise<void>;
}

/** Folder holding `initdb` and `pg_ctl` (newest installed version), or undefined. */
export function findPostgresBin(root = '/usr/lib/postgresql'): string | undefined {
	let versions: string[];
	try {
		versions = readdirSync(root);
	} catch {
		return undefined;
	}
	const sorted = versions.filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
	for (const version of sorted) {
		const bin = join(root, version, 'bin');
		if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
	}
	return undefined;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailableReason(): string | undefined {
	if (!findPostgresBin())
		return 'PostgreSQL absent (/usr/lib/postgresql/*/bin) : apt-get install -y postgresql';
	if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) {
		return 'utilisateur système « postgres » absent (initdb refuse de tourner en root)';
	}
	return undefined;
}

/**
 * `describe` for suites needing a real PostgreSQL: skipped visibly (reason in the title) when it
 * is missing in development, but failing when `CI` is set, since CI installs it.
 */
export function describePostgres(name: string, fn: () => void): void {
	const reason = postgresUnavailableReason();
	if (!reason) {
		describe(name, fn);
	} else if (process.env.CI) {
		describe(name, () => {
			it('needs PostgreSQL in CI', () => {
				throw new Error(`PostgreSQL requis en CI : ${reason}`);
			});
		});
	} else {
		describe.skip(`${name} [ignoré : ${reason}]`, fn);
	}
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/**
 * Starts a PostgreSQL server in a temporary folder on 127.0.0.1 and a free port. As root it
 * runs as the `postgres` system user (initdb refuses root).
 */
export async function startPostgres(): Promise<TestPostgres> {
	const bin = findPostgresBin();
	if (!bin) throw new Error('PostgreSQL introuvable sous /usr/lib/postgresql/*/bin');
	const asRoot = process.getuid?.() === 0;
	const run = (command: string, args: string[]) => {
		const [file, argv] = asRoot
			? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]]
			: [join(bin, command), args];
		return execFileSync(file, argv, { stdio: 'pipe', timeout: 60_000 });
	};
	const root = mkdtempSync(join(tmpdir(), 'passerelle-pg-'));
	if (asRoot) {
		const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
		chownSync(root, uid, gid);
	}
	const data = join(root, 'data');
	let started = false;
	const stopSync = () => {
		if (started) {
			started = false;
			try {
				run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
			} catch {
				// Already gone.
			}
		}
		rmSync(root, { recursive: true, force: true });
	};
	// A crashed test run must not leave a server behind.
	process.once('exit', stopSync);
	try {
		run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
		let port = 0;
		for (let attempt = 0; ; attempt++) {
			port = await freePort();
			const options = [
				`-h 127.0.0.1 -p ${port} -k ${root}`,
				'-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
				'-c shared_buffers=16MB -c max_connections=40'
			].join(' ');
			try {
				run('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-o', options, '-w', '-t', '30', 'start']);
				started = true;
				break;
			} catch (error) {
				// Another process may have taken the port between probe and start.
				if (attempt >= 2) throw error;
			}
		}
		const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
		return {
			url: urlFor('postgres'),
			urlFor,
			async createDatabase(name) {
				if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Nom de base invalide : ${name}`);
				const client = new pg.Client({ connectionString: urlFor('postgres') });
				await client.connect();
				try {
					await client.query(`CREATE DATABASE ${name}`);
				} finally {
					await client.end();
				}
				return urlFor(name);
			},
			async stop() {
				process.removeListener('exit', stopSync);
				stopSync();
			}
		};
	} catch (error) {
		process.removeListener('exit', stopSync);
		stopSync();
		const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
		throw new Error(`PostgreSQL de test n’a pas démarré : ${(error as Error).message}\n${stderr}`, {
			cause: error
		});
	}
}
