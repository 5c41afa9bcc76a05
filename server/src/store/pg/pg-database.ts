import pg from 'pg';

/** Something that runs one SQL statement: the pool, or the one connection of a transaction. */
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/**
 * What a PostgreSQL binding is built from: a way to run statements and to group them in a
 * transaction. Bindings built on a transaction's handle (`tx`) run everything on that
 * transaction's connection, so a set of repositories can share one commit (store README,
 * "Module stores on PostgreSQL").
 */
export interface PgHandle {
  readonly sql: Sql;
  /**
   * Runs `fn` in one transaction on one connection: committed when `fn` resolves, rolled back when
   * it rejects (the rejection is passed on). Nested calls on a transaction's handle become
   * savepoints, as better-sqlite3's nested `transaction()` does. A transaction is one connection:
   * its statements run one after another, so do not run two nested transactions of one handle
   * at the same time (`Promise.all`); await them in turn.
   */
  transaction<T>(fn: (tx: PgHandle) => Promise<T>): Promise<T>;
}

const INT8_OID = 20;

/**
 * `BIGINT` (and `COUNT(*)`) as a JavaScript number instead of node-postgres's default string:
 * every BIGINT in the schema is an epoch-ms timestamp or a count, far below 2^53. Per pool, never
 * the library's global parser table.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

class TxHandle implements PgHandle {
  #depth = 0;
  constructor(readonly sql: pg.PoolClient) {}

  async transaction<T>(fn: (tx: PgHandle) => Promise<T>): Promise<T> {
    const name = `sp${++this.#depth}`;
    await this.sql.query(`SAVEPOINT ${name}`);
    try {
      const out = await fn(this);
      await this.sql.query(`RELEASE SAVEPOINT ${name}`);
      return out;
    } catch (e) {
      await this.sql.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw e;
    } finally {
      this.#depth--;
    }
  }
}

/** A connection pool to the PostgreSQL store. The connection URL is a secret: never log it. */
export class PgDatabase implements PgHandle {
  readonly pool: pg.Pool;
  readonly sql: Sql;
  #lastError: Error | undefined;

  constructor(url: string, opts: { max?: number; applicationName?: string } = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: opts.max ?? 10,
      application_name: opts.applicationName ?? 'baken-server',
      types,
      // A database that does not answer fails the call instead of hanging it (a sweep, a request):
      // connecting within 10 s, each query within 30 s; TCP keepalive finds dead peers.
      connectionTimeoutMillis: 10_000,
      query_timeout: 30_000,
      keepAlive: true,
    });
    // An idle connection that breaks (server restart, network) must not crash the process; the
    // pool drops it and the next query opens a new one.
    this.pool.on('error', (e) => {
      this.#lastError = e;
    });
    this.sql = this.pool;
  }

  /** The last error of an idle connection (its message never holds the URL). */
  get lastIdleError(): Error | undefined {
    return this.#lastError;
  }

  async transaction<T>(fn: (tx: PgHandle) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const out = await fn(new TxHandle(client));
      await client.query('COMMIT');
      return out;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
