/** web/lib/llm — the widget's side of the LLM assistance, external checks and qualification (server calls, notice). */
export * from './llm-client.ts';
export { default as LlmNotice } from './LlmNotice.svelte';
