import type { Migration } from './index.js';

/**
 * The append-only, hash-chained audit log. UPDATE is always refused; DELETE only while
 * the retention purge holds the guard (`audit_purge_guard.active = 1`, set and cleared inside the
 * purge transaction, see modules/audit/audit-log.ts). Every purge leaves a checkpoint (the hash of the
 * last purged entry) from which verification of the remaining chain starts, and its own audit entry.
 */
export const m050Audit: Migration = {
  version: 50,
  name: 'audit',
  up: `
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject, seq);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TABLE audit_purge_guard (id INTEGER PRIMARY KEY CHECK (id = 1), active INTEGER NOT NULL);
INSERT INTO audit_purge_guard (id, active) VALUES (1, 0);

CREATE TABLE audit_checkpoints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  through_seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'BAKEN_ERR_AUDIT_APPEND_ONLY: audit entries cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN (SELECT active FROM audit_purge_guard WHERE id = 1) <> 1
BEGIN SELECT RAISE(ABORT, 'BAKEN_ERR_AUDIT_APPEND_ONLY: audit entries are removed only by the retention purge'); END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'BAKEN_ERR_AUDIT_APPEND_ONLY: checkpoints cannot be changed'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'BAKEN_ERR_AUDIT_APPEND_ONLY: checkpoints cannot be deleted'); END;
`,
};
