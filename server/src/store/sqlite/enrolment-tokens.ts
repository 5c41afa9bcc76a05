import type { Db } from '../database.js';
import type { EnrolmentToken, EnrolmentTokensRepository } from '../repositories/enrolment-tokens.js';
import { type EnrolmentTokenRow, toToken } from '../rows/enrolment-tokens.js';

export class SqliteEnrolmentTokensRepository implements EnrolmentTokensRepository {
  constructor(private readonly db: Db) {}

  async create(t: EnrolmentToken & { tokenHash: string }): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO enrolment_tokens (id, home_id, token_hash, created_by, created_at, expires_at, used_at, gateway_id)
         VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)`,
      )
      .run(t.id, t.homeId, t.tokenHash, t.createdBy, t.createdAt, t.expiresAt);
  }

  async redeem(tokenHash: string, now: number): Promise<EnrolmentToken | null> {
    // One UPDATE with the whole condition: two concurrent redeems cannot both succeed.
    const r = this.db
      .prepare(
        `UPDATE enrolment_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING *`,
      )
      .get(now, tokenHash, now) as EnrolmentTokenRow | undefined;
    return r ? toToken(r) : null;
  }

  async attachGateway(id: string, gatewayId: string): Promise<void> {
    this.db.prepare('UPDATE enrolment_tokens SET gateway_id = ? WHERE id = ?').run(gatewayId, id);
  }

  async listForHome(homeId: string): Promise<EnrolmentToken[]> {
    return (
      this.db
        .prepare('SELECT * FROM enrolment_tokens WHERE home_id = ? ORDER BY created_at')
        .all(homeId) as EnrolmentTokenRow[]
    ).map(toToken);
  }
}
