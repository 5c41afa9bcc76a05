import type { PgMigration } from './index.js';

/**
 * Leases of periodic work shared by all instances (`pg/pg-lease.ts`): who holds each and until
 * when, in epoch ms of the database's clock. The SQLite store needs no table: one process holds
 * its leases in memory (`store/lease.ts`).
 */
export const pg002Leases: PgMigration = {
  version: 2,
  name: 'leases',
  up: `
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  acquired_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
`,
};
