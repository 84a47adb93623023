-- LLM answers cached by content hash (task, prompt version, model and anonymised text): a
-- second identical request costs no provider call and no quota.
CREATE TABLE llm_cache (
	cache_key text PRIMARY KEY,
	task text NOT NULL,
	provider text NOT NULL,
	model text NOT NULL,
	result jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL
);
CREATE INDEX llm_cache_expires_at ON llm_cache (expires_at);

-- Provider calls per Grist document per UTC day (the daily quota).
CREATE TABLE llm_quota (
	doc_id text NOT NULL,
	day date NOT NULL,
	calls integer NOT NULL DEFAULT 0,
	PRIMARY KEY (doc_id, day)
);

-- One row per LLM request: who, which task, which provider, tokens and outcome. Never the text.
CREATE TABLE llm_usage (
	id text PRIMARY KEY,
	doc_id text NOT NULL,
	task text NOT NULL,
	provider text,
	model text,
	outcome text NOT NULL,
	cached boolean NOT NULL DEFAULT false,
	attempts integer NOT NULL DEFAULT 0,
	prompt_tokens integer NOT NULL DEFAULT 0,
	completion_tokens integer NOT NULL DEFAULT 0,
	input_chars integer NOT NULL DEFAULT 0,
	duration_ms integer NOT NULL DEFAULT 0,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX llm_usage_doc_created ON llm_usage (doc_id, created_at);
