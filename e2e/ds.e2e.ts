import type { Frame, Page } from '@playwright/test';
import type { CellValue } from '../widget/grist-types.ts';
import { expect, openDemo, snap, test } from './fixtures.ts';
import { columnsOf, rowsOf } from './grist-page.ts';

/** The demo's local DS server (see playwright.config.ts). */
const DS = `http://127.0.0.1:${process.env.E2E_DS_PORT ?? 4322}`;

interface TruthChamp {
	__typename: string;
	champDescriptorId: string;
	label: string;
	stringValue: string | null;
	[k: string]: unknown;
}
interface TruthDossier {
	number: number;
	state: string;
	dateDepot: string;
	groupeInstructeur: { label: string };
	labels: { name: string }[];
	champs: TruthChamp[];
}

async function control<T>(path: string, body?: unknown): Promise<T> {
	const res = await fetch(`${DS}/__control/${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

/** `champ_<stable id>`: DS descriptor ids are base64 of `Champ-<stable id>` (ds.md §1.6). */
const columnOf = (descriptorId: string) => `champ_${/^Champ-(\d+)$/.exec(atob(descriptorId))![1]}`;
const epoch = (iso: string) => Math.round(Date.parse(iso) / 1000);

/** What Grist must hold for a champ, derived from DS's typed value (ds.md §6.1). */
function expectedCell(c: TruthChamp): CellValue | undefined {
	switch (c.__typename) {
		case 'TextChamp':
			return (c.value as string | null) ?? c.stringValue ?? null;
		case 'IntegerNumberChamp':
			return c.value === null ? null : Number(c.value);
		case 'DecimalNumberChamp':
			return c.value as number | null;
		case 'CheckboxChamp':
			return c.value as boolean;
		case 'DateChamp':
			return c.date ? epoch(`${String(c.date)}T00:00:00Z`) : null;
		case 'DropDownListChamp':
			return (c.value as string | null) ?? null;
		case 'MultipleDropDownListChamp':
			return (c.values as string[]).length ? ['L', ...(c.values as string[])] : null;
		default:
			return undefined;
	}
}

const empty = (v: CellValue | undefined) =>
	v === null || v === undefined || v === '' || (Array.isArray(v) && v.length <= 1);

/** Compares Grist's tables with the DS server's ground truth. */
async function expectTablesMatchTruth(grist: Frame): Promise<{ dossiers: number; checkedCells: number }> {
	const truth = await control<TruthDossier[]>('truth');
	const dossiers = await rowsOf(grist, 'Demo_dossiers');
	expect(dossiers.map((r) => r.numero).sort()).toStrictEqual(truth.map((d) => d.number).sort());
	const byNumber = new Map(dossiers.map((r) => [r.numero, r]));
	const champs = new Map((await rowsOf(grist, 'Demo_champs')).map((r) => [r.numero, r]));
	let checkedCells = 0;
	for (const d of truth) {
		const row = byNumber.get(d.number)!;
		expect(row.etat, `état du dossier ${d.number}`).toBe(d.state);
		expect(row.date_depot, `dépôt du dossier ${d.number}`).toBe(epoch(d.dateDepot));
		expect(row.groupe_instructeur).toBe(d.groupeInstructeur.label);
		const labels = d.labels.map((l) => l.name);
		if (labels.length) expect(row.etiquettes).toStrictEqual(['L', ...labels]);
		else expect(empty(row.etiquettes as CellValue)).toBe(true);
		const cr = champs.get(d.number)!;
		for (const c of d.champs) {
			const want = expectedCell(c);
			if (want === undefined) continue;
			const got = cr[columnOf(c.champDescriptorId)];
			if (empty(want)) expect(empty(got), `${c.label} du dossier ${d.number}`).toBe(true);
			else expect(got, `${c.label} (${c.__typename}) du dossier ${d.number}`).toStrictEqual(want);
			checkedCells++;
		}
	}
	return { dossiers: truth.length, checkedCells };
}

async function syncAndWait(
	page: Page,
	widget: Frame,
	number: number,
	button: 'Synchroniser' | 'Tout resynchroniser',
	step: string
): Promise<string> {
	const card = widget.getByTestId(`demarche-${number}`);
	await card.getByRole('button', { name: button, exact: true }).click();
	await expect(card.getByTestId('ds-progress')).toBeVisible();
	const summary = card.getByTestId('ds-summary').or(card.getByTestId('ds-error'));
	await expect(summary).toBeVisible({ timeout: 180_000 });
	await snap(page, `ds-${step}`);
	return (await summary.textContent()) ?? '';
}

test.describe.configure({ timeout: 480_000 });

test('the widget syncs the demo démarche into typed tables, then only what changed', async ({ page }) => {
	const { grist, widget } = await openDemo(page);
	const demarche = (await control<{ demarcheNumber: number }>('info')).demarcheNumber;
	await expect(widget.getByTestId(`demarche-${demarche}`)).toBeVisible();

	// Full sync: every dossier, typed columns, values equal to DS's.
	const first = await syncAndWait(page, widget, demarche, 'Synchroniser', '1-complete');
	expect(first).toContain('réussie');
	const cols = await columnsOf(grist, 'Demo_dossiers');
	expect(cols.numero!.type).toBe('Int');
	expect(cols.etat!.type).toBe('Choice');
	expect(cols.etiquettes!.type).toBe('ChoiceList');
	expect(cols.date_depot!.type).toBe('DateTime:Europe/Paris');
	const champCols = await columnsOf(grist, 'Demo_champs');
	const types = new Set(Object.values(champCols).map((c) => c.type.split(':')[0]));
	for (const t of ['Int', 'Numeric', 'Date', 'DateTime', 'Bool', 'Choice', 'ChoiceList', 'Text', 'Ref'])
		expect(types).toContain(t);
	const full = await expectTablesMatchTruth(grist);
	expect(full.dossiers).toBeGreaterThanOrEqual(500);
	expect(full.checkedCells).toBeGreaterThan(full.dossiers * 3);

	// A second run with no change writes nothing.
	const again = await syncAndWait(page, widget, demarche, 'Synchroniser', '2-sans-changement');
	expect(again).toMatch(/0 lignes ajoutées, 0 modifiées, 0 supprimées/);

	// Touch 10, delete 3, relabel 5 on DS: the incremental run reflects exactly that.
	await control('touch', { count: 10 });
	const removed = await control<{ numbers: number[] }>('remove', { count: 3 });
	await control('relabel', { count: 5 });
	const incremental = await syncAndWait(page, widget, demarche, 'Synchroniser', '3-incrementale');
	expect(incremental).toContain('incrémentale réussie');
	const after = await expectTablesMatchTruth(grist);
	expect(after.dossiers).toBe(full.dossiers - 3);
	const numbers = new Set((await rowsOf(grist, 'Demo_dossiers')).map((r) => r.numero));
	for (const n of removed.numbers) expect(numbers.has(n)).toBe(false);

	// Injected faults (429, 5xx, GraphQL timeouts on ~40 % of a dozen requests): a full resync completes with the same tables.
	await control('setFaults', {
		rateLimitProbability: 0.15,
		serverErrorProbability: 0.15,
		timeoutProbability: 0.1,
		// A seed whose first draws hit within a dozen requests (5xx, 429, then more).
		seed: 4
	});
	await control('resetStats', {});
	try {
		const faulty = await syncAndWait(page, widget, demarche, 'Tout resynchroniser', '4-avec-pannes');
		expect(faulty).toContain('réussie');
		await expectTablesMatchTruth(grist);
	} finally {
		await control('setFaults', { rateLimitProbability: 0, serverErrorProbability: 0, timeoutProbability: 0 });
	}
	const stats = await control<{
		total: number;
		faults: { rateLimit: number; serverError: number; timeout: number };
	}>('stats');
	// The run really met faults, and still ended with the same tables.
	expect(stats.faults.rateLimit + stats.faults.serverError + stats.faults.timeout).toBeGreaterThan(0);
});

test('a wrong token or a démarche the token cannot see gets a French message and nothing is saved', async ({
	page
}) => {
	const { widget } = await openDemo(page);
	const info = await control<{ demarcheNumber: number; tokens: { valid: string; noAccess: string } }>('info');
	const form = widget.getByTestId('demarche-form');
	await expect(widget.getByTestId(`demarche-${info.demarcheNumber}`)).toBeVisible();
	const before = await widget.locator('section.ds-card').count();

	await form.getByLabel('Numéro de la démarche').fill('12a');
	await expect(form.getByText('Un nombre entier positif')).toBeVisible();

	await form.getByLabel('Numéro de la démarche').fill(String(info.demarcheNumber + 1));
	await form.getByLabel(/Jeton d’API/).fill('jeton-totalement-faux');
	await form.getByLabel('Instance').selectOption('autre');
	await form.getByLabel('Adresse de l’API GraphQL').fill(`${DS}/api/v2/graphql`);
	await form.getByRole('button', { name: 'Tester et enregistrer' }).click();
	await expect(form.getByTestId('demarche-form-error')).toContainText(/jeton/i);

	await form.getByLabel(/Jeton d’API/).fill(info.tokens.noAccess);
	await form.getByLabel('Numéro de la démarche').fill(String(info.demarcheNumber));
	await form.getByRole('button', { name: 'Tester et enregistrer' }).click();
	await expect(form.getByTestId('demarche-form-error')).toContainText(
		/déjà configurée|n’a pas accès|pas visible|autoris/
	);
	await snap(page, 'ds-bad-token');
	expect(await widget.locator('section.ds-card').count()).toBe(before);
});
