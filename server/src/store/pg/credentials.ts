import type {
  ApiToken,
  ApiTokensRepository,
  Session,
  SessionsRepository,
} from '../repositories/credentials.js';
import { type SessionRow, type TokenRow, toToken } from '../rows/credentials.js';
import type { PgHandle } from './pg-database.js';

export class PgSessionsRepository implements SessionsRepository {
  constructor(private readonly db: PgHandle) {}

  async create(s: Session): Promise<void> {
    await this.db.sql.query(
      'INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [s.idHash, s.userId, s.createdAt, s.expiresAt],
    );
  }

  async findValid(idHash: string, now: number): Promise<Session | null> {
    const r = (
      await this.db.sql.query<SessionRow>('SELECT * FROM sessions WHERE id_hash = $1 AND expires_at > $2', [
        idHash,
        now,
      ])
    ).rows[0];
    return r
      ? { idHash: r.id_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at }
      : null;
  }

  async delete(idHash: string): Promise<void> {
    await this.db.sql.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.db.sql.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }

  async purgeExpired(now: number): Promise<number> {
    return (await this.db.sql.query('DELETE FROM sessions WHERE expires_at <= $1', [now])).rowCount ?? 0;
  }
}

export class PgApiTokensRepository implements ApiTokensRepository {
  constructor(private readonly db: PgHandle) {}

  async create(t: ApiToken & { tokenHash: string }): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at, last_used_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)`,
      [t.id, t.userId, t.name, t.tokenHash, t.createdAt, t.expiresAt],
    );
  }

  async useValid(tokenHash: string, now: number): Promise<ApiToken | null> {
    // Check and mark used in one statement.
    const r = (
      await this.db.sql.query<TokenRow>(
        `UPDATE api_tokens SET last_used_at = $2
         WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
         RETURNING *`,
        [tokenHash, now],
      )
    ).rows[0];
    return r ? toToken(r) : null;
  }

  async listForUser(userId: string): Promise<ApiToken[]> {
    return (
      await this.db.sql.query<TokenRow>('SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at', [
        userId,
      ])
    ).rows.map(toToken);
  }

  async revoke(id: string, userId: string, now: number): Promise<boolean> {
    const r = await this.db.sql.query(
      'UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL',
      [now, id, userId],
    );
    return (r.rowCount ?? 0) > 0;
  }
}
