import { integer, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';

/**
 * Encrypted secrets (DS tokens, API keys), one per (document, kind, name). Only ciphertext is
 * stored; `key_id` names the key that encrypted the row so a key rotation can find old rows.
 */
export const secrets = pgTable(
	'secrets',
	{
		id: text('id').primaryKey(),
		docId: text('doc_id').notNull(),
		kind: text('kind').notNull(),
		name: text('name').notNull(),
		/** AES-256-GCM output, base64. */
		ciphertext: text('ciphertext').notNull(),
		/** 12 random bytes, base64, new for every write. */
		iv: text('iv').notNull(),
		/** 16-byte GCM tag, base64. */
		authTag: text('auth_tag').notNull(),
		keyId: text('key_id').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [unique('secrets_doc_kind_name').on(t.docId, t.kind, t.name)]
);

/** One Démarches Simplifiées démarche synchronised into one Grist document. */
export const demarcheConfigs = pgTable(
	'demarche_configs',
	{
		id: text('id').primaryKey(),
		docId: text('doc_id').notNull(),
		demarcheNumber: integer('demarche_number').notNull(),
		dsUrl: text('ds_url').notNull(),
		/** The DS token lives in `secrets`; only its id is kept here. */
		tokenSecretId: text('token_secret_id').references(() => secrets.id, { onDelete: 'set null' }),
		tablePrefix: text('table_prefix').notNull(),
		filters: jsonb('filters').notNull().default({}),
		syncState: jsonb('sync_state').notNull().default({}),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [unique('demarche_configs_doc_demarche').on(t.docId, t.demarcheNumber)]
);

/** Every table drizzle knows, for `drizzle(client, { schema })`. */
export const schema = { secrets, demarcheConfigs };

/** The drizzle schema type. */
export type Schema = typeof schema;
