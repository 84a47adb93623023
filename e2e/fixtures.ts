import { test as base, expect, type Frame, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

/** Requests the offline guard aborted: any entry fails the test. */
type Guard = { blocked: string[] };

/**
 * Playwright test with an offline guard: every request that is not 127.0.0.1, data: or blob:
 * is aborted and recorded (this also catches iframes and workers, e.g. Pyodide's).
 */
export const test = base.extend<{ guard: Guard }>({
	guard: [
		async ({ context }, use) => {
			const guard: Guard = { blocked: [] };
			await context.route('**/*', (route) => {
				const url = route.request().url();
				if (/^(https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/|data:|blob:|about:)/.test(url))
					return route.continue();
				guard.blocked.push(url);
				return route.abort();
			});
			await use(guard);
			expect(guard.blocked, 'requêtes hors 127.0.0.1 bloquées').toStrictEqual([]);
		},
		{ auto: true }
	]
});
export { expect };

/** Saves a screenshot under e2e/screenshots/ (git-ignored) for a person to look at. */
export async function snap(page: Page, name: string): Promise<void> {
	mkdirSync('e2e/screenshots', { recursive: true });
	await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: false });
}

/** Opens the demo page and waits for Grist's engine and the widget to be ready. */
export async function openDemo(page: Page): Promise<{ grist: Frame; widget: Frame }> {
	page.on('console', (m) => {
		if (m.type() === 'error' && !/getUsersForViewAs|Cannot determine user|no access tokens/.test(m.text()))
			console.log('[console]', m.text());
	});
	await page.goto('/');
	await page.waitForSelector('body[data-demo-ready="true"]', { timeout: 120_000 });
	const grist = page.frames().find((f) => f.url() === 'about:srcdoc');
	if (!grist) throw new Error('cadre Grist introuvable');
	const handle = await grist.waitForSelector('iframe[src*="/widget"]', { timeout: 60_000 });
	const widget = await handle.contentFrame();
	if (!widget) throw new Error('cadre du widget introuvable');
	await widget.waitForFunction(
		() => Boolean((window as unknown as { passerelle?: unknown }).passerelle),
		null,
		{ timeout: 60_000 }
	);
	return { grist, widget };
}
