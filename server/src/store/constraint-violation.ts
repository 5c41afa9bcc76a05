/**
 * A store constraint violation (or a value the database refuses), whichever database raised it: SQLite (better-sqlite3's
 * `SqliteError`, `SQLITE_CONSTRAINT_*`) or PostgreSQL (node-postgres's `DatabaseError`, SQLSTATE
 * class 23). Both bindings throw their driver's error; the HTTP layer maps this one shape to a
 * `BAKEN_ERR_…` code (`http/constraint-errors.ts`), so a duplicate is the same 409 on either store.
 */
export interface ConstraintViolation {
  /**
   * `bad_value`: PostgreSQL refused the value itself (SQLSTATE class 22: a NUL character in text,
   * a number out of range), which SQLite would have stored — a 400 either way, never a 500.
   */
  kind: 'unique' | 'foreign_key' | 'check' | 'not_null' | 'bad_value' | 'other';
  /** The columns involved, without the table, when the driver says (unique, not null). */
  columns: string[];
}

interface DriverError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  column?: unknown;
  severity?: unknown;
}

/** `UNIQUE constraint failed: teams.name, teams.x` → `['name', 'x']`. */
function sqliteColumns(message: string): string[] {
  const list = message.split(':')[1] ?? '';
  return list
    .split(',')
    .map((c) => c.trim().split('.').pop() ?? '')
    .filter((c) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(c));
}

/** `Key (lower(username::text))=(bob) already exists.` → `['username']`. */
function pgColumns(detail: string): string[] {
  const m = /^Key \((.*?)\)=\(/.exec(detail);
  if (!m) return [];
  return m[1]!
    .split(',')
    .map((part) => /([A-Za-z_][A-Za-z0-9_]*)\)*$/.exec(part.replace(/::[A-Za-z ]+/g, '').trim())?.[1] ?? '')
    .filter((c) => c.length > 0);
}

const SQLITE_KIND: Record<string, ConstraintViolation['kind']> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
};

const PG_KIND: Record<string, ConstraintViolation['kind']> = {
  '23505': 'unique',
  '23503': 'foreign_key',
  '23514': 'check',
  '23502': 'not_null',
};

/** The violation `err` reports, or null when it is not a constraint violation of either driver. */
export function constraintViolation(err: unknown): ConstraintViolation | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as DriverError;
  if (typeof e.code !== 'string') return null;
  if (e.name === 'SqliteError' && e.code.startsWith('SQLITE_CONSTRAINT')) {
    const kind = SQLITE_KIND[e.code] ?? 'other';
    const message = typeof e.message === 'string' ? e.message : '';
    return { kind, columns: kind === 'unique' || kind === 'not_null' ? sqliteColumns(message) : [] };
  }
  // node-postgres's DatabaseError: a SQLSTATE code and a severity from the server.
  if (/^22[0-9A-Z]{3}$/.test(e.code) && typeof e.severity === 'string')
    return { kind: 'bad_value', columns: [] };
  if (/^23[0-9A-Z]{3}$/.test(e.code) && typeof e.severity === 'string') {
    const kind = PG_KIND[e.code] ?? 'other';
    if (kind === 'unique') return { kind, columns: pgColumns(typeof e.detail === 'string' ? e.detail : '') };
    if (kind === 'not_null') return { kind, columns: typeof e.column === 'string' ? [e.column] : [] };
    return { kind, columns: [] };
  }
  return null;
}
