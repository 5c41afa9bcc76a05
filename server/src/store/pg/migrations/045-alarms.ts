import type { PgMigration } from './index.js';

/**
 * The alarm inbox of SQLite's `012-alarms` and `093-pendant-auth`: alarms, their transitions and
 * the homes' alarm policies, in PostgreSQL's types (instants `BIGINT` ms, `authenticated` a
 * `BOOLEAN`, ids sorted by `COLLATE "C"`, SQLite's AUTOINCREMENT an identity). One alarm per event
 * is the unique `event_id` (`create` inserts `ON CONFLICT DO NOTHING`). `alarms_device` serves a
 * pendant's cancel (its latest open alarm), as SQLite's `245-alarms-device` does.
 */
export const pg045Alarms: PgMigration = {
  version: 45,
  name: 'alarms',
  up: `
CREATE TABLE alarms (
  id TEXT COLLATE "C" PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  gateway_id TEXT NOT NULL,
  home_id TEXT,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('alarm','fall')),
  state TEXT NOT NULL CHECK (state IN ('new','acknowledged','assigned','on_site','closed')),
  raised_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  assigned_at BIGINT,
  assigned_team_id TEXT,
  assigned_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  on_site_at BIGINT,
  on_site_source TEXT,
  closed_at BIGINT,
  closed_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  close_note TEXT,
  cancelled_at BIGINT,
  cancel_event_id TEXT,
  authenticated BOOLEAN,
  unverified_cancel_at BIGINT,
  cancel_confirmed_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX alarms_state ON alarms(state, raised_at);
CREATE INDEX alarms_home ON alarms(home_id, raised_at);
CREATE INDEX alarms_device ON alarms(gateway_id, device_id, raised_at);

CREATE TABLE alarm_transitions (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alarm_id TEXT NOT NULL REFERENCES alarms(id) ON DELETE CASCADE,
  from_state TEXT,
  to_state TEXT NOT NULL,
  action TEXT NOT NULL,
  at BIGINT NOT NULL,
  by_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  source TEXT NOT NULL CHECK (source IN ('user','pendant','keysafe','system')),
  note TEXT
);
CREATE INDEX alarm_transitions_alarm ON alarm_transitions(alarm_id, at);

CREATE TABLE home_alarm_policies (
  home_id TEXT PRIMARY KEY REFERENCES homes(id) ON DELETE CASCADE,
  unverified_cancel TEXT NOT NULL CHECK (unverified_cancel IN ('refuse','confirm')),
  updated_at BIGINT NOT NULL,
  updated_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
`,
};
