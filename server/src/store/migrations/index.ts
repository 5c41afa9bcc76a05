import type Database from 'better-sqlite3';
import { m001Core } from './001-core.js';
import { m010Ingest } from './010-ingest.js';
import { m011Health } from './011-health.js';
import { m012Alarms } from './012-alarms.js';
import { m016EventTrial } from './016-event-trial.js';
import { m050Audit } from './050-audit.js';
import { m051Access } from './051-access.js';
import { m052AccessGateways } from './052-access-gateways.js';
import { m090PendantPairings } from './090-pendant-pairings.js';
import { m093PendantAuth } from './093-pendant-auth.js';
import { m110HealthStorage } from './110-health-storage.js';
import { m130Updates } from './130-updates.js';
import { m150AlarmCentre } from './150-alarm-centre.js';
import { m158Dc09RepeatDigest } from './158-dc09-repeat-digest.js';
import { m170InformalCarers } from './170-informal-carers.js';
import { m171Followup } from './171-followup.js';
import { m172CarerKeyConsent } from './172-carer-key-consent.js';
import { m240PushLanguage } from './240-push-language.js';
import { m245AlarmsDevice } from './245-alarms-device.js';
import { m250EventsNoDeviceIndex } from './250-events-no-device-index.js';

/**
 * A versioned schema change. Add a file `NNN-name.ts` exporting one `Migration` and list it here;
 * never edit a migration that has shipped — add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  up: string;
  /** Work SQL alone cannot say (e.g. rebuilding a table whatever columns later versions added), after `up`. */
  apply?: (db: Database.Database) => void;
  /** Rebuilds a table: runs with foreign keys off and checks them before committing. */
  rebuildsTables?: boolean;
}

export const migrations: readonly Migration[] = [
  m001Core,
  m010Ingest,
  m011Health,
  m012Alarms,
  m016EventTrial,
  m050Audit,
  m051Access,
  m052AccessGateways,
  m090PendantPairings,
  m093PendantAuth,
  m110HealthStorage,
  m130Updates,
  m150AlarmCentre,
  m158Dc09RepeatDigest,
  m170InformalCarers,
  m171Followup,
  m172CarerKeyConsent,
  m240PushLanguage,
  m245AlarmsDevice,
  m250EventsNoDeviceIndex,
];
