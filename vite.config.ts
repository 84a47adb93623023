import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	// DSFR's CSS uses constructs lightningcss rejects; recover instead of aborting the build.
	css: { lightningcss: { errorRecovery: true } },
	worker: { format: 'es' },
	server: { host: '127.0.0.1', fs: { allow: ['..'] } },
	test: {
		include: ['{widget,worker,server,web,scripts,bench}/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		pool: 'forks',
		fileParallelism: true
	}
});
