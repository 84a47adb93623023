import { describe, expect, it } from 'vitest';
import { PasserelleError } from '#widget/errors.ts';
import {
	browserCompanySource,
	browserRgeSource,
	fetchLlmStatus,
	serverQuoteExtraction,
	UNKNOWN_LLM_STATUS,
	type ApiCall
} from './llm-client.ts';

/** An API double recording calls and answering from a table (or throwing what the table holds). */
function fakeApi(answers: Record<string, unknown>): ApiCall & { calls: [string, RequestInit | undefined][] } {
	const calls: [string, RequestInit | undefined][] = [];
	const api = (async (path: string, init?: RequestInit) => {
		calls.push([path, init]);
		const answer = answers[path];
		if (answer instanceof Error) throw answer;
		return answer;
	}) as ApiCall & { calls: typeof calls };
	api.calls = calls;
	return api;
}

const down = new PasserelleError(
	'server_unreachable',
	'Le serveur Passerelle ne répond pas. Réessayez dans un instant.',
	true
);

describe('LLM status', () => {
	it('returns the server status, and "no LLM" when the server cannot say', async () => {
		const status = {
			configured: true,
			provider: 'Albert',
			model: 'albert-large',
			fallbacks: [],
			dailyQuota: 200,
			quota: { used: 3, limit: 200 },
			message: null
		};
		expect(await fetchLlmStatus(fakeApi({ '/api/llm/status': status }))).toStrictEqual(status);
		expect(await fetchLlmStatus(fakeApi({ '/api/llm/status': down }))).toStrictEqual(UNKNOWN_LLM_STATUS);
	});
});

describe('quote extraction call', () => {
	it('posts the anonymised text only', async () => {
		const api = fakeApi({
			'/api/llm/extract-quote': {
				extraction: {},
				provider: 'p',
				model: 'm',
				cached: false,
				promptVersion: 'v'
			}
		});
		await serverQuoteExtraction(api)({ anonymisedText: 'Client : M. [NOM_1]', pages: [1] });
		expect(api.calls).toStrictEqual([
			[
				'/api/llm/extract-quote',
				{ method: 'POST', body: JSON.stringify({ anonymisedText: 'Client : M. [NOM_1]', pages: [1] }) }
			]
		]);
	});
});

describe('external sources in the browser', () => {
	it('pass the server answers to the rules', async () => {
		const api = fakeApi({
			'/api/external/rge': {
				status: 'valide',
				qualifications: [{ siret: '91234560000015', _id: '41234-91234560000015-2024-02-01' }],
				lookup: {}
			},
			'/api/external/company': {
				status: 'invalide',
				etat: 'ferme',
				reason: 'Établissement ou entreprise fermé.',
				lookup: {}
			}
		});
		expect(await browserRgeSource(api).lookup('91234560000015')).toStrictEqual({
			status: 'valide',
			qualifications: [{ siret: '91234560000015', _id: '41234-91234560000015-2024-02-01' }],
			reason: undefined
		});
		expect(await browserCompanySource(api).lookup('91234560000015')).toStrictEqual({
			status: 'invalide',
			etat: 'ferme',
			reason: 'Établissement ou entreprise fermé.'
		});
	});

	it('answer "non vérifié", never an error, when our server is unreachable', async () => {
		const api = fakeApi({ '/api/external/rge': down, '/api/external/company': down });
		expect(await browserRgeSource(api).lookup('91234560000015')).toStrictEqual({
			status: 'non_verifie',
			qualifications: [],
			reason: 'RGE non vérifié : Le serveur Passerelle ne répond pas. Réessayez dans un instant.'
		});
		expect(await browserCompanySource(api).lookup('91234560000015')).toMatchObject({ status: 'non_verifie' });
	});
});
