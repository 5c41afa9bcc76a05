// The rows of this aggregate's tables and their mapping to the domain type, shared by the SQLite and
// PostgreSQL bindings (server/src/store/README.md, "Rows").
import type { Role, User } from '../repositories/users.js';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  client_id: string | null;
  valid_until: number | null;
  /** BOOLEAN in PostgreSQL, 0/1 in SQLite. */
  disabled: boolean | 0 | 1;
  created_at: number;
  updated_at: number;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  clientId: r.client_id,
  validUntil: r.valid_until,
  disabled: r.disabled === true || r.disabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
