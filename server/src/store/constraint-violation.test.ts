import { describe, expect, it } from 'vitest';
import { constraintViolation } from './constraint-violation.js';

const pgError = (code: string, fields: Record<string, string> = {}) =>
  Object.assign(new Error('violates constraint'), { name: 'error', severity: 'ERROR', code, ...fields });
const sqliteError = (code: string, message: string) =>
  Object.assign(new Error(message), { name: 'SqliteError', code });

describe('constraintViolation', () => {
  it('reads the columns of a PostgreSQL unique violation, through functions and casts', () => {
    expect(
      constraintViolation(pgError('23505', { detail: 'Key (lower(username::text))=(bob) already exists.' })),
    ).toEqual({ kind: 'unique', columns: ['username'] });
    expect(
      constraintViolation(pgError('23505', { detail: 'Key (team_id, name)=(t, x) already exists.' })),
    ).toEqual({ kind: 'unique', columns: ['team_id', 'name'] });
    expect(constraintViolation(pgError('23505'))).toEqual({ kind: 'unique', columns: [] });
  });

  it('tells the other PostgreSQL kinds apart, and ignores errors outside SQLSTATE class 23', () => {
    expect(constraintViolation(pgError('23503'))?.kind).toBe('foreign_key');
    expect(constraintViolation(pgError('23514'))?.kind).toBe('check');
    expect(constraintViolation(pgError('23502', { column: 'name' }))).toEqual({
      kind: 'not_null',
      columns: ['name'],
    });
    expect(constraintViolation(pgError('23P01'))?.kind).toBe('other');
    expect(constraintViolation(pgError('40001'))).toBeNull();
    // a NUL character in text: SQLite stores it, PostgreSQL refuses the value
    expect(constraintViolation(pgError('22021'))).toEqual({ kind: 'bad_value', columns: [] });
    expect(constraintViolation(Object.assign(new Error('x'), { code: '23505' }))).toBeNull();
  });

  it('reads SQLite violations the same way', () => {
    expect(
      constraintViolation(
        sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: users.username'),
      ),
    ).toEqual({ kind: 'unique', columns: ['username'] });
    expect(constraintViolation(sqliteError('SQLITE_CONSTRAINT_FOREIGNKEY', 'x'))?.kind).toBe('foreign_key');
    expect(constraintViolation(sqliteError('SQLITE_BUSY', 'locked'))).toBeNull();
    expect(constraintViolation(null)).toBeNull();
  });
});
