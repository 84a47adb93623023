import { expect, openDemo, snap, test } from './fixtures.ts';

test('an admin plans a nightly sync in the widget; an invalid cron gets a French message', async ({
	page
}) => {
	const { widget } = await openDemo(page);
	await widget.getByRole('tab', { name: 'Planification' }).click();
	const card = widget.locator('[data-testid^="schedule-"]').first();
	await expect(card).toBeVisible();

	// Every night at 02:30, Paris time: the server saves it and announces the next run.
	await card.getByLabel('Synchronisation automatique par le serveur').check({ force: true });
	await card.getByLabel('Chaque jour').check({ force: true });
	await card.getByTestId('schedule-time').fill('02:30');
	await card.getByRole('button', { name: 'Enregistrer' }).click();
	await expect(card.getByTestId('schedule-notice').or(card.getByTestId('schedule-error'))).toBeVisible();
	await expect(card.getByTestId('next-run')).toContainText('02:30');
	await snap(page, 'planification-nuit');

	// A cron expression that is not one: refused with a French explanation, nothing saved.
	await card.getByLabel('Expression cron').check({ force: true });
	await card.getByTestId('schedule-cron').fill('99 * * *');
	await card.getByRole('button', { name: 'Enregistrer' }).click();
	await expect(card.getByTestId('schedule-cron-error').or(card.getByTestId('schedule-error'))).toContainText(
		/cron|champ|minute|heure/i
	);
	await snap(page, 'planification-cron-invalide');

	// The server kept the valid schedule (same demo document id after a reload): nothing was lost.
	const again = await openDemo(page);
	await again.widget.getByRole('tab', { name: 'Planification' }).click();
	await expect(
		again.widget.locator('[data-testid^="schedule-"]').first().getByTestId('next-run')
	).toContainText('02:30');
});
