import type { Migration } from './index.js';

/**
 * The home unit's outbox disk from its heartbeat [MQTT-MAP §4.3.1] on the gateway's current state,
 * and `storage` incidents (a degraded disk on a home: raised, not counted as downtime). SQLite
 * cannot widen a CHECK in place, so `incidents` is rebuilt with the same rows and indexes.
 */
export const m110HealthStorage: Migration = {
  version: 110,
  name: 'health-storage',
  up: `
ALTER TABLE gateway_state ADD COLUMN storage_state TEXT;
ALTER TABLE gateway_state ADD COLUMN storage_since INTEGER;
ALTER TABLE gateway_state ADD COLUMN storage_memory_depth INTEGER;

CREATE TABLE incidents_v110 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subject_kind TEXT NOT NULL CHECK (subject_kind IN ('gateway','device','platform','storage')),
  subject_id TEXT NOT NULL,
  gateway_id TEXT,
  home_id TEXT,
  cause TEXT NOT NULL CHECK (cause IN ('silence','offline','platform_down','storage_degraded')),
  started_at INTEGER NOT NULL,
  detected_at INTEGER NOT NULL,
  ended_at INTEGER,
  downtime_ms INTEGER
);
INSERT INTO incidents_v110 (id, subject_kind, subject_id, gateway_id, home_id, cause, started_at, detected_at,
  ended_at, downtime_ms)
  SELECT id, subject_kind, subject_id, gateway_id, home_id, cause, started_at, detected_at, ended_at, downtime_ms
  FROM incidents;
DROP TABLE incidents;
ALTER TABLE incidents_v110 RENAME TO incidents;
CREATE UNIQUE INDEX incidents_one_open ON incidents(subject_kind, subject_id) WHERE ended_at IS NULL;
CREATE INDEX incidents_home ON incidents(home_id, started_at);
`,
};
