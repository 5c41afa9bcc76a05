import type { Clock } from '../../clock.js';
import type { Lease } from '../lease.js';
import type { PgHandle } from './pg-database.js';

/** The database's clock in epoch ms: one clock for every instance, however theirs drift. */
const DB_NOW = 'floor(extract(epoch FROM statement_timestamp()) * 1000)::bigint';

/**
 * The lease in PostgreSQL: one row per lease name in `leases` (holder, expiry), changed only by
 * single conditional statements, so two instances racing for it cannot both win (the upsert locks
 * the row; the loser's condition is re-checked against the winner's committed row).
 *
 * Why a lease row and not an advisory lock: an advisory lock belongs to one database session, so
 * the holder would have to keep a dedicated connection open, and when the holder's machine
 * vanishes without closing TCP the server keeps that session (and the lock) until its keepalive
 * gives up — minutes to hours, not one sweep interval; the holder also cannot tell how long it
 * may keep working. A row with an expiry frees itself at a known instant, works over any pooled
 * connection (and a transaction-mode pooler), is checked against the database's one clock (the
 * instances' clocks may drift), and shows who holds what (`SELECT * FROM leases`).
 *
 * `clock` replaces the database's clock (tests drive expiry without waiting); production leaves it out.
 */
export class PgLease implements Lease {
  readonly #now: (n: number) => string;
  readonly #params: () => unknown[];

  constructor(
    private readonly db: PgHandle,
    readonly name: string,
    opts: { clock?: Pick<Clock, 'now'> } = {},
  ) {
    const clock = opts.clock;
    // `$n` of the instant when a clock is injected, else the database's clock.
    this.#now = clock ? (n) => `$${n}::bigint` : () => DB_NOW;
    this.#params = clock ? () => [clock.now()] : () => [];
  }

  async tryAcquire(holder: string, ttlMs: number): Promise<boolean> {
    const now = this.#now(4);
    const r = await this.db.sql.query(
      `INSERT INTO leases AS l (name, holder, acquired_at, expires_at)
       VALUES ($1, $2, ${now}, ${now} + $3::bigint)
       ON CONFLICT (name) DO UPDATE SET
         holder = EXCLUDED.holder,
         acquired_at = CASE WHEN l.holder = EXCLUDED.holder THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
         expires_at = EXCLUDED.expires_at
       WHERE l.holder = EXCLUDED.holder OR l.expires_at <= EXCLUDED.acquired_at
       RETURNING holder`,
      [this.name, holder, ttlMs, ...this.#params()],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async renew(holder: string, ttlMs: number): Promise<boolean> {
    const now = this.#now(4);
    const r = await this.db.sql.query(
      `UPDATE leases SET expires_at = ${now} + $3::bigint
       WHERE name = $1 AND holder = $2 AND expires_at > ${now}`,
      [this.name, holder, ttlMs, ...this.#params()],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async release(holder: string): Promise<void> {
    await this.db.sql.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [this.name, holder]);
  }

  async holder(): Promise<string | null> {
    const r = await this.db.sql.query<{ holder: string }>(
      `SELECT holder FROM leases WHERE name = $1 AND expires_at > ${this.#now(2)}`,
      [this.name, ...this.#params()],
    );
    return r.rows[0]?.holder ?? null;
  }
}
