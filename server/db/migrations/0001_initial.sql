-- Encrypted secrets: only AES-256-GCM ciphertext, never plaintext.
CREATE TABLE secrets (
	id text PRIMARY KEY,
	doc_id text NOT NULL,
	kind text NOT NULL,
	name text NOT NULL,
	ciphertext text NOT NULL,
	iv text NOT NULL,
	auth_tag text NOT NULL,
	key_id text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT secrets_doc_kind_name UNIQUE (doc_id, kind, name)
);

-- Rotation looks for rows still encrypted with an old key.
CREATE INDEX secrets_key_id ON secrets (key_id);

-- One Démarches Simplifiées démarche synchronised into one Grist document.
CREATE TABLE demarche_configs (
	id text PRIMARY KEY,
	doc_id text NOT NULL,
	demarche_number integer NOT NULL,
	ds_url text NOT NULL,
	token_secret_id text REFERENCES secrets (id) ON DELETE SET NULL,
	table_prefix text NOT NULL,
	filters jsonb NOT NULL DEFAULT '{}'::jsonb,
	sync_state jsonb NOT NULL DEFAULT '{}'::jsonb,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT demarche_configs_doc_demarche UNIQUE (doc_id, demarche_number)
);
