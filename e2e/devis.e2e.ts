import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frame, Page } from '@playwright/test';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { expect, openDemo, snap, test } from './fixtures.ts';
import { rowsOf } from './grist-page.ts';

/** The shared corpus, beside the repository (read, never copied). */
const CORPUS = resolve('../shared/quotes');
const corpus = (name: string) => join(CORPUS, name);
const manifest = JSON.parse(readFileSync(corpus('manifest.json'), 'utf8')) as {
	id: string;
	expected_fields?: { siret?: string; numero_devis?: string; date_devis?: string; prix_total_ttc?: number };
}[];
const expected = (id: string) => manifest.find((e) => e.id === id)!.expected_fields!;

/** Generated inputs go to Playwright's output folder (git-ignored). */
const GENERATED = resolve('test-results/devis-inputs');

/** B08: 55 Mio, a PDF header then nothing; it must be refused before it is read. */
function b08(): string {
	mkdirSync(GENERATED, { recursive: true });
	const path = join(GENERATED, 'B08.pdf');
	writeFileSync(path, '%PDF-1.7\n% 55 Mio\n');
	truncateSync(path, 57_671_680);
	return path;
}

/** B07: the first three pages of Q11 and 297 annex pages with a text layer (manifest `generate`). */
async function b07(): Promise<string> {
	mkdirSync(GENERATED, { recursive: true });
	const q11 = await PDFDocument.load(readFileSync(corpus('Q11.pdf')));
	const doc = await PDFDocument.create();
	for (const page of await doc.copyPages(q11, [0, 1, 2])) doc.addPage(page);
	const font = await doc.embedFont(StandardFonts.Helvetica);
	for (let i = 0; i < 297; i++) {
		const page = doc.addPage([595.28, 841.89]);
		const kind = i % 3;
		const title = ['Conditions générales de vente (suite)', `Fiche produit n° ${i}`, `Notice de pose ${i}`][
			kind
		]!;
		page.drawText(title, { x: 50, y: 790, size: 14, font });
		for (let l = 0; l < 40; l++) {
			const line =
				kind === 0
					? `Article ${l + 1} - Le client dispose d'un délai de rétractation de quatorze jours.`
					: `Caractéristique ${l} : valeur nominale conforme à la norme, voir la notice du fabricant.`;
			page.drawText(line, { x: 50, y: 760 - l * 17, size: 10, font });
		}
		if (kind === 1)
			page.drawRectangle({ x: 380, y: 600, width: 150, height: 100, color: rgb(0.8, 0.8, 0.8) });
	}
	const path = join(GENERATED, 'B07.pdf');
	writeFileSync(path, await doc.save());
	return path;
}

const fileCard = (widget: Frame, name: string) =>
	widget.locator(`[data-testid="devis-file"][data-name="${name}"]`);
const busy = (widget: Frame) =>
	widget.locator(
		'[data-testid="devis-file"][data-status="lecture"], [data-testid="devis-file"][data-status="en_attente"]'
	);

/**
 * grist-static opens custom widgets in `credentialless` frames, whose storage ends with the page;
 * the demo page re-opens them without it, as a real Grist hosts widgets: check that it did.
 */
async function asInRealGrist(grist: Frame, widget: Frame): Promise<Frame> {
	await expect(grist.locator('iframe[src*="/widget"]')).toHaveCount(1);
	await expect(grist.locator('iframe[src*="/widget"][credentialless]')).toHaveCount(0);
	await widget.waitForFunction(() => Boolean((window as unknown as { passerelle?: unknown }).passerelle));
	return widget;
}

/** Opens the demo, hosts the widget as a real Grist does, and shows the "Devis" tab. */
async function openDevis(page: Page) {
	const demo = await openDemo(page);
	const widget = await asInRealGrist(demo.grist, demo.widget);
	await widget.getByRole('tab', { name: 'Devis' }).click();
	return { grist: demo.grist, widget };
}

