import { bindStore, type StoreHandle } from '../../store/storage.js';
import type { AlarmSource } from './alarm-source.js';
import { PgAlarmSource } from './pg-alarm-source.js';
import { SqliteAlarmSource } from './sqlite-alarm-source.js';

/** The open alarms of a home, read from the alarms module's table on `h`. */
export const alarmSourceOn = (h: StoreHandle): AlarmSource =>
  bindStore<AlarmSource>(h, {
    sqlite: (s) => new SqliteAlarmSource(s),
    postgres: (p) => new PgAlarmSource(p),
  });
