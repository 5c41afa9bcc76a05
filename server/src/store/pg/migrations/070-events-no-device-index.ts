import type { PgMigration } from './index.js';

/** SQLite's `250-events-no-device-index`: nothing reads events by device; each insert paid for it. */
export const pg070EventsNoDeviceIndex: PgMigration = {
  version: 70,
  name: 'events-no-device-index',
  up: 'DROP INDEX IF EXISTS events_device;',
};
