import type { Migration } from './index.js';

/**
 * Follow-up chains per home, one run per alarm (its plan, where it is, its deadline: a restarted
 * server picks the run up where it was), every step of it, and Web Push subscriptions per device.
 */
export const m171Followup: Migration = {
  version: 171,
  name: 'followup',
  up: `
CREATE TABLE followup_chains (
  home_id TEXT PRIMARY KEY REFERENCES homes(id) ON DELETE CASCADE,
  steps TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT
);

CREATE TABLE followup_runs (
  alarm_id TEXT PRIMARY KEY REFERENCES alarms(id) ON DELETE CASCADE,
  home_id TEXT NOT NULL,
  plan TEXT NOT NULL,
  position INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('asking','accepted','centre','stopped')),
  deadline_at INTEGER,
  accepted_by TEXT,
  accepted_at INTEGER,
  started_at INTEGER NOT NULL
);
CREATE INDEX followup_runs_state ON followup_runs(state, deadline_at);

CREATE TABLE followup_steps (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alarm_id TEXT NOT NULL REFERENCES alarms(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
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
  created_at INTEGER NOT NULL,
  last_success_at INTEGER,
  failures INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);
`,
};
