/** worker/quotes/llm-merge — the LLM's reading of a devis (schema) and its merge into the rule extraction, with origins. */
export * from './llm-quote-schema.ts';
export * from './merge-extraction.ts';
export * from './llm-assist.ts';
export * from './check-with-llm.ts';
