import type { RequestHandler } from './$types';
import { GRIST_STATIC_DIST, serveFile } from '#server/http/static-files.ts';

/** grist-static (Grist's engine in the browser) for the demo page: never from a CDN. */
export const GET: RequestHandler = ({ params }) => serveFile(GRIST_STATIC_DIST, params.path);
