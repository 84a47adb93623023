import { boolean, integer, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { demarcheConfigs, secrets } from '../db/schema.ts';

/** Per Grist document: the address the server writes to and the API key it writes with. */
export const scheduleDocuments = pgTable('schedule_documents', {
	docId: text('doc_id').primaryKey(),
	/** Grist origin plus `/o/<org>`; null in demo mode (grist-static has no REST API). */
	gristUrl: text('grist_url'),
	apiKeySecretId: text('api_key_secret_id').references(() => secrets.id, { onDelete: 'set null' }),
	apiKeyUpdatedAt: timestamp('api_key_updated_at', { withTimezone: true }),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

/** One schedule per démarche configuration (migration 0002). */
export const schedules = pgTable(
	'schedules',
	{
		id: text('id').primaryKey(),
		docId: text('doc_id').notNull(),
		configId: text('config_id')
			.notNull()
			.references(() => demarcheConfigs.id, { onDelete: 'cascade' }),
		enabled: boolean('enabled').notNull().default(false),
		spec: jsonb('spec').notNull(),
		cron: text('cron').notNull(),
		timeZone: text('time_zone').notNull().default('Europe/Paris'),
		timeoutSeconds: integer('timeout_seconds').notNull().default(7200),
		nextFireAt: timestamp('next_fire_at', { withTimezone: true }),
		lastFireAt: timestamp('last_fire_at', { withTimezone: true }),
		consecutiveFailures: integer('consecutive_failures').notNull().default(0),
		pausedAt: timestamp('paused_at', { withTimezone: true }),
		pauseReason: text('pause_reason'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [unique('schedules_config').on(t.configId)]
);

/** Every run, scheduled or manual, from request to outcome (migration 0002). */
export const scheduleRuns = pgTable(
	'schedule_runs',
	{
		id: text('id').primaryKey(),
		scheduleId: text('schedule_id')
			.notNull()
			.references(() => schedules.id, { onDelete: 'cascade' }),
		docId: text('doc_id').notNull(),
		configId: text('config_id').notNull(),
		trigger: text('trigger').notNull(),
		fireTime: timestamp('fire_time', { withTimezone: true }),
		status: text('status').notNull(),
		attempts: integer('attempts').notNull().default(0),
		jobId: text('job_id'),
		requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
		startedAt: timestamp('started_at', { withTimezone: true }),
		heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
		finishedAt: timestamp('finished_at', { withTimezone: true }),
		durationMs: integer('duration_ms'),
		dossiers: integer('dossiers'),
		rowsWritten: integer('rows_written'),
		summary: jsonb('summary'),
		errorCode: text('error_code'),
		errorMessage: text('error_message'),
		checkpoint: jsonb('checkpoint'),
		checkpointAt: timestamp('checkpoint_at', { withTimezone: true }),
		instance: text('instance')
	},
	(t) => [unique('schedule_runs_fire').on(t.scheduleId, t.fireTime)]
);

/** The schedule tables, for `drizzle(client, { schema })` beside the core schema. */
export const scheduleSchema = { scheduleDocuments, schedules, scheduleRuns };
