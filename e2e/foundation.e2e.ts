import { createGristPort, type GristPort } from '../widget/grist-port.ts';
import { createRestBackend } from '../widget/rest-backend.ts';
import type { Row } from '../widget/grist-types.ts';
import type { TableSpec } from '../widget/table-spec.ts';
import { expect, openDemo, snap, test } from './fixtures.ts';
import { columnsOf, docIdOf, inPageGristFetch, rowsOf } from './grist-page.ts';

const SPEC: TableSpec = {
	id: 'Essai_e2e',
	columns: [
		{ id: 'numero', type: 'Int', label: 'Numéro' },
		{ id: 'nom', type: 'Text', label: 'Nom du porteur' },
		{ id: 'montant', type: 'Numeric', label: 'Montant (€)' },
		{ id: 'etat', type: 'Choice', label: 'État', choices: ['en_construction', 'accepte', 'refuse'] },
		{ id: 'etiquettes', type: 'ChoiceList', label: 'Étiquettes', choices: ['urgent', 'complet'] },
		{ id: 'depose_le', type: 'Date', label: 'Déposé le' },
		{ id: 'modifie_le', type: 'DateTime:Europe/Paris', label: 'Modifié le' },
		{ id: 'actif', type: 'Bool', label: 'Actif' }
	]
};

/** 5,000 varied rows in Grist's cell encoding. */
function makeRows(n: number): Row[] {
	return Array.from({ length: n }, (_, i) => ({
		numero: i + 1,
		nom: `Porteur n°${i + 1} — Évry`,
		montant: Math.round(i * 137.25) / 100,
		etat: ['en_construction', 'accepte', 'refuse'][i % 3]!,
		etiquettes: i % 4 === 0 ? ['L', 'urgent', 'complet'] : ['L', 'complet'],
		depose_le: 1_767_225_600 + (i % 365) * 86_400,
		modifie_le: 1_767_225_600 + i * 61,
		actif: i % 2 === 0
	}));
}

const ROWS = makeRows(5000);

/** The widget's console handle (`window.passerelle`). */
type WidgetWindow = { passerelle: { grist: GristPort } };

test('the widget, inside a real Grist, creates a typed table and upserts 5,000 rows without duplicates', async ({
	page
}) => {
	const { grist, widget } = await openDemo(page);
	await snap(page, 'foundation-widget');
	await expect(widget.locator('[data-testid="demo-badge"]')).toBeVisible();

	const first = await widget.evaluate(
		async ({ spec, rows }) => {
			const port = (window as unknown as WidgetWindow).passerelle.grist;
			const ensured = await port.ensureTable(spec);
			const upserted = await port.upsert(spec.id, rows, { key: ['numero'] });
			return { ensured, added: upserted.added, updated: upserted.updated, unchanged: upserted.unchanged };
		},
		{ spec: SPEC, rows: ROWS }
	);
	expect(first).toMatchObject({ added: 5000, updated: 0, unchanged: 0 });
	expect(first.ensured.createdTable).toBe(true);

	const cols = await columnsOf(grist, SPEC.id);
	for (const c of SPEC.columns) {
		expect(cols[c.id], c.id).toMatchObject({ type: c.type, label: c.label });
	}
	expect(JSON.parse(cols.etat!.widgetOptions).choices).toStrictEqual([
		'en_construction',
		'accepte',
		'refuse'
	]);
	const stored = await rowsOf(grist, SPEC.id);
	expect(stored).toHaveLength(5000);
	expect(stored.map(({ id: _id, ...fields }) => fields)).toStrictEqual(ROWS);

	const second = await widget.evaluate(
		async ({ spec, rows }) => {
			const port = (window as unknown as WidgetWindow).passerelle.grist;
			await port.ensureTable(spec);
			const r = await port.upsert(spec.id, rows, { key: ['numero'] });
			return { added: r.added, updated: r.updated, unchanged: r.unchanged };
		},
		{ spec: SPEC, rows: ROWS }
	);
	expect(second).toStrictEqual({ added: 0, updated: 0, unchanged: 5000 });
	expect(await rowsOf(grist, SPEC.id)).toHaveLength(5000);
});

