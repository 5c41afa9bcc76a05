import type { PgMigration } from './index.js';

/**
 * Pendant pairings the server pushes to home units in their `config` topic (MQTT-MAP §4.7): SQLite's
 * `090-pendant-pairings` in PostgreSQL's types. The key is sealed (never in the clear).
 */
export const pg060PendantPairings: PgMigration = {
  version: 60,
  name: 'pendant-pairings',
  up: `
CREATE TABLE pendant_pairings (
  device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('bthome', 'baken')),
  key_sealed TEXT,
  updated_at BIGINT NOT NULL,
  updated_by TEXT
);
`,
};
