/**
 * Whether a store call failed because the database cannot be reached or is shutting down — not
 * because of the request: PostgreSQL's connection errors (SQLSTATE class 08, admin or crash
 * shutdown 57P01–57P03, too many connections 53300), node-postgres's own ("Connection terminated",
 * a connect timeout), the socket errors of a pool that cannot connect, and SQLite's busy or locked
 * database. The HTTP layer answers these 503 with `Retry-After` instead of a 500.
 */
export function storeUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (/^08[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'].includes(code))
      return true;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_BUSY_')) return true;
  }
  return (
    typeof message === 'string' &&
    /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(
      message,
    )
  );
}
