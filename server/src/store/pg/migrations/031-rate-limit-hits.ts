import type { PgMigration } from './index.js';

/**
 * Rate limits shared by every instance (`cluster/pg-hit-counter.ts`): one row per counted hit
 * (failed login, provision call) of a limit `name`, its key (a username or address) stored only
 * as a hash. The SQLite deployment counts in its process's memory (`auth/rate-limiter.ts`).
 */
export const pg031RateLimitHits: PgMigration = {
  version: 31,
  name: 'rate-limit-hits',
  up: `
CREATE TABLE rate_limit_hits (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX rate_limit_hits_key ON rate_limit_hits (name, key_hash, at);
`,
};
