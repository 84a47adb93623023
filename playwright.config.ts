import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PORT = Number(process.env.E2E_PORT ?? 4321);
const DS_PORT = Number(process.env.E2E_DS_PORT ?? 4322);
const baseURL = `http://127.0.0.1:${PORT}`;
const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-e2e-'));

/** End-to-end tests: the built app, in demo mode, driven in Debian's Chromium; nothing leaves 127.0.0.1. */
export default defineConfig({
	testDir: 'e2e',
	testMatch: '**/*.e2e.ts',
	workers: 1,
	timeout: 240_000,
	expect: { timeout: 30_000 },
	reporter: [['list']],
	outputDir: 'test-results',
	use: {
		baseURL,
		viewport: { width: 1400, height: 900 },
		locale: 'fr-FR',
		timezoneId: 'Europe/Paris',
		launchOptions: {
			executablePath: '/usr/bin/chromium',
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		},
		screenshot: 'only-on-failure',
		trace: 'off'
	},
	webServer: {
		command: 'node scripts/start.ts',
		url: `${baseURL}/api/health`,
		timeout: 120_000,
		reuseExistingServer: false,
		stdout: 'pipe',
		env: {
			DEMO_DS_PORT: String(DS_PORT),
			DEMO_DS_DOSSIERS: '500',
			DEMO_DS_RATE_WINDOW_SECONDS: '5',
			PORT: String(PORT),
			HOST: '127.0.0.1',
			PASSERELLE_DEMO: '1',
			PASSERELLE_DATA_DIR: dataDir,
			ORIGIN: baseURL
		}
	}
});
