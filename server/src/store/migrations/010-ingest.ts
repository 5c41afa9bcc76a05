import type { Migration } from './index.js';

/**
 * Ingest: every gateway event stored once by its id [MQTT-MAP §4.1.1], and the
 * installation test reports from `check` [MQTT-MAP §4.8]. `data` is the validated JSON of the event.
 */
export const m010Ingest: Migration = {
  version: 10,
  name: 'ingest',
  up: `
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  gateway_id TEXT NOT NULL,
  home_id TEXT,
  device_id TEXT NOT NULL,
  device_kind TEXT NOT NULL,
  kind TEXT NOT NULL,
  priority TEXT NOT NULL,
  device_time INTEGER,
  received_at INTEGER NOT NULL,
  stored_at INTEGER NOT NULL,
  seq INTEGER,
  data TEXT NOT NULL
);
CREATE INDEX events_home ON events(home_id, received_at);
CREATE INDEX events_device ON events(device_id, received_at);

CREATE TABLE check_reports (
  id TEXT PRIMARY KEY,
  gateway_id TEXT NOT NULL,
  home_id TEXT,
  at INTEGER NOT NULL,
  technician TEXT,
  passed INTEGER NOT NULL,
  steps TEXT NOT NULL,
  stored_at INTEGER NOT NULL
);
CREATE INDEX check_reports_gateway ON check_reports(gateway_id, at);
`,
};
