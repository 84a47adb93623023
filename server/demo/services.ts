/**
 * Demo mode only: the services the demo needs beside the app — a local Démarches Simplifiées
 * server (real schema, generated dossiers) that the demo démarche points at.
 */
export async function startDemoServices(env: NodeJS.ProcessEnv): Promise<void> {
	const { startFakeDs } = await import('../ds-fake/index.ts');
	const ds = await startFakeDs({
		port: Number(env.DEMO_DS_PORT ?? 0),
		dossiers: Number(env.DEMO_DS_DOSSIERS ?? 500),
		seed: 1,
		// Tests shorten the rate-limit window so a spurious 429 costs seconds, not a minute.
		...(env.DEMO_DS_RATE_WINDOW_SECONDS
			? { rateLimitWindowSeconds: Number(env.DEMO_DS_RATE_WINDOW_SECONDS) }
			: {})
	});
	// adapter-node closes its HTTP server on SIGTERM/SIGINT, then emits this: let the process exit.
	process.once('sveltekit:shutdown', () => void ds.close());
	env.PASSERELLE_DEMO_DS_URL = ds.url;
	env.PASSERELLE_DEMO_DS_TOKEN = ds.tokens.valid;
	env.PASSERELLE_DEMO_DEMARCHE = String(ds.demarcheNumber);
	console.log(`Démarches Simplifiées local (démo) : ${ds.url} — démarche ${ds.demarcheNumber}`);
}
