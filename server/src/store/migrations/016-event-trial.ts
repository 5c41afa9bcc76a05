import type { Migration } from './index.js';

/** Events sent during the installation check are trials: stored and shown, never an alarm [MQTT-MAP §4.1.1]. */
export const m016EventTrial: Migration = {
  version: 16,
  name: 'event-trial',
  up: `
    ALTER TABLE events ADD COLUMN trial INTEGER NOT NULL DEFAULT 0;
  `,
};
