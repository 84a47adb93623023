/**
 * Copies the browser assets that come from npm packages into `static/vendor/` (git-ignored):
 * the Grist widget API, pdf.js's worker and data, tesseract's worker, core and `fra` data.
 * Nothing is fetched from a CDN at run time.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { READER_ASSET_SOURCES } from '#worker/quotes/read/reader-assets.ts';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, 'static/vendor');

/** [source in node_modules, destination under static/vendor]: the widget API, then the reader's assets. */
export const ASSETS: [string, string][] = [
	['grist-static/dist/grist-plugin-api.js', 'grist-plugin-api.js'],
	...READER_ASSET_SOURCES.map((a): [string, string] => [a.from, a.to])
];

rmSync(out, { recursive: true, force: true });
for (const [from, to] of ASSETS) {
	const source = resolve(root, 'node_modules', from);
	if (!existsSync(source))
		throw new Error(`Fichier attendu introuvable : node_modules/${from} (lancez npm ci).`);
	const target = resolve(out, to);
	mkdirSync(dirname(target), { recursive: true });
	cpSync(source, target, { recursive: true, filter: (p) => !/\.(md|map)$|package\.json$/.test(p) });
}
console.log(`Ressources copiées dans static/vendor (${ASSETS.length} entrées).`);
