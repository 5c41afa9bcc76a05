import type { PgMigration } from './index.js';

/**
 * The access module's key-safe tables of SQLite's `051-access` and `052-access-gateways` (the
 * matrix and the carers' consents come in their own migration): sealed keys and command counters,
 * per-key-safe state, the command queue, releases, blocks, alerts, seen events, home-unit state and
 * settings. Instants are `BIGINT` ms, flags `BOOLEAN`, ids sorted by are `COLLATE "C"`.
 *
 * What SQLite got from running one statement at a time is a constraint here: a window code's window
 * and slot are unique per key safe (`access_releases_window_slot`, so one offline code is never
 * given out twice); `keysafe_commands.seq` keeps insertion order, as SQLite's rowid does, for
 * commands queued in the same millisecond.
 */
export const pg020AccessKeysafes: PgMigration = {
  version: 20,
  name: 'access-keysafes',
  up: `
CREATE TABLE keysafe_keys (
  device_id TEXT PRIMARY KEY,
  serial TEXT NOT NULL,
  key_sealed TEXT NOT NULL,
  next_counter BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE TABLE keysafe_state (
  device_id TEXT PRIMARY KEY,
  gateway_id TEXT,
  gateway_online BOOLEAN NOT NULL DEFAULT FALSE,
  gateway_seen_at BIGINT,
  blocked BOOLEAN NOT NULL DEFAULT FALSE,
  clock_offset_ms BIGINT,
  clock_reported_at BIGINT,
  audit_anchor_seq BIGINT NOT NULL DEFAULT 0,
  audit_anchor_mac TEXT NOT NULL DEFAULT '00000000000000000000000000000000',
  last_event_seq BIGINT,
  offline_generation INTEGER NOT NULL DEFAULT 0,
  offline_delivered_generation INTEGER
);
CREATE TABLE access_blocks (
  id TEXT PRIMARY KEY,
  scope TEXT NOT NULL CHECK (scope IN ('keysafe','person','team')),
  target TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  lifted_at BIGINT,
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
  holder_id BIGINT NOT NULL,
  slot INTEGER NOT NULL,
  valid_from BIGINT NOT NULL,
  valid_until BIGINT NOT NULL,
  issued_at BIGINT NOT NULL,
  issued_by TEXT NOT NULL,
  alarm_raised_at BIGINT,
  opened_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX access_releases_home ON access_releases(home_id, issued_at);
CREATE INDEX access_releases_user ON access_releases(user_id, issued_at);
CREATE INDEX access_releases_device ON access_releases(device_id, valid_until);
CREATE UNIQUE INDEX access_releases_window_slot ON access_releases(device_id, valid_from, valid_until, slot)
  WHERE mode = 'offline_window';
CREATE TABLE keysafe_commands (
  id TEXT PRIMARY KEY,
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  purpose TEXT NOT NULL,
  release_id TEXT,
  created_at BIGINT NOT NULL,
  counter BIGINT,
  status TEXT NOT NULL CHECK (status IN ('pending','sent','ok','refused','failed','dropped')),
  sent_at BIGINT,
  result_at BIGINT,
  result_reason TEXT
);
CREATE INDEX keysafe_commands_device ON keysafe_commands(device_id, status);
CREATE INDEX keysafe_commands_release ON keysafe_commands(release_id);
CREATE TABLE access_alerts (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  message TEXT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by TEXT
);
CREATE INDEX access_alerts_open ON access_alerts(acknowledged_at, at);
CREATE TABLE access_seen_events (
  event_id TEXT PRIMARY KEY,
  at BIGINT NOT NULL
);
CREATE TABLE access_gateway_state (
  gateway_id TEXT PRIMARY KEY,
  online BOOLEAN NOT NULL,
  at BIGINT NOT NULL
);
CREATE TABLE access_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  settings TEXT NOT NULL
);
`,
};
