import { bindStore, type StoreHandle } from '../../store/storage.js';
import type { InAccounts } from './in-account-store.js';
import type { InLog } from './in-log-store.js';
import type { OutAccounts } from './out-account-store.js';
import type { OutboxStore } from './outbox-store.js';
import { PgInAccounts } from './pg-in-accounts.js';
import { PgInLog } from './pg-in-log.js';
import { PgOutAccounts } from './pg-out-accounts.js';
import { PgOutbox } from './pg-outbox.js';
import type { SecretBox } from './secret-box.js';
import { SqliteInAccounts } from './sqlite-in-accounts.js';
import { SqliteInLog } from './sqlite-in-log.js';
import { SqliteOutAccounts } from './sqlite-out-accounts.js';
import { SqliteOutbox } from './sqlite-outbox.js';

/**
 * The alarm-centre stores on `h` — the shared handle, or one transaction's (an ingest turn's
 * `ctx.tx`) — with its database's binding (store README, "Module stores on PostgreSQL").
 */
export function outboxOn(h: StoreHandle): OutboxStore {
  return bindStore<OutboxStore>(h, { sqlite: (s) => new SqliteOutbox(s), postgres: (p) => new PgOutbox(p) });
}

export function outAccountsOn(h: StoreHandle, box: SecretBox): OutAccounts {
  return bindStore<OutAccounts>(h, {
    sqlite: (s) => new SqliteOutAccounts(s, box),
    postgres: (p) => new PgOutAccounts(p, box),
  });
}

export function inAccountsOn(h: StoreHandle, box: SecretBox): InAccounts {
  return bindStore<InAccounts>(h, {
    sqlite: (s) => new SqliteInAccounts(s, box),
    postgres: (p) => new PgInAccounts(p, box),
  });
}

export function inLogOn(h: StoreHandle): InLog {
  return bindStore<InLog>(h, { sqlite: (s) => new SqliteInLog(s), postgres: (p) => new PgInLog(p) });
}