/** The user tables of the Grist document. */
function tableIds(grist: Frame): Promise<string[]> {
	return grist.evaluate(() =>
		(
			window as unknown as {
				gristDocPageModel: {
					gristDoc: {
						get(): { docData: { getMetaTable(t: string): { getRecords(): { tableId: string }[] } } };
					};
				};
			}
		).gristDocPageModel.gristDoc
			.get()
			.docData.getMetaTable('_grist_Tables')
			.getRecords()
			.map((r) => r.tableId)
	);
}

/** Applies user actions in the Grist document, as a person editing cells would. */
function gristActions(grist: Frame, actions: unknown[][]): Promise<unknown> {
	return grist.evaluate(
		(a) =>
			(
				window as unknown as {
					gristDocPageModel: {
						gristDoc: { get(): { docData: { sendActions(x: unknown[][]): Promise<unknown> } } };
					};
				}
			).gristDocPageModel.gristDoc
				.get()
				.docData.sendActions(a),
		actions
	);
}

test('a dropped dossier is read in the browser, checked, written to Grist, and restored after a reload', async ({
	page
}) => {
	const { grist, widget } = await openDevis(page);
	await expect(widget.getByTestId('devis-empty')).toBeVisible();
	await expect(widget.getByTestId('devis-ephemeral')).toHaveCount(0);
	await widget
		.getByTestId('devis-input')
		.setInputFiles([corpus('Q01.pdf'), corpus('Q19.png'), corpus('B03.pdf'), corpus('B05.pdf')]);
	await expect(widget.getByTestId('devis-file')).toHaveCount(4);

	// While the photo is being read (OCR in a worker), the page answers: the dossier can be renamed.
	await expect(fileCard(widget, 'Q19.png').getByTestId('devis-progress')).toBeVisible();
	await widget.getByRole('button', { name: 'Renommer' }).click();
	await widget.getByLabel('Nom du dossier').fill('Maison Martin — PAC et fenêtres');
	await widget.getByRole('button', { name: 'Enregistrer', exact: true }).click();
	await expect(widget.getByTestId('devis-dossier-name')).toHaveText('Maison Martin — PAC et fenêtres');
	await snap(page, 'devis-lecture');

	await expect(busy(widget)).toHaveCount(0, { timeout: 120_000 });
	const q01 = fileCard(widget, 'Q01.pdf');
	await expect(q01.getByTestId('devis-status')).toHaveText('Valide');
	await expect(q01.getByTestId('devis-field-siret')).toContainText(expected('Q01').siret!);
	await expect(q01.getByTestId('devis-field-numero')).toContainText(expected('Q01').numero_devis!);
	const q19 = fileCard(widget, 'Q19.png');
	await expect(q19.getByTestId('devis-status')).toHaveText(/Valide|Invalide/);
	await expect(q19.getByTestId('devis-field-numero')).toContainText(expected('Q19').numero_devis!);
	await expect(fileCard(widget, 'B03.pdf').getByTestId('devis-unreadable')).toContainText(
		'est endommagé ou incomplet'
	);
	await expect(fileCard(widget, 'B05.pdf').getByTestId('devis-unreadable')).toContainText(
		'Format non pris en charge'
	);
	await expect(widget.getByTestId('devis-grist-state')).toContainText('Enregistré dans Grist');
	await expect(widget.getByTestId('devis-dossier-status')).toHaveText('Dossier invalide');

	// Grist holds what the engine found.
	const devis = await rowsOf(grist, 'Devis');
	const byFile = (name: string) => devis.find((r) => r.fichier === name)!;
	const q19Status = (await q19.getByTestId('devis-status').textContent())!.trim().toLowerCase();
	expect(devis.map((r) => [r.fichier, r.statut]).sort()).toStrictEqual([
		['B03.pdf', 'illisible'],
		['B05.pdf', 'illisible'],
		['Q01.pdf', 'valide'],
		['Q19.png', q19Status]
	]);
	expect([byFile('Q01.pdf').siret, byFile('Q01.pdf').numero_devis]).toStrictEqual([
		expected('Q01').siret,
		expected('Q01').numero_devis
	]);
	expect(byFile('Q01.pdf').date_devis).toBe(Date.parse(`${expected('Q01').date_devis}T00:00:00Z`) / 1000);
	expect(byFile('Q01.pdf').prix_total_ttc).toBe(expected('Q01').prix_total_ttc);
	expect(byFile('Q19.png').numero_devis).toBe(expected('Q19').numero_devis);
	const dossiers = await rowsOf(grist, 'Devis_dossiers');
	expect(dossiers.map((d) => [d.nom, d.nb_devis])).toStrictEqual([['Maison Martin — PAC et fenêtres', 4]]);
	expect(new Set(devis.map((r) => r.dossier))).toStrictEqual(new Set([dossiers[0]!.id]));
	const erreurs = await rowsOf(grist, 'Devis_erreurs');
	const codesOf = (name: string) => erreurs.filter((e) => e.devis === byFile(name).id).map((e) => e.code);
	expect(codesOf('B03.pdf')[0]).toBe('file_reading_error');
	expect(codesOf('B05.pdf')).toStrictEqual(['unsupported_file_format']);
	const widgetCodes = await q19
		.locator('.devis-finding')
		.evaluateAll((items) => items.map((i) => i.getAttribute('data-code')));
	expect(codesOf('Q19.png').sort()).toStrictEqual([...widgetCodes].sort());

	// An agent marks a remark as a false positive in Grist, with MDSO's reason.
	const marked =
		erreurs.find((e) => e.devis === byFile('Q19.png').id) ??
		erreurs.find((e) => e.code === 'unsupported_file_format')!;
	await gristActions(grist, [
		[
			'UpdateRecord',
			'Devis_erreurs',
			marked.id,
			{ faux_positif: true, motif: 'Information présente dans le devis' }
		]
	]);
	// Re-checking rewrites the dossier: the mark stays, and the widget shows it.
	await widget.getByRole('button', { name: 'Revérifier' }).click();
	await expect(
		widget.locator(`.devis-finding[data-code="${marked.code}"]`).getByTestId('devis-faux-positif')
	).toContainText('Information présente dans le devis');
	const after = (await rowsOf(grist, 'Devis_erreurs')).find((e) => e.id === marked.id)!;
	expect([after.faux_positif, after.motif, after.presente]).toStrictEqual([
		true,
		'Information présente dans le devis',
		true
	]);
	expect(await rowsOf(grist, 'Devis_erreurs')).toHaveLength(erreurs.length);
	expect(await rowsOf(grist, 'Devis')).toHaveLength(4);

	// The widget marks another one, with another of MDSO's reasons.
	// The first remark not marked yet (a stable locator: the button goes once it is marked).
	const index = await widget
		.locator('.devis-finding')
		.evaluateAll((items) => items.findIndex((i) => i.querySelector('.devis-mark__open')));
	const other = widget.locator('.devis-finding').nth(index);
	const otherCode = await other.getAttribute('data-code');
	await other.getByRole('button', { name: 'Signaler un faux positif' }).click();
	await other.getByLabel('Motif du faux positif').selectOption('Client non concerné');
	await other.getByRole('button', { name: 'Marquer dans Grist' }).click();
	await expect(other.getByTestId('devis-faux-positif')).toContainText('Client non concerné');
	const marks = (await rowsOf(grist, 'Devis_erreurs'))
		.filter((e) => e.faux_positif === true)
		.map((e) => [e.code, e.motif])
		.sort();
	expect(marks).toStrictEqual(
		[
			[marked.code, 'Information présente dans le devis'],
			[otherCode, 'Client non concerné']
		].sort()
	);

	await widget.getByTestId('devis-dossier').scrollIntoViewIfNeeded();
	await snap(page, 'devis-resultats');
	await q19.scrollIntoViewIfNeeded();
	await snap(page, 'devis-resultats-photo');
	await other.scrollIntoViewIfNeeded();
	await snap(page, 'devis-faux-positif');

	// A reload gives a fresh Grist document, but the widget's local store keeps everything.
	const reloaded = await openDemo(page);
	const again = await asInRealGrist(reloaded.grist, reloaded.widget);
	await again.getByRole('tab', { name: 'Devis' }).click();
	await expect(again.getByTestId('devis-file')).toHaveCount(4);
	await expect(again.getByTestId('devis-dossier-name')).toHaveText('Maison Martin — PAC et fenêtres');
	await expect(fileCard(again, 'Q01.pdf').getByTestId('devis-field-siret')).toContainText(
		expected('Q01').siret!
	);
	await expect(fileCard(again, 'Q19.png').locator('.devis-finding')).toHaveCount(widgetCodes.length);
	await expect(fileCard(again, 'B05.pdf').getByTestId('devis-unreadable')).toContainText(
		'Format non pris en charge'
	);
	expect(await tableIds(reloaded.grist)).not.toContain('Devis');
	await again.getByRole('button', { name: 'Enregistrer dans Grist' }).click();
	await expect(again.getByTestId('devis-grist-state')).toContainText('Enregistré dans Grist');
	expect((await rowsOf(reloaded.grist, 'Devis')).map((r) => r.fichier).sort()).toStrictEqual([
		'B03.pdf',
		'B05.pdf',
		'Q01.pdf',
		'Q19.png'
	]);
	await snap(page, 'devis-apres-rechargement');
});

