/**
 * `npm test`: every check, in order — format + lint, type check, unit tests (vitest), build,
 * end-to-end tests (Playwright in Debian's Chromium, inside grist-static). Installs Chromium and
 * PostgreSQL with apt when missing and running as root (fresh Debian, CI).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, globSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);

function have(paths: string[]): boolean {
	return paths.some((p) => (p.includes('*') ? globSync(p).length > 0 : existsSync(p)));
}

const missing: string[] = [];
if (!have(['/usr/bin/chromium'])) missing.push('chromium');
if (!have(['/usr/lib/postgresql/*/bin/initdb'])) missing.push('postgresql');
if (missing.length > 0) {
	if (process.getuid?.() === 0) {
		console.log(`Installation de ${missing.join(', ')} (apt-get)…`);
		run('apt-get', ['update', '-qq']);
		if (!run('apt-get', ['install', '-y', '-qq', ...missing])) process.exit(1);
	} else {
		console.error(`Il manque ${missing.join(', ')} : sudo apt-get install -y ${missing.join(' ')}`);
		process.exit(1);
	}
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): boolean {
	const started = Date.now();
	const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
	console.log(
		`— ${cmd} ${args.join(' ')} : ${res.status === 0 ? 'ok' : 'ÉCHEC'} (${Math.round((Date.now() - started) / 1000)} s)`
	);
	return res.status === 0;
}

const npx = (args: string[], env?: Record<string, string>) => run('npx', args, env);
const steps: [string, () => boolean][] = [
	['format', () => npx(['prettier', '--check', '.'])],
	['lint', () => npx(['eslint', '.'])],
	[
		'types',
		() =>
			npx(['svelte-kit', 'sync']) &&
			npx(['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings'])
	],
	[
		'unit',
		() =>
			npx([
				'vitest',
				'run',
				'--reporter=default',
				'--reporter=json',
				'--outputFile.json=.test-reports/vitest.json'
			])
	],
	['build', () => run('npm', ['run', 'build'])],
	[
		'e2e',
		() =>
			npx(['playwright', 'test', '--reporter=list,json'], {
				PLAYWRIGHT_JSON_OUTPUT_NAME: '.test-reports/e2e.json'
			})
	]
];

// Reports live outside test-results/, which Playwright empties when it starts.
rmSync('.test-reports', { recursive: true, force: true });
const failed: string[] = [];
for (const [name, step] of steps) {
	console.log(`\n=== ${name} ===`);
	if (!step()) failed.push(name);
	// Nothing downstream of a broken build can pass.
	if (name === 'build' && failed.includes('build')) break;
}

/** Counts from the runners' JSON reports. */
function counts(): { passed: number; failed: number; skipped: number } {
	const total = { passed: 0, failed: 0, skipped: 0 };
	try {
		const v = JSON.parse(readFileSync('.test-reports/vitest.json', 'utf8')) as {
			numPassedTests: number;
			numFailedTests: number;
			numPendingTests: number;
		};
		total.passed += v.numPassedTests;
		total.failed += v.numFailedTests;
		total.skipped += v.numPendingTests;
	} catch {
		/* unit step did not run */
	}
	try {
		const p = JSON.parse(readFileSync('.test-reports/e2e.json', 'utf8')) as {
			stats: { expected: number; unexpected: number; flaky: number; skipped: number };
		};
		total.passed += p.stats.expected + p.stats.flaky;
		total.failed += p.stats.unexpected;
		total.skipped += p.stats.skipped;
	} catch {
		/* e2e step did not run */
	}
	return total;
}

const c = counts();
console.log(failed.length ? `\nÉtapes en échec : ${failed.join(', ')}` : '\nToutes les étapes sont passées.');
console.log(
	`Tests: ${c.passed} passed, ${c.failed + (failed.length && c.failed === 0 ? 1 : 0)} failed, ${c.skipped} skipped`
);
process.exit(failed.length ? 1 : 0);
