import type { PgMigration } from './index.js';

/**
 * The hash-chained audit log (SQLite's `050-audit` with `052`'s indexes), in PostgreSQL's types.
 * `details` stays the JSON text the entry was written with, as in SQLite (the hash is over its
 * canonical form, so either would verify; text keeps the rows byte-equal across the bindings).
 * UPDATE is always refused; DELETE only while the retention purge holds the guard, which it sets
 * and clears inside its own transaction (so no other transaction ever sees it set).
 */
export const pg010Audit: PgMigration = {
  version: 10,
  name: 'audit',
  up: `
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT COLLATE "C" NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  subject TEXT COLLATE "C" NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject, seq);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor_action ON audit_log(actor, action, at);
CREATE INDEX audit_log_subject_action ON audit_log(subject, action, at);

CREATE TABLE audit_purge_guard (id INTEGER PRIMARY KEY CHECK (id = 1), active BOOLEAN NOT NULL);
INSERT INTO audit_purge_guard (id, active) VALUES (1, FALSE);

CREATE TABLE audit_checkpoints (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  through_seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_log'
     AND (SELECT active FROM audit_purge_guard WHERE id = 1) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'BAKEN_ERR_AUDIT_APPEND_ONLY: % is append-only (entries are removed only by the retention purge)', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
`,
};
