import type { Db } from '../database.js';
import type {
  ApiToken,
  ApiTokensRepository,
  Session,
  SessionsRepository,
} from '../repositories/credentials.js';
import { type SessionRow, type TokenRow, toToken } from '../rows/credentials.js';

export class SqliteSessionsRepository implements SessionsRepository {
  constructor(private readonly db: Db) {}

  async create(s: Session): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(s.idHash, s.userId, s.createdAt, s.expiresAt);
  }

  async findValid(idHash: string, now: number): Promise<Session | null> {
    const r = this.db
      .prepare('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?')
      .get(idHash, now) as SessionRow | undefined;
    return r
      ? { idHash: r.id_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at }
      : null;
  }

  async delete(idHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  async deleteForUser(userId: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  async purgeExpired(now: number): Promise<number> {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }
}

export class SqliteApiTokensRepository implements ApiTokensRepository {
  constructor(private readonly db: Db) {}

  async create(t: ApiToken & { tokenHash: string }): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at, last_used_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)`,
      )
      .run(t.id, t.userId, t.name, t.tokenHash, t.createdAt, t.expiresAt);
  }

  async useValid(tokenHash: string, now: number): Promise<ApiToken | null> {
    const r = this.db
      .prepare(
        `SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
      )
      .get(tokenHash, now) as TokenRow | undefined;
    if (!r) return null;
    this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now, r.id);
    return toToken({ ...r, last_used_at: now });
  }

  async listForUser(userId: string): Promise<ApiToken[]> {
    return (
      this.db
        .prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at')
        .all(userId) as TokenRow[]
    ).map(toToken);
  }

  async revoke(id: string, userId: string, now: number): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL')
        .run(now, id, userId).changes > 0
    );
  }
}
