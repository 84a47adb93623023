import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';

const TYPES: Record<string, string> = {
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.html': 'text/html; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.wasm': 'application/wasm',
	'.png': 'image/png',
	'.svg': 'image/svg+xml',
	'.gif': 'image/gif',
	'.ico': 'image/x-icon',
	'.woff': 'font/woff',
	'.woff2': 'font/woff2',
	'.ttf': 'font/ttf',
	'.map': 'application/json; charset=utf-8',
	'.zip': 'application/zip',
	'.whl': 'application/zip',
	'.txt': 'text/plain; charset=utf-8'
};

/**
 * Serves one file below `root` (an npm package folder): no path escapes the root, and WASM
 * gets `application/wasm` (Pyodide and sql.js refuse anything else).
 */
export async function serveFile(root: string, relative: string): Promise<Response> {
	const base = resolve(root);
	const target = resolve(base, relative.replace(/^\/+/, ''));
	if (target !== base && !target.startsWith(base + sep))
		return new Response('Chemin refusé', { status: 403 });
	try {
		const info = await stat(target);
		if (!info.isFile()) return new Response('Introuvable', { status: 404 });
		const stream = Readable.toWeb(createReadStream(target)) as ReadableStream;
		return new Response(stream, {
			headers: {
				'Content-Type': TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream',
				'Content-Length': String(info.size),
				'Cache-Control': 'public, max-age=3600',
				'Access-Control-Allow-Origin': '*'
			}
		});
	} catch {
		return new Response('Introuvable', { status: 404 });
	}
}

/** grist-static's `dist/` folder, served for the demo and the end-to-end tests. */
export const GRIST_STATIC_DIST = resolve('node_modules/grist-static/dist');
