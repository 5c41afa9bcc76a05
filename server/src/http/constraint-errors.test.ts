import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/test-app.js';
import { fromConstraint } from './constraint-errors.js';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(() => t.close());

describe('constraint violations are 4xx with a code, never 500', () => {
  it('answers 409 BAKEN_ERR_CONFLICT for a team or function whose name exists', async () => {
    const { auth } = await t.userWithToken('admin');
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: auth, payload });
    expect((await post('/api/v1/access/teams', { name: 'West' })).statusCode).toBe(201);
    const team = await post('/api/v1/access/teams', { name: 'West' });
    expect(team.statusCode).toBe(409);
    expect(team.json().error.code).toBe('BAKEN_ERR_CONFLICT');
    const fn = { name: 'Nurse', windows: {} };
    expect((await post('/api/v1/access/functions', fn)).statusCode).toBe(201);
    const again = await post('/api/v1/access/functions', fn);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('BAKEN_ERR_CONFLICT');
  });

  it('maps every SQLite constraint kind', () => {
    const e = (code: string, message: string) =>
      Object.assign(new Error(message), { name: 'SqliteError', code });
    expect(
      fromConstraint(e('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: teams.name')),
    ).toMatchObject({
      statusCode: 409,
      code: 'BAKEN_ERR_CONFLICT',
      details: [{ field: 'name' }],
    });
    expect(fromConstraint(e('SQLITE_CONSTRAINT_PRIMARYKEY', 'x'))?.statusCode).toBe(409);
    expect(
      fromConstraint(e('SQLITE_CONSTRAINT_FOREIGNKEY', 'FOREIGN KEY constraint failed'))?.statusCode,
    ).toBe(409);
    expect(fromConstraint(e('SQLITE_CONSTRAINT_CHECK', 'CHECK constraint failed: n>0'))).toMatchObject({
      statusCode: 400,
      code: 'BAKEN_ERR_VALIDATION',
    });
    expect(fromConstraint(e('SQLITE_BUSY', 'database is locked'))).toBeNull();
    expect(fromConstraint(new Error('UNIQUE constraint failed: a.b'))).toBeNull();
  });
});
