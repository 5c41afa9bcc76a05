import { BakenError } from '../errors.js';
import { constraintViolation } from '../store/constraint-violation.js';

/**
 * Maps a store constraint violation that got past a route's own checks to a 4xx (server/src/http/README.md,
 * "Errors"): a duplicate (UNIQUE or PRIMARY KEY) is 409 `BAKEN_ERR_CONFLICT`, a reference to
 * something missing or still in use (FOREIGN KEY) is 409 too, a value the store refuses (CHECK,
 * NOT NULL) is 400 `BAKEN_ERR_VALIDATION` — the same on SQLite and PostgreSQL
 * (`store/constraint-violation.ts`). Anything else is not a constraint error: null.
 * Routes should still check explicitly where they can say more (which name is taken); this is the
 * net under them, so bad input never becomes a 500.
 */
export function fromConstraint(err: unknown): BakenError | null {
  const v = constraintViolation(err);
  if (!v) return null;
  switch (v.kind) {
    case 'unique': {
      const cols = v.columns.join(', ');
      return new BakenError(
        'BAKEN_ERR_CONFLICT',
        409,
        `This already exists: another record has the same ${cols || 'key'}; choose another or change the existing one.`,
        { cause: err, ...(cols ? { details: [{ field: cols, message: 'is already taken' }] } : {}) },
      );
    }
    case 'foreign_key':
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
