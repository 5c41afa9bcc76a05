import type { Db } from '../../store/database.js';
import { bindStore, type StoreHandle } from '../../store/storage.js';
import { AuditChain } from './audit-chain.js';
import type { AuditStore } from './audit-store.js';
import { PgAuditStore } from './pg-audit-store.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';

export { AuditChain } from './audit-chain.js';
export type * from './audit-store.js';

/** The audit chain over the SQLite store: the composition the CLI and tests use. */
export class AuditLog extends AuditChain {
  constructor(db: Db) {
    super(new SqliteAuditStore(db));
  }
}

/** The audit chain over the deployment's database (`app.baken.storage.handle`, or a transaction's). */
export function auditChainOn(h: StoreHandle): AuditChain {
  return new AuditChain(
    bindStore<AuditStore>(h, {
      sqlite: (s) => new SqliteAuditStore(s),
      postgres: (p) => new PgAuditStore(p),
    }),
  );
}
