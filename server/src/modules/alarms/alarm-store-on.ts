import { bindStore, type StoreHandle } from '../../store/storage.js';
import type { AlarmStore } from './alarm-store.js';
import type { CancelPolicies } from './cancel-policy.js';
import { PgAlarmStore } from './pg-alarm-store.js';
import { PgCancelPolicies } from './pg-cancel-policies.js';
import { SqliteAlarmStore } from './sqlite-alarm-store.js';
import { SqliteCancelPolicies } from './sqlite-cancel-policies.js';

/** The alarm store on `h` (the shared handle, or a transaction's such as the ingest turn's `ctx.tx`). */
export const alarmStoreOn = (h: StoreHandle): AlarmStore =>
  bindStore<AlarmStore>(h, { sqlite: (s) => new SqliteAlarmStore(s), postgres: (p) => new PgAlarmStore(p) });

/** The homes' alarm policies on `h`. */
export const cancelPoliciesOn = (h: StoreHandle): CancelPolicies =>
  bindStore<CancelPolicies>(h, {
    sqlite: (s) => new SqliteCancelPolicies(s),
    postgres: (p) => new PgCancelPolicies(p),
  });
