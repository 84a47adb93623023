import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** Rule ids ESLint reports for `code` as if it were the file at `path`. */
async function violations(path: string, code: string): Promise<string[]> {
	const [result] = await eslint.lintText(code, { filePath: path });
	return (result?.messages ?? []).map((m) => m.ruleId ?? m.message).filter((r) => /restricted/.test(r));
}

describe('room boundaries are enforced by the linter', () => {
	test.each([
		['worker/x.ts', "import { readFile } from 'node:fs/promises';\nexport const f = readFile;"],
		['worker/x.ts', "import path from 'path';\nexport const p = path;"],
		['worker/x.ts', "import { openDatabase } from '#server/db/index.ts';\nexport const o = openDatabase;"],
		['worker/x.ts', "import { x } from '../server/db/index.ts';\nexport const y = x;"],
		['worker/x.ts', 'export const w = window.location;'],
		['worker/x.ts', 'export const p = process.env;'],
		['widget/x.ts', "import { runDsSync } from '#worker/ds/index.ts';\nexport const r = runDsSync;"],
		['widget/x.ts', "import { createServer } from 'node:http';\nexport const c = createServer;"],
		['web/lib/x.ts', "import { openDatabase } from '#server/db/index.ts';\nexport const o = openDatabase;"],
		[
			'web/routes/page/+page.ts',
			"import { openDatabase } from '#server/db/index.ts';\nexport const o = openDatabase;"
		],
		['server/x.ts', "import { session } from '#web/lib/grist-session.svelte.ts';\nexport const s = session;"]
	])('%s rejects: %s', async (path, code) => {
		expect(await violations(path, code)).not.toStrictEqual([]);
	});

	test.each([
		[
			'worker/x.ts',
			"import { createGristPort } from '#widget/grist-port.ts';\nexport const c = createGristPort;"
		],
		[
			'server/x.ts',
			"import { readFile } from 'node:fs/promises';\nimport { createGristPort } from '#widget/grist-port.ts';\nexport const c = [readFile, createGristPort];"
		],
		[
			'web/routes/api/x/+server.ts',
			"import { openDatabase } from '#server/db/index.ts';\nexport const o = openDatabase;"
		],
		[
			'web/hooks.server.ts',
			"import { openDatabase } from '#server/db/index.ts';\nexport const o = openDatabase;"
		]
	])('%s allows: %s', async (path, code) => {
		expect(await violations(path, code)).toStrictEqual([]);
	});
});
