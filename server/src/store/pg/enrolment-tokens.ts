import type { EnrolmentToken, EnrolmentTokensRepository } from '../repositories/enrolment-tokens.js';
import { type EnrolmentTokenRow, toToken } from '../rows/enrolment-tokens.js';
import type { PgHandle } from './pg-database.js';

export class PgEnrolmentTokensRepository implements EnrolmentTokensRepository {
  constructor(private readonly db: PgHandle) {}

  async create(t: EnrolmentToken & { tokenHash: string }): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO enrolment_tokens (id, home_id, token_hash, created_by, created_at, expires_at, used_at, gateway_id)
       VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)`,
      [t.id, t.homeId, t.tokenHash, t.createdBy, t.createdAt, t.expiresAt],
    );
  }

  async redeem(tokenHash: string, now: number): Promise<EnrolmentToken | null> {
    // One UPDATE with the whole condition: under READ COMMITTED a concurrent redeem waits for this
    // row, re-checks `used_at IS NULL` and updates nothing, so only one succeeds.
    const r = await this.db.sql.query<EnrolmentTokenRow>(
      `UPDATE enrolment_tokens SET used_at = $1
       WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING *`,
      [now, tokenHash],
    );
    return r.rows[0] ? toToken(r.rows[0]) : null;
  }

  async attachGateway(id: string, gatewayId: string): Promise<void> {
    await this.db.sql.query('UPDATE enrolment_tokens SET gateway_id = $1 WHERE id = $2', [gatewayId, id]);
  }

  async listForHome(homeId: string): Promise<EnrolmentToken[]> {
    return (
      await this.db.sql.query<EnrolmentTokenRow>(
        'SELECT * FROM enrolment_tokens WHERE home_id = $1 ORDER BY created_at',
        [homeId],
      )
    ).rows.map(toToken);
  }
}
