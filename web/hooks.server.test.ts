import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it, vi } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import { handleError, init } from './hooks.server.ts';

function failure(error: unknown, status = 500) {
	const url = new URL('http://127.0.0.1:3000/api/sync?auth=jeton-secret-123');
	const event = { request: new Request(url), url, route: { id: '/api/sync' } } as unknown as RequestEvent;
	return handleError({ error, event, status, message: 'Internal Error' });
}

describe('handleError', () => {
	it('answers a PasserelleError with its French message and code', () => {
		const error = new PasserelleError('ds_unauthorized', 'Le jeton Démarches Simplifiées a été refusé.');
		expect(failure(error)).toStrictEqual({
			message: 'Le jeton Démarches Simplifiées a été refusé.',
			code: 'ds_unauthorized'
		});
	});

	it('hides the text of unexpected errors, which may carry secrets', () => {
		expect(failure(new Error('connect failed: postgres://u:motdepasse@db/app'))).toStrictEqual({
			message: 'Erreur interne du serveur. L’incident a été journalisé.',
			code: 'internal'
		});
	});

	it('says “page introuvable” for unknown routes', () => {
		expect(failure(new Error('Not found: /nope'), 404)).toStrictEqual({
			message: 'Page introuvable.',
			code: 'not_found'
		});
	});
});

describe('init', () => {
	it('refuses to start in production without a secret key, in French, before touching the database', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-hooks-'));
		vi.stubEnv('NODE_ENV', 'production');
		vi.stubEnv('PASSERELLE_DEMO', '0');
		vi.stubEnv('PASSERELLE_SECRET_KEY', '');
		vi.stubEnv('PASSERELLE_DATA_DIR', dataDir);
		try {
			await expect(init()).rejects.toMatchObject({
				code: 'config_invalid',
				userMessage: expect.stringMatching(/^PASSERELLE_SECRET_KEY est obligatoire en production/)
			});
			expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
		} finally {
			vi.unstubAllEnvs();
			rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
