import type { PgMigration } from './index.js';

/**
 * Gateway updates (SQLite's `130-updates`), in PostgreSQL's types: the package is `BYTEA`, instants
 * `BIGINT` ms. One more unique key than SQLite: at most one running or paused rollout per version
 * (a partial unique index), which the single SQLite process checks inside its insert transaction.
 */
export const pg011Updates: PgMigration = {
  version: 11,
  name: 'updates',
  up: `
CREATE TABLE update_releases (
  version TEXT COLLATE "C" PRIMARY KEY,
  arch TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  key_id TEXT NOT NULL,
  signature_json TEXT NOT NULL,
  package BYTEA NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  uploaded_at BIGINT NOT NULL,
  uploaded_by TEXT NOT NULL
);

CREATE TABLE update_rollouts (
  id TEXT COLLATE "C" PRIMARY KEY,
  version TEXT COLLATE "C" NOT NULL REFERENCES update_releases(version),
  target_json TEXT NOT NULL,
  waves_json TEXT NOT NULL,
  wave INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('running','paused','completed','aborted')),
  pause_reason TEXT,
  max_failure_pct INTEGER NOT NULL,
  failures_accepted INTEGER NOT NULL DEFAULT 0,
  wave_started_at BIGINT,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX update_rollouts_state ON update_rollouts(state);
CREATE UNIQUE INDEX update_rollouts_one_active ON update_rollouts(version) WHERE state IN ('running','paused');

CREATE TABLE update_rollout_units (
  rollout_id TEXT COLLATE "C" NOT NULL REFERENCES update_rollouts(id) ON DELETE CASCADE,
  gateway_id TEXT COLLATE "C" NOT NULL,
  home_id TEXT,
  wave INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending','offered','installing','healthy','rolled_back','failed','refused')),
  transaction_id TEXT,
  running_version TEXT,
  reason TEXT,
  offered_at BIGINT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (rollout_id, gateway_id)
);
CREATE INDEX update_rollout_units_gateway ON update_rollout_units(gateway_id);
CREATE UNIQUE INDEX update_rollout_units_tx ON update_rollout_units(transaction_id) WHERE transaction_id IS NOT NULL;
`,
};
