/** server/llm — the LLM provider behind our server: config, structured calls, guard, quota, cache, accounting. */
export * from './llm-config.ts';
export * from './chat-client.ts';
export * from './structured-output.ts';
export * from './pii-guard.ts';
export * from './schema.ts';
export * from './llm-store.ts';
export * from './llm-service.ts';
