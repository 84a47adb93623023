import { describe, expect, it } from 'vitest';
import { isDsError, raiseFatalGraphqlErrors } from './ds-errors.ts';

const caught = (errors: Parameters<typeof raiseFatalGraphqlErrors>[0]): unknown => {
	try {
		raiseFatalGraphqlErrors(errors, { demarche: 1234 });
		return null;
	} catch (error) {
		return error;
	}
};

describe('raiseFatalGraphqlErrors', () => {
	it('turns DS’s timeout into a retryable ds_timeout, even when it struck a nested field', () => {
		const nested = caught([
			{
				message: 'Timeout on DeletedDossier.reason',
				path: ['demarche', 'deletedDossiers', 'nodes', 3, 'reason'],
				extensions: { code: 'timeout' }
			}
		]);
		expect(isDsError(nested, 'ds_timeout')).toBe(true);
		expect((nested as { retryable: boolean }).retryable).toBe(true);
		expect(
			isDsError(
				caught([
					{ message: 'Timeout on Demarche.dossiers', path: ['demarche'], extensions: { code: 'timeout' } }
				]),
				'ds_timeout'
			)
		).toBe(true);
	});

	it('leaves other nested errors (one dossier’s bad data) to the caller', () => {
		expect(
			caught([
				{
					message: 'Cannot return null for non-nullable field',
					path: ['demarche', 'dossiers', 'nodes', 0, 'champs'],
					extensions: { code: 'invalid_null' }
				},
				{ message: 'hidden due to permissions', path: ['demarche', 'dossiers', 'nodes', 1, 'linked'] }
			])
		).toBeNull();
		expect(
			isDsError(
				caught([{ message: 'hidden due to permissions', path: ['demarche'] }]),
				'ds_forbidden_demarche'
			)
		).toBe(true);
	});
});
