import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import { builtinModules } from 'node:module';
import svelteConfig from './svelte.config.js';

/**
 * Room boundaries (docs: README "Architecture"). Each room lists what it must not import;
 * `scripts/rooms.test.ts` proves every rule bites on a forbidden import.
 */
const NODE_BUILTINS = {
	paths: builtinModules
		.filter((m) => !m.startsWith('_'))
		.map((name) => ({
			name,
			message: 'Pas de module Node ici : cette pièce tourne aussi dans le navigateur.'
		})),
	patterns: [
		{ group: ['node:*'], message: 'Pas de module Node ici : cette pièce tourne aussi dans le navigateur.' }
	]
};

/** Forbidden aliases, as a regex (gitignore-style groups would read `#…` as a comment). */
const room = (forbidden, message) => ({
	regex: `^(${forbidden.map((f) => f.replace(/[$]/g, '\\$').replace('/*', '/')).join('|')})`,
	message
});

const crossRoom = (names) => ({
	regex: `^(\\.\\./)+(${names.join('|')})(/|$)`,
	message: `Import entre pièces : passez par '#<pièce>/…' et respectez la carte des pièces.`
});

/** Browser-only globals a pure engine must not touch. */
const DOM_AND_NODE_GLOBALS = [
	'window',
	'document',
	'localStorage',
	'sessionStorage',
	'process',
	'Buffer',
	'__dirname',
	'__filename',
	'require'
].map((name) => ({ name, message: 'Les moteurs de worker/ sont purs : ni DOM ni Node.' }));

export default ts.config(
	{
		ignores: [
			'node_modules/',
			'.svelte-kit/',
			'build/',
			'data/',
			'static/',
			'test-results/',
			'playwright-report/',
			'e2e/screenshots/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'@typescript-eslint/consistent-type-imports': 'error',
			'no-console': 'off'
		}
	},
	// worker/: engines, pure TS — may import widget/ only.
	{
		files: ['worker/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: NODE_BUILTINS.paths,
					patterns: [
						...NODE_BUILTINS.patterns,
						room(['#server/*', '#web/*', '$app/*', '$lib/*', '$env/*'], 'worker/ ne dépend que de widget/.'),
						crossRoom(['server', 'web'])
					]
				}
			],
			'no-restricted-globals': ['error', ...DOM_AND_NODE_GLOBALS]
		}
	},
	// widget/: the Grist bridge — depends on nothing of ours, and no Node built-ins.
	{
		files: ['widget/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: NODE_BUILTINS.paths,
					patterns: [
						...NODE_BUILTINS.patterns,
						room(
							['#server/*', '#worker/*', '#web/*', '$app/*', '$lib/*', '$env/*'],
							'widget/ ne dépend de rien du projet.'
						),
						crossRoom(['server', 'worker', 'web'])
					]
				}
			]
		}
	},
	// web/: the UI may reach server/ only from server-side SvelteKit files.
	{
		files: ['web/**'],
		ignores: [
			'web/**/+server.ts',
			'web/**/+page.server.ts',
			'web/**/+layout.server.ts',
			'web/hooks.server.ts'
		],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						room(
							['#server/*'],
							'server/ ne s’importe que depuis +server.ts, +page.server.ts ou hooks.server.ts.'
						),
						crossRoom(['server'])
					]
				}
			]
		}
	},
	// server/: Node only, never the UI.
	{
		files: ['server/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [room(['#web/*', '$app/*'], 'server/ ne dépend pas de l’UI.'), crossRoom(['web'])] }
			]
		}
	}
);
