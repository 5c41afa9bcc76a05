import type { Migration } from './index.js';

/**
 * Server-pushed gateway updates (server/src/modules/updates/README.md): signed releases as uploaded
 * (the package bytes and the maintainer's signature document), rollouts in waves, and each unit's
 * state in a rollout.
 */
export const m130Updates: Migration = {
  version: 130,
  name: 'updates',
  up: `
CREATE TABLE update_releases (
  version TEXT PRIMARY KEY,
  arch TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  key_id TEXT NOT NULL,
  signature_json TEXT NOT NULL,
  package BLOB NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  uploaded_at INTEGER NOT NULL,
  uploaded_by TEXT NOT NULL
);

CREATE TABLE update_rollouts (
  id TEXT PRIMARY KEY,
  version TEXT NOT NULL REFERENCES update_releases(version),
  target_json TEXT NOT NULL,
  waves_json TEXT NOT NULL,
  wave INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('running','paused','completed','aborted')),
  pause_reason TEXT,
  max_failure_pct INTEGER NOT NULL,
  -- failed or rolled-back units of the current wave an admin accepted by resuming
  failures_accepted INTEGER NOT NULL DEFAULT 0,
  wave_started_at INTEGER,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX update_rollouts_state ON update_rollouts(state);

CREATE TABLE update_rollout_units (
  rollout_id TEXT NOT NULL REFERENCES update_rollouts(id) ON DELETE CASCADE,
  gateway_id TEXT NOT NULL,
  home_id TEXT,
  wave INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending','offered','installing','healthy','rolled_back','failed','refused')),
  transaction_id TEXT,
  running_version TEXT,
  reason TEXT,
  offered_at INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (rollout_id, gateway_id)
);
CREATE INDEX update_rollout_units_gateway ON update_rollout_units(gateway_id);
CREATE UNIQUE INDEX update_rollout_units_tx ON update_rollout_units(transaction_id) WHERE transaction_id IS NOT NULL;
`,
};
