import {
	boolean,
	date,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp
} from 'drizzle-orm/pg-core';

/** LLM answers cached by content hash (migration `0003_llm.sql`). */
export const llmCache = pgTable(
	'llm_cache',
	{
		cacheKey: text('cache_key').primaryKey(),
		task: text('task').notNull(),
		provider: text('provider').notNull(),
		model: text('model').notNull(),
		result: jsonb('result').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
	},
	(t) => [index('llm_cache_expires_at').on(t.expiresAt)]
);

/** Provider calls per Grist document per UTC day. */
export const llmQuota = pgTable(
	'llm_quota',
	{
		docId: text('doc_id').notNull(),
		day: date('day').notNull(),
		calls: integer('calls').notNull().default(0)
	},
	(t) => [primaryKey({ columns: [t.docId, t.day] })]
);

/** One row per LLM request: tokens, provider and outcome, never the text. */
export const llmUsage = pgTable(
	'llm_usage',
	{
		id: text('id').primaryKey(),
		docId: text('doc_id').notNull(),
		task: text('task').notNull(),
		provider: text('provider'),
		model: text('model'),
		outcome: text('outcome').notNull(),
		cached: boolean('cached').notNull().default(false),
		attempts: integer('attempts').notNull().default(0),
		promptTokens: integer('prompt_tokens').notNull().default(0),
		completionTokens: integer('completion_tokens').notNull().default(0),
		inputChars: integer('input_chars').notNull().default(0),
		durationMs: integer('duration_ms').notNull().default(0),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('llm_usage_doc_created').on(t.docId, t.createdAt)]
);