test('bad inputs each get a French message; a reading can be cancelled and resumed', async ({ page }) => {
	// The demo hosts the widget like a real Grist (no credentialless frame): no "nothing is kept" warning.
	const { widget } = await openDemo(page);
	await widget.getByRole('tab', { name: 'Devis' }).click();
	await expect(widget.getByTestId('devis-empty')).toBeVisible();
	await expect(widget.getByTestId('devis-ephemeral')).toHaveCount(0);
	await expect(widget.getByTestId('devis-empty')).toBeVisible();

	// 21 files: refused as a whole, nothing read.
	await widget.getByTestId('devis-input').setInputFiles(Array.from({ length: 21 }, () => corpus('Q25.txt')));
	await expect(widget.getByTestId('devis-notice')).toContainText('Un dossier compte au plus 20 devis');
	await expect(widget.getByTestId('devis-file')).toHaveCount(0);

	const big = b08();
	const long = await b07();
	await widget
		.getByTestId('devis-input')
		.setInputFiles([long, corpus('B01.pdf'), corpus('B02.pdf'), corpus('B04.pdf'), corpus('B09.pdf'), big]);
	await expect(widget.getByTestId('devis-file')).toHaveCount(6);
	// The 55 Mio file is refused before reading.
	await expect(fileCard(widget, 'B08.pdf').getByTestId('devis-unreadable')).toContainText(
		'la limite est de 50 Mo'
	);

	// The 300-page file can be cancelled while it is read (or still waiting for a worker): cancel it
	// as soon as its card offers it, so a fast machine cannot finish the reading first.
	const b07Card = fileCard(widget, 'B07.pdf');
	const cancel = b07Card.getByRole('button', { name: 'Annuler' });
	await expect(cancel).toBeVisible();
	// The card's progress text changes every page, so the button never "settles": dispatch the click.
	await cancel.dispatchEvent('click');
	await expect(b07Card.getByTestId('devis-status')).toHaveText('Lecture annulée');

	await expect(busy(widget)).toHaveCount(0, { timeout: 60_000 });
	await expect(fileCard(widget, 'B01.pdf').getByTestId('devis-unreadable')).toContainText(
		'protégé par un mot de passe'
	);
	await expect(fileCard(widget, 'B04.pdf').getByTestId('devis-unreadable')).toContainText(
		'est vide (0 octet)'
	);
	await expect(fileCard(widget, 'B09.pdf').getByTestId('devis-unreadable')).toContainText(
		'aucun texte lisible'
	);
	// B02 (owner password only) is read normally: Q05's quote.
	await expect(fileCard(widget, 'B02.pdf').getByTestId('devis-field-siret')).toContainText(
		manifest.find((e) => e.id === 'Q05')!.expected_fields!.siret!
	);
	await widget.getByTestId('devis-dossier').scrollIntoViewIfNeeded();
	await snap(page, 'devis-entrees-invalides');

	// The cancelled reading resumes from the stored bytes, with its page progress, to the end.
	await b07Card.getByRole('button', { name: 'Relire' }).click();
	await snap(page, 'devis-progression-300-pages');
	await expect(b07Card.getByTestId('devis-status')).toHaveText(/Valide|Invalide/, { timeout: 120_000 });
	await expect(b07Card).toContainText('300 pages');
});
