import { describe } from 'vitest';
import { needPostgres, sqliteStore, usePostgres } from '../../store/testing/store-fixture.js';
import { PgAlarmStore } from '../alarms/pg-alarm-store.js';
import { SqliteAlarmStore } from '../alarms/sqlite-alarm-store.js';
import { PgAlarmSource } from './pg-alarm-source.js';
import { SqliteAlarmSource } from './sqlite-alarm-source.js';
import { alarmSourceContract } from './testing/alarm-source-contract.js';

alarmSourceContract(
  'SQLite (in memory)',
  sqliteStore((h) => ({ source: new SqliteAlarmSource(h), alarms: new SqliteAlarmStore(h) })),
);

describe.skipIf(!needPostgres())('the alarm source on PostgreSQL', () => {
  const pg = usePostgres();
  alarmSourceContract(
    'PostgreSQL',
    pg.store('alarm_transitions, alarms', (db) => ({
      source: new PgAlarmSource(db),
      alarms: new PgAlarmStore(db),
    })),
  );
});
