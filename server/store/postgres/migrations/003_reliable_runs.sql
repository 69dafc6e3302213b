-- Runs that survive restarts, honest retries, replies that are never lost.

-- Every attempt of a run: which runner held it and how it ended, so a retried run shows
-- what each attempt did.
CREATE TABLE run_attempts (
  run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  attempt integer NOT NULL CHECK (attempt >= 1),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  runner_id uuid,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'lost')),
  error jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  PRIMARY KEY (run_id, attempt)
);

-- Attempts made before this migration: the current one as the run stands, earlier ones lost.
INSERT INTO run_attempts (run_id, attempt, owner_id, runner_id, status, error, started_at, ended_at)
SELECT r.id, a.attempt, r.owner_id, CASE WHEN a.attempt = r.attempt THEN r.runner_id END,
       CASE WHEN a.attempt < r.attempt OR r.status = 'queued' THEN 'lost' ELSE r.status END,
       CASE WHEN a.attempt = r.attempt AND r.status <> 'running' THEN r.error END,
       coalesce(r.started_at, r.created_at),
       CASE WHEN a.attempt < r.attempt OR r.status <> 'running' THEN coalesce(r.ended_at, r.started_at, r.created_at) END
FROM runs r CROSS JOIN LATERAL generate_series(1, r.attempt) AS a(attempt)
WHERE r.attempt >= 1;

ALTER TABLE runs
  -- The last runner event applied to the current attempt; events are applied once, in order.
  ADD COLUMN event_seq integer NOT NULL DEFAULT 0,
  -- The current attempt must end by then, whatever its runner says.
  ADD COLUMN deadline_at timestamptz,
  -- Set while the runner holding the run is disconnected; cleared when it comes back.
  ADD COLUMN released_at timestamptz,
  -- Whether the run's closing message has been written (see messages.summary_of).
  ADD COLUMN summarized boolean NOT NULL DEFAULT false;
-- Runs that ended before this migration already have their closing message.
UPDATE runs SET summarized = true WHERE status IN ('succeeded', 'failed', 'cancelled');
CREATE INDEX runs_unsummarized ON runs (ended_at) WHERE NOT summarized AND status IN ('succeeded', 'failed', 'cancelled');
CREATE INDEX runs_deadlines ON runs (deadline_at) WHERE status = 'running';
CREATE INDEX runs_owner_queued ON runs (owner_id) WHERE status = 'queued';

ALTER TABLE messages
  -- The user message an assistant message answers: at most one reply each.
  ADD COLUMN reply_to uuid UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
  -- The run an assistant message closes: at most one closing message each.
  ADD COLUMN summary_of uuid UNIQUE REFERENCES runs (id) ON DELETE CASCADE;

-- A step's screenshot sent again after a reconnection replaces the first.
CREATE UNIQUE INDEX artifacts_step_screenshot ON artifacts (run_id, attempt, step_index) WHERE kind = 'screenshot';
CREATE INDEX artifacts_owner ON artifacts (owner_id);
