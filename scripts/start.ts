/**
 * `npm start`: serves the built app on 127.0.0.1 with embedded defaults (PGlite under ./data),
 * in demo mode unless PASSERELLE_DEMO=0: a real Grist page (grist-static) holding the widget.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const env = process.env;
env.HOST ??= '127.0.0.1';
env.PORT ??= '5173';
env.PASSERELLE_DEMO ??= '1';
env.ORIGIN ??= `http://${env.HOST}:${env.PORT}`;
// The demo carries bigger bodies than adapter-node's default 512 KB (quote results, pages of rows).
env.BODY_SIZE_LIMIT ??= '20M';

if (!existsSync(resolve(root, 'build/index.js'))) {
	console.error(
		'Aucune version construite : lancez « npm run build » (ou « npm start », qui construit puis démarre).'
	);
	process.exit(1);
}

if (env.PASSERELLE_DEMO === '1') {
	const { startDemoServices } = await import('../server/demo/services.ts');
	await startDemoServices(env);
}

await import(resolve(root, 'build/index.js'));
console.log(`\nPasserelle est prête : ${env.ORIGIN}/ (démo dans Grist) — widget : ${env.ORIGIN}/widget`);
