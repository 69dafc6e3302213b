-- The assistant: messages as typed parts that stream, plans the person approves or edits,
-- and what every model call used.

-- A message's content is its parts (text, reasoning, tool calls) as the AI SDK shapes them;
-- its plan and run stay columns, so they are shown as they are now, not as they were.
ALTER TABLE messages
  ADD COLUMN parts jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN status text NOT NULL DEFAULT 'complete' CHECK (status IN ('streaming', 'complete', 'stopped', 'failed')),
  -- Why a failed reply failed, and the prompt a model reply was written with.
  ADD COLUMN error jsonb,
  ADD COLUMN prompt_name text,
  ADD COLUMN prompt_hash text,
  -- The server writing a streaming reply renews this while it writes; past it, the reply was cut off.
  ADD COLUMN stream_lease_until timestamptz;
UPDATE messages SET parts = jsonb_build_array(jsonb_build_object('type', 'text', 'text', text)) WHERE text <> '';
ALTER TABLE messages DROP COLUMN text;
CREATE INDEX messages_streaming ON messages (stream_lease_until) WHERE status = 'streaming';

ALTER TABLE conversations ADD COLUMN auto_run boolean NOT NULL DEFAULT false;

ALTER TABLE plans
  ADD COLUMN status text NOT NULL DEFAULT 'approved' CHECK (status IN ('proposed', 'approved', 'discarded', 'superseded')),
  ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  ADD COLUMN previous_version_id uuid REFERENCES plans (id) ON DELETE SET NULL;
-- Plans that were kept without a run (the run limit was reached) still wait for the person.
UPDATE plans SET status = 'proposed' WHERE NOT EXISTS (SELECT 1 FROM runs WHERE runs.plan_id = plans.id);

-- Every call to a language model: who it was for, what it was for, and what it used.
CREATE TABLE model_calls (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- Kept when what they were for is deleted: deleting a conversation does not give back its budget.
  conversation_id uuid REFERENCES conversations (id) ON DELETE SET NULL,
  message_id uuid REFERENCES messages (id) ON DELETE SET NULL,
  plan_id uuid REFERENCES plans (id) ON DELETE SET NULL,
  run_id uuid REFERENCES runs (id) ON DELETE SET NULL,
  step_index integer,
  purpose text NOT NULL CHECK (purpose IN ('chat', 'plan', 'summary', 'browser-step')),
  model text NOT NULL,
  input_tokens integer NOT NULL CHECK (input_tokens >= 0),
  output_tokens integer NOT NULL CHECK (output_tokens >= 0),
  cost_usd numeric(14, 6),
  duration_ms integer NOT NULL CHECK (duration_ms >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX model_calls_owner_day ON model_calls (owner_id, created_at);
CREATE INDEX model_calls_message ON model_calls (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX model_calls_plan ON model_calls (plan_id) WHERE plan_id IS NOT NULL;
CREATE INDEX model_calls_run ON model_calls (run_id) WHERE run_id IS NOT NULL;
