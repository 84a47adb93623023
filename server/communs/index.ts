/** server/communs — qualification of Les communs projects: M57 compétences and leviers with scores (LLM or keywords). */
export * from './reference-lists.ts';
export * from './qualify-postprocess.ts';
export * from './qualify-prompts.ts';
export * from './qualify-service.ts';
export { scoreByKeywords } from './keyword-scorer.ts';
