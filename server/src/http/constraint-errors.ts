import { BakenError } from '../errors.js';

interface DriverError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
}

/** `UNIQUE constraint failed: teams.name, teams.x` → `name, x` (the columns, without the table). */
function columnsOf(message: string): string {
  const list = message.split(':')[1] ?? '';
  return list
    .split(',')
    .map((c) => c.trim().split('.').pop() ?? '')
    .filter((c) => c.length > 0)
    .join(', ');
}

/**
 * Maps a store constraint violation that got past a route's own checks to a 4xx (server/src/http/README.md,
 * "Errors"): a duplicate (UNIQUE or PRIMARY KEY) is 409 `BAKEN_ERR_CONFLICT`, a reference to
 * something missing or still in use (FOREIGN KEY) is 409 too, a value the store refuses (CHECK,
 * NOT NULL) is 400 `BAKEN_ERR_VALIDATION`. Anything else is not a constraint error: null.
 * Routes should still check explicitly where they can say more (which name is taken); this is the
 * net under them, so bad input never becomes a 500.
 */
export function fromConstraint(err: unknown): BakenError | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as DriverError;
  if (e.name !== 'SqliteError' || typeof e.code !== 'string' || !e.code.startsWith('SQLITE_CONSTRAINT'))
    return null;
  const message = typeof e.message === 'string' ? e.message : '';
  switch (e.code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY': {
      const cols = columnsOf(message);
      return new BakenError(
        'BAKEN_ERR_CONFLICT',
        409,
        `This already exists: another record has the same ${cols || 'key'}; choose another or change the existing one.`,
        { cause: err, ...(cols ? { details: [{ field: cols, message: 'is already taken' }] } : {}) },
      );
    }
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return new BakenError(
        'BAKEN_ERR_CONFLICT',
        409,
        'This refers to a record that does not exist, or is still referred to by other records; check the ids.',
        { cause: err },
      );
    default:
      return new BakenError(
        'BAKEN_ERR_VALIDATION',
        400,
        'The store refused a value; check the request fields.',
        {
          cause: err,
        },
      );
  }
}
