import { expose } from 'comlink';
import { createDsWorkerApi } from './ds-worker-api.ts';

/** The DS engine's Web Worker: DS paging and mapping off the main thread; Grist writes go back to the page. */
expose(createDsWorkerApi());
