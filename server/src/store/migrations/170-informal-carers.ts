import type Database from 'better-sqlite3';
import type { Migration } from './index.js';

const OLD_ROLES = "'admin','technician','monitor','care_worker','client'";

/**
 * Rebuilds `users` with `informal_carer` among the roles (SQLite cannot widen a CHECK in place). The
 * new table is made from the stored CREATE statement, so columns added by other migrations stay.
 */
function widenUserRoles(db: Database.Database): void {
  const row = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'users'").get() as {
    sql: string;
  };
  if (!row.sql.includes(OLD_ROLES)) return;
  const indexes = db
    .prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'users' AND sql IS NOT NULL")
    .all() as Array<{ sql: string }>;
  const created = row.sql
    .replace(OLD_ROLES, `${OLD_ROLES},'informal_carer'`)
    .replace(/^CREATE TABLE "?users"?/, 'CREATE TABLE users_v170');
  db.exec(created);
  db.exec('INSERT INTO users_v170 SELECT * FROM users');
  db.exec('DROP TABLE users');
  db.exec('ALTER TABLE users_v170 RENAME TO users');
  for (const i of indexes) db.exec(i.sql);
}

/**
 * Informal carers (mantelzorgers) of a client, in the client's order, and their one-time
 * invitations (only a hash of the token is kept). A carer's `user_id` is set once they accepted.
 */
export const m170InformalCarers: Migration = {
  version: 170,
  name: 'informal-carers',
  rebuildsTables: true,
  apply: widenUserRoles,
  up: `
CREATE TABLE informal_carers (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  relation TEXT,
  position INTEGER NOT NULL,
  user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT,
  accepted_at INTEGER,
  removed_at INTEGER
);
CREATE INDEX informal_carers_client ON informal_carers(client_id, position);
CREATE INDEX informal_carers_user ON informal_carers(user_id);

CREATE TABLE carer_invitations (
  token_hash TEXT PRIMARY KEY,
  carer_id TEXT NOT NULL REFERENCES informal_carers(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  created_by TEXT,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX carer_invitations_carer ON carer_invitations(carer_id);
`,
};
