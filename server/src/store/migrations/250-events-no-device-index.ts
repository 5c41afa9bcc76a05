import type { Migration } from './index.js';

/**
 * No index on `events(device_id, received_at)`: nothing reads events by device (the home timeline
 * reads by home, `events_home`), and every ingested event paid a fourth B-tree insert for it — about
 * a fifth of the event INSERT's cost (docs/scaling.md §3, "CPU per event on the SQLite path").
 * PostgreSQL's migration 070 drops it too.
 */
export const m250EventsNoDeviceIndex: Migration = {
  version: 250,
  name: 'events-no-device-index',
  up: 'DROP INDEX IF EXISTS events_device;',
};
