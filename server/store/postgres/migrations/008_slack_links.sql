-- Slack: which Slack users act as which skipper user, the one-time codes that link them,
-- signed requests already seen (replays), and run results owed to a Slack response_url.

-- A one-time code a skipper user makes (POST /api/slack/link-codes) and sends from Slack
-- (/link CODE). Only its SHA-256 is kept; it is used once, before it expires.
CREATE TABLE slack_link_codes (
  code_hash bytea PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX slack_link_codes_owner ON slack_link_codes (owner_id);
CREATE INDEX slack_link_codes_expiry ON slack_link_codes (expires_at);

-- A Slack user (per workspace) acting as a skipper user. One skipper user may have several.
CREATE TABLE slack_links (
  team_id text NOT NULL,
  user_id text NOT NULL,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX slack_links_owner ON slack_links (owner_id);

-- Signatures of the signed requests received while they could still pass the five-minute
-- window: the same request sent again is a replay, refused by every instance.
CREATE TABLE slack_seen_requests (
  signature text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX slack_seen_requests_expiry ON slack_seen_requests (expires_at);

-- A run started from Slack whose result goes to the command's response_url when it ends
-- (heard from the event port by any instance; the first to claim it delivers it).
CREATE TABLE slack_pending_replies (
  run_id uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  response_url text NOT NULL,
  -- Slack accepts replies to a response_url for 30 minutes.
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX slack_pending_replies_expiry ON slack_pending_replies (expires_at);

-- /status without an id: the owner's newest run, of any conversation.
CREATE INDEX runs_owner_created ON runs (owner_id, created_at DESC);
