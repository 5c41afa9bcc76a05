import type { Migration } from './index.js';

/**
 * A pendant's latest open alarm (what its `cancel` acts on, inside the ingest turn) is found by
 * this index instead of a scan of every alarm ever raised; PostgreSQL's migration 045 has the same.
 */
export const m245AlarmsDevice: Migration = {
  version: 245,
  name: 'alarms-device',
  up: 'CREATE INDEX alarms_device ON alarms(gateway_id, device_id, raised_at);',
};
