import { randomUUID } from 'node:crypto';
import type { Db } from '../database.js';
import type { NewUser, User, UserPatch, UsersRepository, UserWithSecret } from '../repositories/users.js';
import { toUser, type UserRow } from '../rows/users.js';

export class SqliteUsersRepository implements UsersRepository {
  constructor(private readonly db: Db) {}

  async count(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  async create(u: NewUser, now: number): Promise<User> {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO users (id, username, display_name, role, password_hash, client_id, valid_until, disabled, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
      )
      .run(
        id,
        u.username,
        u.displayName,
        u.role,
        u.passwordHash,
        u.clientId ?? null,
        u.validUntil ?? null,
        now,
        now,
      );
    return (await this.get(id))!;
  }

  async get(id: string): Promise<User | null> {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  async findForLogin(username: string): Promise<UserWithSecret | null> {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return r ? { ...toUser(r), passwordHash: r.password_hash } : null;
  }

  async list(): Promise<User[]> {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
  }

  async update(id: string, p: UserPatch, now: number): Promise<User | null> {
    const sets: string[] = [];
    const vals: unknown[] = [];
    const add = (col: string, v: unknown) => {
      sets.push(`${col} = ?`);
      vals.push(v);
    };
    if (p.displayName !== undefined) add('display_name', p.displayName);
    if (p.role !== undefined) add('role', p.role);
    if (p.passwordHash !== undefined) add('password_hash', p.passwordHash);
    if (p.clientId !== undefined) add('client_id', p.clientId);
    if (p.validUntil !== undefined) add('valid_until', p.validUntil);
    if (p.disabled !== undefined) add('disabled', p.disabled ? 1 : 0);
    add('updated_at', now);
    const res = this.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...vals, id);
    return res.changes === 0 ? null : this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
  }
}