test('our REST adapter, talking to the same real Grist, gives the same tables as the widget', async ({
	page
}) => {
	const rows = ROWS.slice(0, 1500);
	// Document A: written by the widget through grist-plugin-api.
	const a = await openDemo(page);
	await a.widget.evaluate(
		async ({ spec, rows }) => {
			const port = (window as unknown as WidgetWindow).passerelle.grist;
			await port.ensureTable(spec);
			await port.upsert(spec.id, rows, { key: ['numero'] });
		},
		{ spec: SPEC, rows }
	);
	const tableA = { cols: await columnsOf(a.grist, SPEC.id), rows: await rowsOf(a.grist, SPEC.id) };

	// Document B (a fresh one): written from Node by the REST adapter through Grist's REST API.
	const b = await openDemo(page);
	const port = createGristPort(
		createRestBackend({
			gristUrl: 'http://127.0.0.1',
			docId: await docIdOf(b.grist),
			apiKey: 'inutile-en-local',
			fetch: inPageGristFetch(b.grist)
		})
	);
	await port.ensureTable(SPEC);
	expect((await port.upsert(SPEC.id, rows, { key: ['numero'] })).added).toBe(1500);
	expect((await port.upsert(SPEC.id, rows, { key: ['numero'] })).unchanged).toBe(1500);
	const tableB = { cols: await columnsOf(b.grist, SPEC.id), rows: await rowsOf(b.grist, SPEC.id) };

	expect(tableB).toStrictEqual(tableA);
});

test('outside Grist, the widget explains in French how to add it', async ({ page }) => {
	await page.goto('/widget');
	await expect(page.getByTestId('outside-grist')).toContainText('s’utilise dans un document Grist');
	await snap(page, 'foundation-outside-grist');
});

test('with less than full access, the widget says how to grant it', async ({ page }) => {
	const { grist } = await openDemo(page);
	// Lower the section's access the way Grist's access prompt stores it; Grist reloads the widget.
	await grist.evaluate(async () => {
		const w = window as unknown as {
			gristDocPageModel: {
				gristDoc: {
					get(): {
						docData: {
							sendActions(a: unknown[][]): Promise<unknown>;
							getMetaTable(t: string): { getRecords(): { id: number; options: string }[] };
						};
					};
				};
			};
		};
		const docData = w.gristDocPageModel.gristDoc.get().docData;
		const section = docData
			.getMetaTable('_grist_Views_section')
			.getRecords()
			.find((s) => String(s.options).includes('customView'))!;
		const options = JSON.parse(section.options) as { customView: string };
		const view = { ...(JSON.parse(options.customView) as object), access: 'read table' };
		await docData.sendActions([
			[
				'UpdateRecord',
				'_grist_Views_section',
				section.id,
				{ options: JSON.stringify({ customView: JSON.stringify(view) }) }
			]
		]);
	});
	const handle = await grist.waitForSelector('iframe[src*="access=read"]');
	const widget = (await handle.contentFrame())!;
	await expect(widget.getByTestId('no-access')).toContainText('Accès complet au document');
	await snap(page, 'foundation-no-access');
});

test('when the server does not answer, the widget says so and recovers on retry', async ({ page }) => {
	let down = true;
	await page
		.context()
		.route('**/api/health', (route) =>
			down
				? route.fulfill({ status: 503, contentType: 'application/json', body: '{"status":"indisponible"}' })
				: route.fallback()
		);
	const { widget } = await openDemo(page);
	await expect(widget.getByTestId('server-error')).toContainText('ne répond pas');
	await snap(page, 'foundation-server-down');
	down = false;
	await widget.getByTestId('server-error').getByRole('button', { name: 'Réessayer' }).click();
	await expect(widget.getByTestId('server-error')).toHaveCount(0);
	await expect(widget.getByTestId('demo-badge')).toBeVisible();
});
