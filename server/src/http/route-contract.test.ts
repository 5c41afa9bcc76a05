import { Type } from '@sinclair/typebox';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BakenApp } from '../app-context.js';
import { type TestApp, testApp } from '../testing/test-app.js';
import { ErrorResponse } from './error-schema.js';
import { requireRole } from './roles.js';
import { installRouteContract } from './route-contract.js';
import { undeclaredProperties } from './undeclared-properties.js';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(() => t.close());

describe('the role check runs before the body is read', () => {
  it('gives a care worker 403 on an admin route, whatever the body, and never the body schema', async () => {
    const { auth } = await t.userWithToken('care_worker');
    for (const payload of [{}, { bogus: 1 }, { name: 'West' }]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/access/teams', headers: auth, payload });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('BAKEN_ERR_FORBIDDEN');
      expect(res.body).not.toContain('/body');
    }
    const unreadable = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(unreadable.statusCode).toBe(403);
  });

  it('documents the roles and security of a route and refuses a role check in preHandler', async () => {
    const op = (
      t.app.swagger() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> }
    ).paths['/api/v1/users']!['post']!;
    expect(op['x-baken-roles']).toEqual(['admin']);
    expect(op['security']).toEqual([{ bearer: [] }, { session: [] }]);
    expect(Object.keys(op['responses'] as object)).toEqual(
      expect.arrayContaining(['400', '401', '403', '413', '415']),
    );

    const app = Fastify() as unknown as BakenApp;
    installRouteContract(app);
    expect(() => app.get('/x', { preHandler: requireRole('admin') }, async () => 'x')).toThrow(/onRequest/);
    await app.close();
  });
});

describe('strict responses (the contract test)', () => {
  it('names the properties a response schema would drop, through unions, intersections and arrays', () => {
    const item = Type.Object({ id: Type.String() });
    const schema = Type.Union([
      Type.Intersect([Type.Object({ items: Type.Array(item) }), Type.Object({ total: Type.Integer() })]),
      Type.String(),
    ]);
    expect(undeclaredProperties({ items: [{ id: 'a' }], total: 1 }, schema)).toEqual([]);
    expect(undeclaredProperties({ items: [{ id: 'a', secret: 'x' }], total: 1, more: 2 }, schema)).toEqual([
      '/items/0/secret',
      '/more',
    ]);
    expect(undeclaredProperties({ any: 1 }, Type.Record(Type.String(), Type.Unknown()))).toEqual([]);
  });

  it('turns such an answer into a 500 that names the property, instead of dropping it', async () => {
    const app = Fastify() as unknown as BakenApp;
    app.addSchema(ErrorResponse);
    installRouteContract(app, { strictResponses: true });
    app.get('/x', { schema: { response: { 200: Type.Object({ a: Type.Integer() }) } } }, async () => ({
      a: 1,
      b: 2,
    }));
    const res = await app.inject({ url: '/x' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('/b');
    await app.close();
  });
});
