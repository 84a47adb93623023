import { describe, expect, it } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import { createLogger, redact, redactText, REDACTED, type LoggerOptions } from './log.ts';

const JWT =
	'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJkb2NJZCI6ImFiYyIsInVzZXJJZCI6NX0.s1gn4tur3-Xy_zW9qPq8kLmN0oPq';
const DS_TOKEN = 'Zm9vYmFyOjEyMzQ1Njc4OTBhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NQ==';
const GRIST_API_KEY = '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c';

function capture(options: LoggerOptions = {}) {
	const lines: Record<string, unknown>[] = [];
	const raw: string[] = [];
	const log = createLogger({
		now: () => new Date('2026-11-22T10:00:00.000Z'),
		write: (line) => {
			raw.push(line);
			lines.push(JSON.parse(line) as Record<string, unknown>);
		},
		...options
	});
	return { log, lines, raw };
}

describe('redactText', () => {
	it('masks tokens in URLs, headers, connection strings and free text', () => {
		const cases: [string, string][] = [
			[
				`GET https://grist.example.fr/api/docs/abc/tables?auth=${JWT}&x=1`,
				`GET https://grist.example.fr/api/docs/abc/tables?auth=${REDACTED}&x=1`
			],
			[`Authorization: Bearer ${DS_TOKEN}`, `Authorization: ${REDACTED} ${REDACTED}`],
			['bearer abc.def', `bearer ${REDACTED}`],
			['postgres://passerelle:s3cr3t@db:5432/app', `postgres://passerelle:${REDACTED}@db:5432/app`],
			[`le jeton ${JWT} a expiré`, `le jeton ${REDACTED} a expiré`],
			[`DS a refusé ${DS_TOKEN} (401)`, `DS a refusé ${REDACTED} (401)`],
			[`clé ${GRIST_API_KEY}`, `clé ${REDACTED}`],
			['{"api_key":"abc123"}', `{"api_key":"${REDACTED}"}`],
			['x-grist-access-token=abc', `x-grist-access-token=${REDACTED}`]
		];
		expect(cases.map(([input]) => redactText(input))).toStrictEqual(cases.map(([, output]) => output));
	});

	it('leaves ordinary facts readable: ids, uuids, paths, numbers', () => {
		const text =
			'doc fSKbYUzMKtPWEKkZ8Ajwqd démarche 12345 id 3f2a9c1e-8b7d-4c6e-9f0a-1b2c3d4e5f60 ' +
			'at /work/main/server/db/migrate.ts:42:7 (node_modules/drizzle-orm/pg-core/dialect.js:10:3)';
		expect(redactText(text)).toBe(text);
	});

	it('masks registered literal values wherever they appear', () => {
		expect(redactText('la clé est court-mais-secret.', ['court-mais-secret'])).toBe(
			`la clé est ${REDACTED}.`
		);
	});
});

describe('redact', () => {
	it('masks values by key name at any depth, keeps the rest', () => {
		const input = {
			docId: 'abc',
			token: 'x',
			apiKey: 'y',
			headers: { Authorization: 'Basic Zm9v', 'X-Grist-Access-Token': 't', accept: 'application/json' },
			db: { password: 'p', host: 'localhost' },
			list: [{ secret: 's', name: 'DS' }],
			count: 3,
			when: new Date('2026-01-02T03:04:05.000Z')
		};
		expect(redact(input)).toStrictEqual({
			docId: 'abc',
			token: REDACTED,
			apiKey: REDACTED,
			headers: { Authorization: REDACTED, 'X-Grist-Access-Token': REDACTED, accept: 'application/json' },
			db: { password: REDACTED, host: 'localhost' },
			list: [{ secret: REDACTED, name: 'DS' }],
			count: 3,
			when: '2026-01-02T03:04:05.000Z'
		});
	});

	it('survives cycles and Headers objects', () => {
		const node: Record<string, unknown> = { name: 'a' };
		node.self = node;
		expect(redact(node)).toStrictEqual({ name: 'a', self: '[circulaire]' });
		const headers = new Headers({ authorization: `Bearer ${JWT}`, 'content-type': 'text/plain' });
		expect(redact({ headers })).toStrictEqual({
			headers: { authorization: REDACTED, 'content-type': 'text/plain' }
		});
	});
});

describe('createLogger', () => {
	it('writes one JSON line per entry with time, level, message and masked fields', () => {
		const { log, lines } = capture({ base: { service: 'passerelle' } });
		log.child({ docId: 'doc-1' }).info(`appel ${'https://g.fr/api/docs/doc-1?auth=' + JWT}`, {
			token: JWT,
			status: 200
		});
		expect(lines).toStrictEqual([
			{
				time: '2026-11-22T10:00:00.000Z',
				level: 'info',
				msg: `appel https://g.fr/api/docs/doc-1?auth=${REDACTED}`,
				service: 'passerelle',
				docId: 'doc-1',
				token: REDACTED,
				status: 200
			}
		]);
	});

	it('serialises errors (code, cause, stack) without leaking what they carry', () => {
		const { log, lines, raw } = capture();
		const cause = new Error(`fetch failed for https://ds.fr/api?token=${DS_TOKEN}`);
		const error = new PasserelleError('ds_unauthorized', 'Jeton DS refusé.', false, {
			cause,
			details: { status: 401, authorization: `Bearer ${DS_TOKEN}` }
		});
		log.error('échec de la synchronisation', { error });
		const logged = lines[0]!.error as Record<string, unknown>;
		expect(logged.name).toBe('PasserelleError');
		expect(logged.code).toBe('ds_unauthorized');
		expect(logged.details).toStrictEqual({ status: 401, authorization: REDACTED });
		expect((logged.cause as Record<string, unknown>).message).toBe(
			`fetch failed for https://ds.fr/api?token=${REDACTED}`
		);
		expect(String(logged.stack)).toContain('log.test.ts');
		expect(raw.join('\n')).not.toContain(DS_TOKEN.slice(0, 20));
	});

	it('masks secret values registered at runtime, in children too', () => {
		const { log, raw } = capture();
		const child = log.child({ job: 'sync' });
		log.addSecretValue('mot-de-passe-maison');
		child.warn('connexion avec mot-de-passe-maison refusée', { note: 'mot-de-passe-maison' });
		expect(raw.join('')).not.toContain('mot-de-passe-maison');
	});

	it('drops entries below the level', () => {
		const { log, lines } = capture({ level: 'warn' });
		log.debug('d');
		log.info('i');
		log.warn('w');
		log.error('e');
		expect(lines.map((l) => l.level)).toStrictEqual(['warn', 'error']);
		const silent = capture({ level: 'silent' });
		silent.log.error('e');
		expect(silent.lines).toStrictEqual([]);
	});
});
