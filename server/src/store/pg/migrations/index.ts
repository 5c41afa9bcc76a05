import { pg001Core } from './001-core.js';
import { pg002Leases } from './002-leases.js';
import { pg010Audit } from './010-audit.js';
import { pg011Updates } from './011-updates.js';
import { pg012Followup } from './012-followup.js';
import { pg013AlarmCentreOut } from './013-alarm-centre-out.js';
import { pg014AlarmCentreIn } from './014-alarm-centre-in.js';
import { pg020AccessKeysafes } from './020-access-keysafes.js';
import { pg021AccessMatrix } from './021-access-matrix.js';
import { pg030LiveEvents } from './030-live-events.js';
import { pg031RateLimitHits } from './031-rate-limit-hits.js';
import { pg040Ingest } from './040-ingest.js';
import { pg045Alarms } from './045-alarms.js';
import { pg046FollowupAlarmKeys } from './046-followup-alarm-keys.js';
import { pg050Health } from './050-health.js';
import { pg060PendantPairings } from './060-pendant-pairings.js';
import { pg070EventsNoDeviceIndex } from './070-events-no-device-index.js';

/**
 * A versioned schema change of the PostgreSQL store: its own numbered tree, separate from the
 * SQLite migrations (`store/migrations/`), mirroring the same tables with PostgreSQL's types
 * (store README, "PostgreSQL"). Never edit one that has shipped — add a new one.
 */
export interface PgMigration {
  version: number;
  name: string;
  up: string;
}

export const pgMigrations: readonly PgMigration[] = [
  pg001Core,
  pg002Leases,
  pg010Audit,
  pg011Updates,
  pg012Followup,
  pg013AlarmCentreOut,
  pg014AlarmCentreIn,
  pg020AccessKeysafes,
  pg021AccessMatrix,
  pg030LiveEvents,
  pg031RateLimitHits,
  pg040Ingest,
  pg045Alarms,
  pg046FollowupAlarmKeys,
  pg050Health,
  pg060PendantPairings,
  pg070EventsNoDeviceIndex,
];
