import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeDs, type FakeDs } from '#server/ds-fake/index.ts';
import { startGristDouble, type GristDouble } from '#server/grist-double/index.ts';
import { bindValues } from './sync-ds.ts';

let ds: FakeDs;
let grist: GristDouble;
let garbage: Server;
let garbageUrl = '';
let closedUrl = '';

beforeAll(async () => {
	ds = await startFakeDs({ dossiers: 150, seed: 3, rateLimitPerMinute: 100_000 });
	grist = await startGristDouble();
	garbage = createServer((_req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/html' });
		res.end('<html>Maintenance</html>');
	});
	await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
	garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/api/v2/graphql`;
	const closed = createServer();
	await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
	closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/api/v2/graphql`;
	await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
	await ds?.close();
	await grist?.close();
	garbage?.closeAllConnections();
	await new Promise((resolve) => garbage?.close(resolve));
});

/** Runs the CLI in its own process, exactly as `npm run --silent sync:ds -- …` does. */
function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['server/cli/sync-ds.ts', ...args], {
			cwd: process.cwd(),
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString()));
		child.stderr.on('data', (c: Buffer) => (err += c.toString()));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
	});
}

const base = () => [
	'--ds-url',
	ds.url,
	'--token',
	ds.tokens.valid,
	'--demarche',
	String(ds.demarcheNumber),
	'--grist-url',
	grist.url,
	'--grist-key',
	grist.apiKey,
	'--doc',
	grist.docId
];

const prefix = () => `Demarche_${ds.demarcheNumber}`;

function snapshot(): string {
	const tables = grist.doc.listTables().filter((t) => t.id.startsWith(prefix()));
	return JSON.stringify(tables.map((t) => [t.id, grist.doc.fetchTable(t.id)]));
}

function rows(table: string): Record<string, unknown>[] {
	const data = grist.doc.fetchTable(table);
	return data.id.map((id, i) =>
		Object.fromEntries(Object.keys(data).map((c) => [c, c === 'id' ? id : data[c]![i]]))
	);
}

describe('sync:ds CLI against the fake DS and the Grist double', () => {
	test('full run, a re-run that writes nothing, then exactly the touched and deleted dossiers', async () => {
		const first = await cli([...base(), '--json']);
		expect(first.err).toBe('');
		expect(first.code).toBe(0);
		const summary = JSON.parse(first.out);
		expect(Object.keys(summary)).toStrictEqual([
			'dossiers_seen',
			'rows_upserted',
			'rows_deleted',
			'requests',
			'seconds'
		]);
		// The form with the first page, then one page from each end (both in flight when they meet).
		expect([summary.dossiers_seen, summary.rows_deleted, summary.requests]).toStrictEqual([150, 0, 1 + 2]);
		expect(summary.rows_upserted).toBeGreaterThan(450);
		expect(
			rows(`${prefix()}_dossiers`)
				.map((r) => r.numero)
				.sort()
		).toStrictEqual(
			ds
				.truth()
				.map((d) => d.number)
				.sort()
		);
		expect(rows('Passerelle_etat').map((r) => r.cle)).toStrictEqual([`ds:${ds.demarcheNumber}:${prefix()}`]);

		const before = snapshot();
		const second = await cli([...base(), '--json']);
		expect(JSON.parse(second.out)).toMatchObject({
			dossiers_seen: 0,
			rows_upserted: 0,
			rows_deleted: 0,
			// The form with the (empty) first page, and the deletions.
			requests: 2
		});
		expect(snapshot()).toBe(before);

		const touched = ds.touch({ count: 2 });
		const [removed] = ds.remove({ count: 1 });
		const third = await cli([...base(), '--json']);
		const s3 = JSON.parse(third.out);
		expect([s3.dossiers_seen, s3.rows_upserted > 0, s3.rows_deleted > 0]).toStrictEqual([2, true, true]);
		const dossiers = rows(`${prefix()}_dossiers`);
		expect(dossiers.some((r) => r.numero === removed)).toBe(false);
		for (const table of grist.doc.listTables().filter((t) => t.id.startsWith(prefix()))) {
			expect(rows(table.id).some((r) => r.numero === removed)).toBe(false);
		}
		const truth = new Map(ds.truth().map((d) => [d.number, d]));
		for (const n of touched) {
			const row = dossiers.find((r) => r.numero === n)!;
			expect(row.date_derniere_modification).toBe(
				Math.round(Date.parse(String(truth.get(n)!.dateDerniereModification)) / 1000)
			);
		}
		expect(dossiers.length).toBe(truth.size);
		const runs = rows('Passerelle_syncs').map((r) => [r.mode, r.statut, r.dossiers]);
		expect(runs).toStrictEqual([
			['complete', 'reussie', 150],
			['incrementale', 'reussie', 0],
			['incrementale', 'reussie', 2]
		]);
	});

	test('human summary in French without --json', async () => {
		const run = await cli(base());
		expect(run.code).toBe(0);
		expect(run.out).toMatch(
			/^Synchronisation incrémentale réussie en [\d.]+ s : 0 dossier\(s\) lus, 0 ligne\(s\) écrites, 0 supprimée\(s\), 2 requête\(s\) DS\.\n$/
		);
		expect(run.err).toContain('Lecture du formulaire de la démarche');
	});

	test('bad input: French message, non-zero exit, earlier tables intact', async () => {
		const before = snapshot();
		const writes = () => grist.requests.filter((r) => r.method !== 'GET').length;
		const writesBefore = writes();
		const swap = (flag: string, value: string) => {
			const args = base();
			args[args.indexOf(flag) + 1] = value;
			return [...args, '--json', '--max-attempts', '1'];
		};
		const cases = await Promise.all([
			cli(swap('--token', ds.tokens.expired)),
			cli(swap('--token', ds.tokens.noAccess)),
			cli(swap('--demarche', '12a')),
			cli(swap('--ds-url', closedUrl)),
			cli(swap('--ds-url', garbageUrl))
		]);
		expect(cases.map((c) => [c.code, c.out, c.err.trim()])).toStrictEqual([
			[
				1,
				'',
				'Erreur : Jeton API Démarches Simplifiées refusé ou expiré : créez un nouveau jeton dans « Voir mon profil » sur Démarches Simplifiées, puis enregistrez-le ici.'
			],
			[
				1,
				'',
				`Erreur : Le jeton n’a pas accès à la démarche n° ${ds.demarcheNumber} : vérifiez que cette démarche fait partie du périmètre du jeton (profil administrateur sur Démarches Simplifiées).`
			],
			[
				2,
				'',
				'Erreur : Numéro de démarche invalide : « 12a ». Indiquez un nombre entier positif (le numéro visible dans l’adresse de la démarche).'
			],
			[
				1,
				'',
				`Erreur : Impossible de joindre Démarches Simplifiées (${closedUrl}) : vérifiez l’adresse et la connexion réseau.`
			],
			[
				1,
				'',
				`Erreur : Réponse illisible de Démarches Simplifiées (${garbageUrl}) : l’adresse de l’API est peut-être incorrecte, ou le service en maintenance.`
			]
		]);
		expect(writes()).toBe(writesBefore);
		expect(snapshot()).toBe(before);
	});
});

describe('sync:ds arguments', () => {
	test('a token starting with "-" is taken as the value of --token', () => {
		expect(bindValues(['--token', '-abc_Z', '--json', '--doc', 'd1'], ['token', 'doc'])).toStrictEqual([
			'--token=-abc_Z',
			'--json',
			'--doc=d1'
		]);
	});
});
