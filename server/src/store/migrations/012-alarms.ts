import type { Migration } from './index.js';

/**
 * The alarm inbox: one alarm per pendant alarm/fall event, its state and every
 * transition with who and when. `assigned_team_id` is plain TEXT without a foreign key: teams belong
 * to the access module (migration 051).
 */
export const m012Alarms: Migration = {
  version: 12,
  name: 'alarms',
  up: `
CREATE TABLE alarms (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  gateway_id TEXT NOT NULL,
  home_id TEXT,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('alarm','fall')),
  state TEXT NOT NULL CHECK (state IN ('new','acknowledged','assigned','on_site','closed')),
  raised_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  assigned_at INTEGER,
  assigned_team_id TEXT,
  assigned_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  on_site_at INTEGER,
  on_site_source TEXT,
  closed_at INTEGER,
  closed_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  close_note TEXT,
  cancelled_at INTEGER,
  cancel_event_id TEXT
);
CREATE INDEX alarms_state ON alarms(state, raised_at);
CREATE INDEX alarms_home ON alarms(home_id, raised_at);

CREATE TABLE alarm_transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alarm_id TEXT NOT NULL REFERENCES alarms(id) ON DELETE CASCADE,
  from_state TEXT,
  to_state TEXT NOT NULL,
  action TEXT NOT NULL,
  at INTEGER NOT NULL,
  by_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  source TEXT NOT NULL CHECK (source IN ('user','pendant','keysafe','system')),
  note TEXT
);
CREATE INDEX alarm_transitions_alarm ON alarm_transitions(alarm_id, at);
`,
};
