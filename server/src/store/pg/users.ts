import { randomUUID } from 'node:crypto';
import type { NewUser, User, UserPatch, UsersRepository, UserWithSecret } from '../repositories/users.js';
import { toUser, type UserRow } from '../rows/users.js';
import type { PgHandle } from './pg-database.js';

export class PgUsersRepository implements UsersRepository {
  constructor(private readonly db: PgHandle) {}

  async count(): Promise<number> {
    return (await this.db.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM users')).rows[0]!.n;
  }

  async create(u: NewUser, now: number): Promise<User> {
    const r = await this.db.sql.query<UserRow>(
      `INSERT INTO users (id, username, display_name, role, password_hash, client_id, valid_until, disabled, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8, $8) RETURNING *`,
      [
        randomUUID(),
        u.username,
        u.displayName,
        u.role,
        u.passwordHash,
        u.clientId ?? null,
        u.validUntil ?? null,
        now,
      ],
    );
    return toUser(r.rows[0]!);
  }

  async get(id: string): Promise<User | null> {
    const r = await this.db.sql.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return r.rows[0] ? toUser(r.rows[0]) : null;
  }

  async findForLogin(username: string): Promise<UserWithSecret | null> {
    // lower() on both sides uses the unique index users_username_key (case-insensitive, as NOCASE).
    // The parameter takes the column's "C" collation: under the database's own (say Dutch) collation
    // lower() would fold É to é as well, which NOCASE does not — and find another user.
    const r = await this.db.sql.query<UserRow>(
      'SELECT * FROM users WHERE lower(username) = lower($1 COLLATE "C")',
      [username],
    );
    const row = r.rows[0];
    return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
  }

  async list(): Promise<User[]> {
    return (await this.db.sql.query<UserRow>('SELECT * FROM users ORDER BY lower(username)')).rows.map(
      toUser,
    );
  }

  async update(id: string, p: UserPatch, now: number): Promise<User | null> {
    const sets: string[] = [];
    const vals: unknown[] = [];
    const add = (col: string, v: unknown) => {
      vals.push(v);
      sets.push(`${col} = $${vals.length}`);
    };
    if (p.displayName !== undefined) add('display_name', p.displayName);
    if (p.role !== undefined) add('role', p.role);
    if (p.passwordHash !== undefined) add('password_hash', p.passwordHash);
    if (p.clientId !== undefined) add('client_id', p.clientId);
    if (p.validUntil !== undefined) add('valid_until', p.validUntil);
    if (p.disabled !== undefined) add('disabled', p.disabled);
    add('updated_at', now);
    vals.push(id);
    const r = await this.db.sql.query<UserRow>(
      `UPDATE users SET ${sets.join(', ')} WHERE id = $${vals.length} RETURNING *`,
      vals,
    );
    return r.rows[0] ? toUser(r.rows[0]) : null;
  }

  async delete(id: string): Promise<boolean> {
    return ((await this.db.sql.query('DELETE FROM users WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }
}
