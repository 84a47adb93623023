import type { DsConfigStore } from '../ds-configs/ds-configs.ts';

/**
 * In demo mode, a document with no démarche gets the demo démarche of the local DS server,
 * so a newcomer can press "Synchroniser" with zero configuration.
 */
export async function ensureDemoDemarche(
	store: DsConfigStore,
	docId: string,
	env: NodeJS.ProcessEnv = process.env
): Promise<void> {
	const url = env.PASSERELLE_DEMO_DS_URL;
	const token = env.PASSERELLE_DEMO_DS_TOKEN;
	const number = env.PASSERELLE_DEMO_DEMARCHE;
	if (!url || !token || !number) return;
	if ((await store.list(docId)).length > 0) return;
	await store.create(docId, { demarcheNumber: number, dsUrl: url, token, tablePrefix: 'Demo' });
}
