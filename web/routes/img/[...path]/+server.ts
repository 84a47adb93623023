import type { RequestHandler } from './$types';
import { GRIST_STATIC_DIST, serveFile } from '#server/http/static-files.ts';

/** grist-static refers to a few images by the absolute path `/img/…`. */
export const GET: RequestHandler = ({ params }) => serveFile(`${GRIST_STATIC_DIST}/img`, params.path);
