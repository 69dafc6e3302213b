-- The runner on the real web: a plan's browser options, files a run downloads, files the
-- person attaches for upload steps, and saved browser sessions.

-- How a plan's browser is set up (protocol/browser.ts BrowserOptions); NULL for the runner's defaults.
ALTER TABLE plans ADD COLUMN browser jsonb;

-- Files the page downloaded are artifacts too: any number per step, each with the name the
-- site gave it and the runner event that carried it (which orders a step's downloads).
ALTER TABLE artifacts DROP CONSTRAINT artifacts_kind_check;
ALTER TABLE artifacts
  ADD CONSTRAINT artifacts_kind_check CHECK (kind IN ('screenshot', 'download')),
  ADD COLUMN file_name text,
  ADD COLUMN event_seq integer,
  ADD CONSTRAINT artifacts_download_named CHECK ((kind = 'download') = (file_name IS NOT NULL AND event_seq IS NOT NULL));
CREATE INDEX artifacts_step_downloads ON artifacts (run_id, attempt, step_index, event_seq) WHERE kind = 'download';

-- Files the person attached to a conversation; upload steps of its plans set them by id.
CREATE TABLE attachments (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  name text NOT NULL,
  mime_type text NOT NULL,
  bytes bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_conversation ON attachments (conversation_id, created_at);
CREATE INDEX attachments_owner ON attachments (owner_id);

-- Saved browser sessions (cookies and local storage), by name per owner, names compared
-- without case. The state is only ever stored encrypted (AES-256-GCM, server/sessions/),
-- never in clear: `state` is version byte | IV | tag | ciphertext.
CREATE TABLE browser_sessions (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  state bytea NOT NULL,
  -- The sites it holds a login for (cookie domains and storage origins), shown instead of the state.
  sites text[] NOT NULL,
  -- The run that saved it last.
  run_id uuid REFERENCES runs (id) ON DELETE SET NULL,
  saved_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX browser_sessions_name ON browser_sessions (owner_id, lower(name));
CREATE INDEX browser_sessions_expiry ON browser_sessions (expires_at);
