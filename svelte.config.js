import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** SvelteKit 2 configuration: the app lives in our rooms (web/, static/), not in src/. */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// Compressing WASM, fonts and traineddata costs ~35 s for little gain on a loopback demo.
		adapter: adapter({ out: 'build', precompress: false }),
		files: {
			assets: 'static',
			lib: 'web/lib',
			routes: 'web/routes',
			appTemplate: 'web/app.html',
			errorTemplate: 'web/error.html',
			hooks: { server: 'web/hooks.server', client: 'web/hooks.client' },
			params: 'web/params',
			serviceWorker: 'web/service-worker'
		},
		// The widget is embedded by Grist in an iframe from any Grist origin.
		csrf: { trustedOrigins: ['*'] }
	}
};

export default config;
