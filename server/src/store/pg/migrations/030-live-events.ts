import type { PgMigration } from './index.js';

/**
 * The live stream's recent events, shared by every instance (`cluster/pg-live-feed.ts`): each
 * instance appends what its domain bus emits and notifies the id; every instance's dashboards
 * stream every row, and a dashboard reconnecting to any instance resumes after its last id. Rows
 * are kept minutes, not history (pruned by one instance under the `live.prune` lease). The SQLite
 * deployment keeps them in its process's memory (`modules/health/stream-log.ts`).
 */
export const pg030LiveEvents: PgMigration = {
  version: 30,
  name: 'live-events',
  up: `
CREATE TABLE live_events (
  id BIGSERIAL PRIMARY KEY,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX live_events_at ON live_events (at);
`,
};
