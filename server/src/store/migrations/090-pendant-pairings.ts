import type { Migration } from './index.js';

/** Pendant pairings the server pushes to home units in their `config` topic (MQTT-MAP §4.7). */
export const m090PendantPairings: Migration = {
  version: 90,
  name: 'pendant-pairings',
  up: `
    CREATE TABLE pendant_pairings (
      device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
      address TEXT NOT NULL,
      format TEXT NOT NULL CHECK (format IN ('bthome', 'baken')),
      key_sealed TEXT,
      updated_at INTEGER NOT NULL,
      updated_by TEXT
    );
  `,
};
