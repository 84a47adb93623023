-- Server-side schedules of démarche syncs (server/schedules).

-- Per Grist document: where the server reaches it, and the API key it writes with (in `secrets`).
CREATE TABLE schedule_documents (
	doc_id text PRIMARY KEY,
	-- Grist origin plus `/o/<org>` when there is one; NULL in demo mode (grist-static has no REST API).
	grist_url text,
	api_key_secret_id text REFERENCES secrets (id) ON DELETE SET NULL,
	api_key_updated_at timestamptz,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- One schedule per démarche configuration.
CREATE TABLE schedules (
	id text PRIMARY KEY,
	doc_id text NOT NULL,
	config_id text NOT NULL REFERENCES demarche_configs (id) ON DELETE CASCADE,
	enabled boolean NOT NULL DEFAULT false,
	-- What the user chose: a preset (quotidien, horaire, hebdomadaire) or a cron expression.
	spec jsonb NOT NULL,
	cron text NOT NULL,
	time_zone text NOT NULL DEFAULT 'Europe/Paris',
	timeout_seconds integer NOT NULL DEFAULT 7200,
	next_fire_at timestamptz,
	last_fire_at timestamptz,
	consecutive_failures integer NOT NULL DEFAULT 0,
	paused_at timestamptz,
	pause_reason text,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT schedules_config UNIQUE (config_id)
);

-- The scheduler's question, every few seconds: which enabled, unpaused schedules are due?
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE enabled AND paused_at IS NULL;
CREATE INDEX schedules_doc ON schedules (doc_id);

-- Every run, scheduled or manual, from request to outcome.
CREATE TABLE schedule_runs (
	id text PRIMARY KEY,
	schedule_id text NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
	doc_id text NOT NULL,
	config_id text NOT NULL,
	trigger text NOT NULL,
	-- The scheduled instant this run answers; NULL for a manual run.
	fire_time timestamptz,
	status text NOT NULL,
	attempts integer NOT NULL DEFAULT 0,
	job_id text,
	requested_at timestamptz NOT NULL,
	started_at timestamptz,
	heartbeat_at timestamptz,
	finished_at timestamptz,
	duration_ms integer,
	dossiers integer,
	rows_written integer,
	summary jsonb,
	error_code text,
	error_message text,
	-- Where a resumed attempt starts again (engine cursors), saved after every page.
	checkpoint jsonb,
	checkpoint_at timestamptz,
	instance text,
	-- Two instances can never both record the same fire of a schedule.
	CONSTRAINT schedule_runs_fire UNIQUE (schedule_id, fire_time)
);

-- At most one pending or running run per configuration, whatever the number of instances.
CREATE UNIQUE INDEX schedule_runs_one_active ON schedule_runs (config_id)
	WHERE status IN ('en_attente', 'en_cours', 'nouvel_essai');
CREATE INDEX schedule_runs_recent ON schedule_runs (schedule_id, requested_at DESC);
CREATE INDEX schedule_runs_unqueued ON schedule_runs (requested_at) WHERE job_id IS NULL AND status = 'en_attente';
