/**
 * `npm run ds:fake -- --port 4010 --dossiers 500 --seed 1 [--latency-ms 50] [--rate-limit 400] [--prerender]`:
 * starts the local DS and prints one JSON line `{url, demarcheNumber, tokens}`.
 */
import { parseArgs } from 'node:util';
import { startFakeDs } from './fake-ds-server.ts';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '4010' },
		host: { type: 'string', default: '127.0.0.1' },
		dossiers: { type: 'string', default: '500' },
		seed: { type: 'string', default: '1' },
		'latency-ms': { type: 'string' },
		'rate-limit': { type: 'string' },
		'timeout-ms': { type: 'string' },
		demarche: { type: 'string' },
		'valid-token': { type: 'string' },
		cors: { type: 'boolean', default: false },
		prerender: { type: 'boolean', default: false }
	},
	strict: true
});

const int = (text: string | undefined): number | undefined => {
	if (text === undefined) return undefined;
	const n = Number(text);
	if (!Number.isInteger(n) || n < 0) throw new Error(`Entier positif attendu, reçu « ${text} ».`);
	return n;
};

const ds = await startFakeDs({
	port: int(values.port),
	host: values.host,
	dossiers: int(values.dossiers),
	seed: int(values.seed),
	latencyMs: int(values['latency-ms']),
	rateLimitPerMinute: int(values['rate-limit']),
	timeoutMs: int(values['timeout-ms']),
	demarcheNumber: int(values.demarche),
	tokens: values['valid-token'] ? { valid: values['valid-token'] } : undefined,
	cors: values.cors,
	prerender: values.prerender
});

console.log(JSON.stringify({ url: ds.url, demarcheNumber: ds.demarcheNumber, tokens: ds.tokens }));

const stop = (): void => {
	void ds.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
