/**
 * One server instance for multi-process tests: the scheduler and job runner over PostgreSQL with
 * the numbered-rows handler (or, with `HANDLER=ds`, the production DS handler) and short intervals. Started by tests with Node 24 and an IPC
 * channel; exits when the parent goes away or on SIGTERM. Prints `ready` once working.
 */
import { openDatabase } from '../../db/database.ts';
import { parseSecretKey } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { createSecretsStore } from '../../secrets/secrets-store.ts';
import { createDsSyncHandler } from '../ds-sync-handler.ts';
import { startScheduleService } from '../schedule-service.ts';
import { createNumberedRowsHandler } from './numbered-rows-handler.ts';

const env = process.env;
const databaseUrl = env.DATABASE_URL!;
const instanceId = env.INSTANCE_ID ?? `instance-${process.pid}`;
const log = createLogger({
	level: 'warn',
	base: { instance: instanceId },
	write: (line) => process.stderr.write(line + '\n')
});
const database = await openDatabase({ databaseUrl, dataDir: '/tmp' }, { poolSize: 4 });
const secrets = createSecretsStore(database, {
	current: parseSecretKey(env.PASSERELLE_SECRET_KEY!, 'PASSERELLE_SECRET_KEY')
});
const service = await startScheduleService(
	{
		database,
		secrets,
		log,
		handler:
			env.HANDLER === 'ds'
				? createDsSyncHandler({ database, secrets, requestsPerMinute: 100_000, checkpointEveryMs: 0 })
				: createNumberedRowsHandler({
						pages: Number(env.PAGES ?? 3),
						pageSize: Number(env.PAGE_SIZE ?? 5),
						pageDelayMs: Number(env.PAGE_DELAY_MS ?? 0),
						instance: instanceId,
						onPage: (page) => process.send?.({ page })
					})
	},
	{
		databaseUrl,
		instanceId,
		tickIntervalMs: Number(env.TICK_MS ?? 200),
		pollingIntervalSeconds: 0.5,
		heartbeatSeconds: 10,
		superviseIntervalSeconds: 1,
		retryDelaySeconds: 1,
		retryDelayMaxSeconds: 2,
		runHeartbeatMs: 1000,
		concurrency: 2
	}
);

let stopping = false;
async function shutdown(code: number): Promise<void> {
	if (stopping) return;
	stopping = true;
	await service.stop().catch(() => {});
	await database.close().catch(() => {});
	process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
// The test runner died or finished: never outlive it.
process.on('disconnect', () => void shutdown(0));
process.send?.({ ready: instanceId });
