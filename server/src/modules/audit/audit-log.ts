import type { Db } from '../../store/database.js';
import { AuditChain } from './audit-chain.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';

export { AuditChain } from './audit-chain.js';
export type * from './audit-store.js';

/** The audit chain over the SQLite store: the composition the server, the CLI and tests use. */
export class AuditLog extends AuditChain {
  constructor(db: Db) {
    super(new SqliteAuditStore(db));
  }
}
