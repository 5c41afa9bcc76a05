import type { Migration } from './index.js';

/**
 * Health: current state per gateway and device (one row each, updated in place), a
 * compact 5-minute history per gateway, incidents (downtime counted from the last time seen),
 * budget alerts, device warnings, and the platform's own run record.
 */
export const m011Health: Migration = {
  version: 11,
  name: 'health',
  up: `
CREATE TABLE gateway_state (
  gateway_id TEXT PRIMARY KEY,
  last_seen_at INTEGER,
  interval_s INTEGER NOT NULL,
  availability TEXT CHECK (availability IN ('online','offline')),
  availability_at INTEGER,
  software TEXT,
  uptime_s INTEGER,
  mains TEXT,
  unit_battery INTEGER,
  outbox_depth INTEGER,
  outbox_oldest_age_s INTEGER,
  clock_offset_ms INTEGER,
  scan_running INTEGER,
  scan_restarts INTEGER,
  updated_at INTEGER NOT NULL
);

CREATE TABLE device_state (
  device_id TEXT NOT NULL,
  gateway_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  link TEXT NOT NULL,
  last_seen_at INTEGER,
  rssi INTEGER,
  battery INTEGER,
  firmware TEXT,
  link_changes TEXT NOT NULL DEFAULT '[]',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (gateway_id, device_id)
);

CREATE TABLE gateway_buckets (
  gateway_id TEXT NOT NULL,
  bucket_start INTEGER NOT NULL,
  heartbeats INTEGER NOT NULL DEFAULT 0,
  offline INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (gateway_id, bucket_start)
);

CREATE TABLE incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subject_kind TEXT NOT NULL CHECK (subject_kind IN ('gateway','device','platform')),
  subject_id TEXT NOT NULL,
  gateway_id TEXT,
  home_id TEXT,
  cause TEXT NOT NULL CHECK (cause IN ('silence','offline','platform_down')),
  started_at INTEGER NOT NULL,
  detected_at INTEGER NOT NULL,
  ended_at INTEGER,
  downtime_ms INTEGER
);
CREATE UNIQUE INDEX incidents_one_open ON incidents(subject_kind, subject_id) WHERE ended_at IS NULL;
CREATE INDEX incidents_home ON incidents(home_id, started_at);

CREATE TABLE budget_alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  scope TEXT NOT NULL,
  kind TEXT NOT NULL,
  incident_id INTEGER,
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  detail TEXT NOT NULL
);
CREATE UNIQUE INDEX budget_alerts_one_open ON budget_alerts(scope, kind, IFNULL(incident_id, 0)) WHERE closed_at IS NULL;

CREATE TABLE device_warnings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id TEXT NOT NULL,
  gateway_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  closed_at INTEGER,
  detail TEXT NOT NULL
);
CREATE UNIQUE INDEX device_warnings_one_open ON device_warnings(gateway_id, device_id, kind) WHERE closed_at IS NULL;

CREATE TABLE platform_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at INTEGER NOT NULL,
  last_alive_at INTEGER NOT NULL,
  stopped_at INTEGER
);
`,
};
