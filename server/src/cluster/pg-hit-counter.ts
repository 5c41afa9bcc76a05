import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { PgHandle } from '../store/pg/pg-database.js';
import type { HitCounter } from './hit-counter.js';

/** Keys are usernames and addresses: stored only as a hash, never as they are. */
const keyHash = (name: string, key: string): string =>
  createHash('sha256').update(`${name}\u0000${key}`).digest('base64url');

/**
 * A rate limit shared by every instance: one row per hit in `rate_limit_hits` (migration 031),
 * read as a sliding window on the injected clock (instances' clocks differing by a second change a
 * limit's window by a second, which is harmless). A key's hits older than the window are deleted
 * as it is hit, so the table holds only live windows.
 */
export class PgHitCounter implements HitCounter {
  constructor(
    private readonly db: PgHandle,
    private readonly name: string,
    private readonly max: number,
    private readonly windowMs: number,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  async retryAfterMs(key: string): Promise<number> {
    const now = this.clock.now();
    const r = await this.db.sql.query<{ at: number }>(
      `SELECT at FROM rate_limit_hits WHERE name = $1 AND key_hash = $2 AND at > $3
       ORDER BY at DESC LIMIT $4`,
      [this.name, keyHash(this.name, key), now - this.windowMs, this.max],
    );
    if (r.rows.length < this.max) return 0;
    // the oldest of the last `max` hits leaves the window first
    return Number(r.rows[r.rows.length - 1]!.at) + this.windowMs - now;
  }

  async hit(key: string): Promise<void> {
    const now = this.clock.now();
    const h = keyHash(this.name, key);
    await this.db.transaction(async (tx) => {
      await tx.sql.query('DELETE FROM rate_limit_hits WHERE name = $1 AND key_hash = $2 AND at <= $3', [
        this.name,
        h,
        now - this.windowMs,
      ]);
      await tx.sql.query('INSERT INTO rate_limit_hits (name, key_hash, at) VALUES ($1, $2, $3)', [
        this.name,
        h,
        now,
      ]);
    });
  }

  async reset(key: string): Promise<void> {
    await this.db.sql.query('DELETE FROM rate_limit_hits WHERE name = $1 AND key_hash = $2', [
      this.name,
      keyHash(this.name, key),
    ]);
  }
}
