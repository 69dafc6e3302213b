-- Saved tasks on schedules (ARCHITECTURE D4). A schedule is the owner's data: the plan each
-- fire runs, the conversation its runs are posted in, and when. Agenda keeps one job per
-- schedule in agenda_jobs (its data names the schedule and owner) and decides when it fires;
-- each fire is recorded in schedule_runs, whose run's state is read from runs, not copied.

CREATE TABLE schedules (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- Its plan lives in its conversation: deleting the conversation deletes the schedule.
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  plan_id uuid NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  name text NOT NULL,
  -- When it fires, as the person wrote it, and as read (protocol/schedules.ts ScheduleSpec).
  when_text text NOT NULL,
  spec jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'paused', 'done')),
  prompt text,
  -- The webhook's secret, sealed with AES-256-GCM by the domain (server/schedules/webhook-secret.ts); never stored in clear.
  webhook_url text,
  webhook_secret bytea,
  -- Runs started from then on are sent to the webhook (not those that ended before it was set).
  webhook_since timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((webhook_url IS NULL) = (webhook_secret IS NULL) AND (webhook_url IS NULL) = (webhook_since IS NULL))
);
CREATE INDEX schedules_owner ON schedules (owner_id, created_at DESC);

CREATE TABLE schedule_runs (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  schedule_id uuid NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  -- NULL from the moment the fire is claimed until its run is created (a fire that created no run is deleted).
  run_id uuid UNIQUE REFERENCES runs (id) ON DELETE CASCADE,
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'missed', 'manual')),
  -- When it was due; for `manual`, when it was asked for.
  due_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Its webhook delivery, claimed by one server instance once the run ended.
  webhook_status text CHECK (webhook_status IN ('sending', 'delivered', 'failed'))
);
-- One run per due time, whichever instance fires it (Agenda's lock already ensures it; this is the backstop).
CREATE UNIQUE INDEX schedule_runs_due ON schedule_runs (schedule_id, due_at) WHERE trigger <> 'manual';
CREATE INDEX schedule_runs_history ON schedule_runs (schedule_id, created_at DESC);
CREATE INDEX schedule_runs_webhooks ON schedule_runs (created_at) WHERE webhook_status IS NULL;

-- Agenda's job table, as agenda 6.2.6 / @agendajs/postgres-backend 3.0.6 create it
-- (getCreateTableSQL, getCreateIndexesSQL, getUpdateTimestampTriggerSQL), made here under the
-- migration lock so that several server instances starting at once do not race to create it.
CREATE TABLE agenda_jobs (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name VARCHAR(255) NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  next_run_at TIMESTAMPTZ,
  type VARCHAR(10) NOT NULL DEFAULT 'normal' CHECK (type IN ('normal', 'single')),
  locked_at TIMESTAMPTZ,
  last_finished_at TIMESTAMPTZ,
  failed_at TIMESTAMPTZ,
  fail_count INTEGER DEFAULT NULL,
  fail_reason TEXT,
  repeat_timezone VARCHAR(100),
  last_run_at TIMESTAMPTZ,
  repeat_interval VARCHAR(255),
  data JSONB DEFAULT '{}'::jsonb,
  repeat_at VARCHAR(255),
  disabled BOOLEAN DEFAULT FALSE,
  progress REAL,
  fork BOOLEAN DEFAULT FALSE,
  last_modified_by VARCHAR(255),
  debounce_started_at TIMESTAMPTZ,
  start_date TIMESTAMPTZ,
  end_date TIMESTAMPTZ,
  skip_days JSONB,
  created_at TIMESTAMPTZ DEFAULT NOW(),
  updated_at TIMESTAMPTZ DEFAULT NOW()
);
CREATE INDEX agenda_jobs_find_and_lock_idx ON agenda_jobs (name, next_run_at, priority DESC, locked_at, disabled) WHERE disabled = FALSE;
CREATE UNIQUE INDEX agenda_jobs_single_job_idx ON agenda_jobs (name) WHERE type = 'single';
CREATE INDEX agenda_jobs_locked_at_idx ON agenda_jobs (locked_at) WHERE locked_at IS NOT NULL;
CREATE INDEX agenda_jobs_next_run_at_idx ON agenda_jobs (next_run_at) WHERE next_run_at IS NOT NULL;
CREATE OR REPLACE FUNCTION update_agenda_jobs_updated_at() RETURNS TRIGGER AS $$
BEGIN
  NEW.updated_at = NOW();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agenda_jobs_updated_at_trigger BEFORE UPDATE ON agenda_jobs FOR EACH ROW EXECUTE FUNCTION update_agenda_jobs_updated_at();
-- Skipper's own: a schedule's job is found by the schedule's id (Agenda's unique() upsert and
-- the views' next run time both look it up this way), and a schedule has one job at most.
-- Jobs without a scheduleId (NULL) never conflict.
CREATE UNIQUE INDEX agenda_jobs_schedule ON agenda_jobs (name, (data ->> 'scheduleId'));
