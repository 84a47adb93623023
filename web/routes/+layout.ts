// The widget runs in the browser only (inside Grist's iframe); API routes are unaffected.
export const ssr = false;
export const prerender = false;
