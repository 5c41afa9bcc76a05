import type { Migration } from './index.js';

/**
 * Key-safe access (REQUIREMENTS §9.3–9.6): the function access matrix (functions, teams, the
 * clients a team serves, time windows per function × situation, employees' functions and teams,
 * signed declarations, the yearly review), per-key-safe keys (encrypted at rest) and command
 * counters, code releases, blocks and pending revocations, device-audit anchors and access alerts.
 * Team ids are TEXT (the alarms module stores `assigned_team_id` as plain TEXT).
 */
export const m051Access: Migration = {
  version: 51,
  name: 'access',
  up: `
CREATE TABLE access_functions (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE access_windows (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  function_id TEXT NOT NULL REFERENCES access_functions(id) ON DELETE CASCADE,
  situation TEXT NOT NULL CHECK (situation IN ('planned_care','alarm')),
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  from_minute INTEGER NOT NULL CHECK (from_minute BETWEEN 0 AND 1439),
  to_minute INTEGER NOT NULL CHECK (to_minute BETWEEN 1 AND 1440),
  CHECK (from_minute < to_minute)
);
CREATE INDEX access_windows_function ON access_windows(function_id, situation);
CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE team_clients (
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, client_id)
);
CREATE TABLE team_regions (
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  region TEXT NOT NULL,
  PRIMARY KEY (team_id, region)
);
CREATE TABLE employee_functions (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  function_id TEXT NOT NULL REFERENCES access_functions(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, function_id)
);
CREATE TABLE team_members (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, team_id)
);
CREATE TABLE access_declarations (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  signed_at INTEGER NOT NULL,
  document_ref TEXT NOT NULL,
  recorded_by TEXT,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX access_declarations_user ON access_declarations(user_id);
CREATE TABLE access_matrix_reviews (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  reviewed_at INTEGER NOT NULL,
  reviewed_by TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE access_holders (
  holder_id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL UNIQUE
);
CREATE TABLE access_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  settings TEXT NOT NULL
);

CREATE TABLE keysafe_keys (
  device_id TEXT PRIMARY KEY,
  serial TEXT NOT NULL,
  key_sealed TEXT NOT NULL,
  next_counter INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
);
CREATE TABLE keysafe_state (
  device_id TEXT PRIMARY KEY,
  gateway_id TEXT,
  gateway_online INTEGER NOT NULL DEFAULT 0,
  gateway_seen_at INTEGER,
  blocked INTEGER NOT NULL DEFAULT 0,
  clock_offset_ms INTEGER,
  clock_reported_at INTEGER,
  audit_anchor_seq INTEGER NOT NULL DEFAULT 0,
  audit_anchor_mac TEXT NOT NULL DEFAULT '00000000000000000000000000000000',
  last_event_seq INTEGER
);

CREATE TABLE access_blocks (
  id TEXT PRIMARY KEY,
  scope TEXT NOT NULL CHECK (scope IN ('keysafe','person','team')),
  target TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  lifted_at INTEGER,
  lifted_by TEXT
);
CREATE INDEX access_blocks_target ON access_blocks(scope, target);

CREATE TABLE access_releases (
  id TEXT PRIMARY KEY,
  home_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  team_id TEXT,
  function_id TEXT,
  situation TEXT NOT NULL CHECK (situation IN ('planned_care','alarm')),
  alarm_id TEXT,
  mode TEXT NOT NULL CHECK (mode IN ('online_pin','offline_window','remote_open','phone_code')),
  holder_id INTEGER NOT NULL,
  slot INTEGER NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_until INTEGER NOT NULL,
  issued_at INTEGER NOT NULL,
  issued_by TEXT NOT NULL,
  alarm_raised_at INTEGER,
  opened_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX access_releases_home ON access_releases(home_id, issued_at);
CREATE INDEX access_releases_user ON access_releases(user_id, issued_at);
CREATE INDEX access_releases_device ON access_releases(device_id, valid_until);

CREATE TABLE keysafe_commands (
  id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  purpose TEXT NOT NULL,
  release_id TEXT,
  created_at INTEGER NOT NULL,
  counter INTEGER,
  status TEXT NOT NULL CHECK (status IN ('pending','sent','ok','refused','failed','dropped')),
  sent_at INTEGER,
  result_at INTEGER,
  result_reason TEXT
);
CREATE INDEX keysafe_commands_device ON keysafe_commands(device_id, status);

CREATE TABLE access_alerts (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  message TEXT NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by TEXT
);
CREATE INDEX access_alerts_open ON access_alerts(acknowledged_at, at);

CREATE TABLE access_seen_events (
  event_id TEXT PRIMARY KEY,
  at INTEGER NOT NULL
);
`,
};
