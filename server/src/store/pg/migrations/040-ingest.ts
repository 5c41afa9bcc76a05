import type { PgMigration } from './index.js';

/**
 * Ingest (SQLite's `010-ingest` and `016-event-trial`) in PostgreSQL's types: every gateway event
 * stored once by its id [MQTT-MAP §4.1.1] — the primary key is what makes a duplicate delivered to
 * a second instance "already stored" (`INSERT … ON CONFLICT DO NOTHING`) — and the installation
 * test reports from `check` [MQTT-MAP §4.8]. `data` and `steps` are the validated JSON as text, as
 * in SQLite, so both bindings hand back the same values.
 */
export const pg040Ingest: PgMigration = {
  version: 40,
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
  device_time BIGINT,
  received_at BIGINT NOT NULL,
  stored_at BIGINT NOT NULL,
  seq BIGINT,
  data TEXT NOT NULL,
  trial BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX events_home ON events(home_id, received_at);
CREATE INDEX events_device ON events(device_id, received_at);

CREATE TABLE check_reports (
  id TEXT PRIMARY KEY,
  gateway_id TEXT NOT NULL,
  home_id TEXT,
  at BIGINT NOT NULL,
  technician TEXT,
  passed BOOLEAN NOT NULL,
  steps TEXT NOT NULL,
  stored_at BIGINT NOT NULL
);
CREATE INDEX check_reports_gateway ON check_reports(gateway_id, at);
`,
};
