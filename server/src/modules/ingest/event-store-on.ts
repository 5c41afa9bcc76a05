import { bindStore, type StoreHandle } from '../../store/storage.js';
import type { EventStore } from './event-store.js';
import { PgEventStore } from './pg-event-store.js';
import { SqliteEventStore } from './sqlite-event-store.js';

/** The event store on `h` (the shared handle, or a turn's transaction) with its database's binding. */
export function eventStoreOn(h: StoreHandle): EventStore {
  return bindStore<EventStore>(h, {
    sqlite: (s) => new SqliteEventStore(s),
    postgres: (p) => new PgEventStore(p),
  });
}
