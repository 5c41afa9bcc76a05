import type { PgMigration } from './index.js';

/**
 * Informal carers and the follow-up chain (SQLite's `170-informal-carers`, `171-followup`,
 * `240-push-language`), in PostgreSQL's types. `followup_runs.alarm_id` and `followup_steps.alarm_id`
 * name an alarm without a foreign key: the alarms table is not on PostgreSQL yet (its store is the
 * ingest turn's, see the store README); the key is added with it. A run per alarm is its primary
 * key, so two instances starting the same alarm's chain insert it once.
 */
export const pg012Followup: PgMigration = {
  version: 12,
  name: 'followup',
  up: `
CREATE TABLE informal_carers (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  relation TEXT,
  position INTEGER NOT NULL,
  user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT,
  accepted_at BIGINT,
  removed_at BIGINT
);
CREATE INDEX informal_carers_client ON informal_carers(client_id, position);
CREATE INDEX informal_carers_user ON informal_carers(user_id);

CREATE TABLE carer_invitations (
  token_hash TEXT PRIMARY KEY,
  carer_id TEXT NOT NULL REFERENCES informal_carers(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  created_by TEXT,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX carer_invitations_carer ON carer_invitations(carer_id);

CREATE TABLE followup_chains (
  home_id TEXT PRIMARY KEY REFERENCES homes(id) ON DELETE CASCADE,
  steps TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT
);

CREATE TABLE followup_runs (
  alarm_id TEXT PRIMARY KEY,
  home_id TEXT NOT NULL,
  plan TEXT NOT NULL,
  position INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('asking','accepted','centre','stopped')),
  deadline_at BIGINT,
  accepted_by TEXT,
  accepted_at BIGINT,
  started_at BIGINT NOT NULL
);
CREATE INDEX followup_runs_state ON followup_runs(state, deadline_at);

CREATE TABLE followup_steps (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alarm_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  offer INTEGER,
  target_kind TEXT,
  target_id TEXT,
  target_name TEXT,
  user_id TEXT,
  detail TEXT
);
CREATE INDEX followup_steps_alarm ON followup_steps(alarm_id, id);
CREATE INDEX followup_steps_at ON followup_steps(at);

CREATE TABLE push_subscriptions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  label TEXT,
  lang TEXT CHECK (lang IN ('nl', 'en')),
  created_at BIGINT NOT NULL,
  last_success_at BIGINT,
  failures INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);
`,
};
