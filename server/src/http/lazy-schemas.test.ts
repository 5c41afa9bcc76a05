import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { testApp } from '../testing/test-app.js';
import { LazySchemas } from './lazy-schemas.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** A Fastify app with the server's Ajv options and the lazy compilers. */
async function app(schemas: LazySchemas) {
  const a = Fastify({
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    schemaController: { compilersFactory: schemas.compilersFactory },
  });
  closers.push(() => a.close());
  a.addSchema({ $id: 'Count', type: 'integer', minimum: 0 });
  a.post(
    '/things',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { n: { type: 'integer' }, tag: { type: 'array', items: { type: 'string' } } },
        },
        body: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1 },
            size: { $ref: 'Count#' },
            kind: { default: 'a' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              n: { type: 'integer' },
              tag: {},
              kind: { type: 'string' },
            },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as { n: number; tag: string[] };
      const b = req.body as { name: string; kind: string };
      return { name: b.name, n: q.n, tag: q.tag, kind: b.kind, secret: 'never sent' };
    },
  );
  await a.ready();
  return a;
}

describe('lazy schema compilers', () => {
  it('compile nothing at start and each route schema at its first use, behaving as Fastify’s own', async () => {
    const schemas = new LazySchemas();
    const a = await app(schemas);
    // querystring, body and the 200 response: added, none compiled
    expect(schemas.pending).toBe(3);

    const ok = await a.inject({ method: 'POST', url: '/things?n=5&tag=x', payload: { name: 'x' } });
    expect(ok.statusCode).toBe(200);
    // coerced (a number, a one-element array: the whole request part), defaulted, and the answer
    // holds only what its schema declares
    expect(ok.json()).toEqual({ name: 'x', n: 5, tag: ['x'], kind: 'a' });
    expect(schemas.pending).toBe(0);

    const bad = await a.inject({ method: 'POST', url: '/things', payload: { size: -1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe("body must have required property 'name'");
    const ref = await a.inject({ method: 'POST', url: '/things', payload: { name: 'x', size: -1 } });
    expect(ref.statusCode).toBe(400);
    expect(ref.json().message).toBe('body/size must be >= 0');
  });

  it('refuse a header schema when the route is added (Fastify lower-cases those only for its own compiler)', async () => {
    const a = Fastify({ schemaController: { compilersFactory: new LazySchemas().compilersFactory } });
    closers.push(() => a.close());
    a.get(
      '/h',
      { schema: { headers: { type: 'object', properties: { 'X-Thing': { type: 'string' } } } } },
      async () => 'ok',
    );
    await expect(a.ready()).rejects.toThrow(/header schemas are not supported/);
  });

  it('compile every schema of the server’s routes without an error (as a start used to)', async () => {
    const schemas = new LazySchemas();
    const t = await testApp({}, { schemas });
    closers.push(() => t.close());
    expect(schemas.pending).toBeGreaterThan(100);
    schemas.compileAll();
    expect(schemas.pending).toBe(0);
  });
});
