-- Plans that compile (ARCHITECTURE D12): what each AI step of a plan resolved to, kept with
-- the plan step so the next run replays it without a model.
CREATE TABLE plan_step_resolutions (
  plan_id uuid NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  step_index integer NOT NULL CHECK (step_index >= 0),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  resolution jsonb NOT NULL,
  -- How it was found: by the model on a first run, or healed after a replay failed.
  source text NOT NULL CHECK (source IN ('model', 'healed')),
  -- The run that resolved it.
  run_id uuid REFERENCES runs (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_id, step_index)
);

-- A run's model calls are counted per attempt, so a step's usage is the attempt's own.
ALTER TABLE model_calls ADD COLUMN attempt integer;
CREATE INDEX model_calls_run_step ON model_calls (run_id, attempt, step_index) WHERE run_id IS NOT NULL;

-- Repairs (a failed run's plan rewritten by the planner) are bounded: each plan counts how many
-- repairs it is along from the plan the person approved.
ALTER TABLE plans ADD COLUMN repairs integer NOT NULL DEFAULT 0 CHECK (repairs >= 0);
