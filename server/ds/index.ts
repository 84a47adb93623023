/** server/ds — the Node side of the DS engine: the token-holding transport, endpoints, the proxy route handler. */
export * from './ds-endpoints.ts';
export * from './graphql-transport.ts';
export * from './ds-proxy.ts';
