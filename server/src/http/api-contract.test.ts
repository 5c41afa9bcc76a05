import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../store/repositories/index.js';
import { type Caller, callerSet, type IdPool } from '../testing/api-callers.js';
import { declarationProblems, type Operation, operationsOf } from '../testing/openapi-ops.js';
import { arbitraryOf, type GenContext, invalidVariants, type Schema } from '../testing/schema-arbitrary.js';
import { type TestApp, testApp } from '../testing/test-app.js';
import { REVIEWED_ROLES } from './api-roles.js';

/**
 * The OpenAPI document is the contract (server/src/http/README.md). This suite drives every
 * operation in it with generated valid and invalid input, unauthenticated and as each role, and
 * fails on a 5xx, a status the operation does not declare, a body that does not match the declared
 * schema, and a success for a caller the operation must refuse. Fixed seed: `API_FC_SEED` explores
 * others.
 */
const SEED = Number(process.env['API_FC_SEED'] ?? 20261206);
/** Generated inputs per operation for a caller the operation allows, and for one it refuses. */
const VALID_RUNS = 5;
const INVALID_RUNS = 6;
/** Real time, not the app's clock: how long an answer may take before it counts as never coming. */
const ANSWER_WITHIN_MS = 15_000;

type Doc = { paths: Record<string, Record<string, Schema>>; components?: Record<string, unknown> };

let t: TestApp;
let doc: Doc;
let ops: Operation[];
let callers: Caller[];
let pool: IdPool;

beforeAll(async () => {
  t = await testApp({}, { strictResponses: true });
  doc = JSON.parse(JSON.stringify(t.app.swagger())) as Doc;
  ops = operationsOf(doc);
  ({ callers, pool } = await callerSet(t));
});
afterAll(() => t.close());

const ajvFor = (coerce: boolean) => {
  const ajv = new Ajv({
    strict: false,
    allErrors: false,
    ...(coerce ? { coerceTypes: 'array' as const, useDefaults: true } : {}),
  });
  return ajv;
};
const requestAjv = ajvFor(true);
const responseAjv = ajvFor(false);
const compiled = new Map<string, ValidateFunction>();
/** Compiles a schema of the document with its components alongside, so local `$ref`s resolve. */
const compile = (ajv: Ajv, schema: Schema, key: string): ValidateFunction => {
  const k = `${ajv === requestAjv ? 'q' : 's'}:${key}`;
  const known = compiled.get(k);
  if (known) return known;
  const v = ajv.compile({ ...schema, components: doc.components });
  compiled.set(k, v);
  return v;
};
const accepts = (schema: Schema, key: string, value: unknown) =>
  compile(requestAjv, schema, key)(structuredClone(value) ?? {});

const resolveRef = (ref: string): Schema => {
  let node: unknown = doc;
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown>)[part];
  return node as Schema;
};

interface Input {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** Sent as the raw body instead of `body` (unreadable JSON). */
  raw?: string;
  valid: boolean;
  what: string;
}

function validInputs(o: Operation, ctx: GenContext, n: number, seed: number): Input[] {
  const part = (s: Schema | null) => (s ? arbitraryOf(s, ctx) : fc.constant({}));
  const arb = fc.record({
    params: part(o.params),
    query: part(o.query),
    body: o.body ? part(o.body) : fc.constant(undefined),
  });
  return fc
    .sample(arb, { seed, numRuns: n * 4 })
    .filter(
      (x) =>
        (!o.params || accepts(o.params, `${o.name}:p`, x.params)) &&
        (!o.query || accepts(o.query, `${o.name}:q`, x.query)) &&
        (!o.body || accepts(o.body, `${o.name}:b`, x.body)),
    )
    .slice(0, n)
    .map((x) => ({ ...(x as Omit<Input, 'valid' | 'what'>), valid: true, what: 'valid input' }));
}

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
/** An object of path or query values as text, or undefined when `v` is no such object. */
const asStrings = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, Array.isArray(x) ? x.map(asText) : asText(x)]))
    : undefined;

function invalidInputs(o: Operation, base: Input, ctx: GenContext, n: number, seed: number): Input[] {
  const out: Input[] = [];
  const parts = [
    ['params', o.params],
    ['query', o.query],
    ['body', o.body],
  ] as const;
  for (const [where, schema] of parts) {
    if (!schema) continue;
    for (const candidate of invalidVariants(schema, base[where], ctx)) {
      // Path and query values travel as text: judge them as the server will see them.
      const bad = where === 'body' ? candidate : asStrings(candidate);
      if (bad !== undefined && !accepts(schema, `${o.name}:${where[0]}`, bad))
        out.push({
          ...base,
          [where]: bad,
          valid: false,
          what: `invalid ${where} ${JSON.stringify(bad)?.slice(0, 120)}`,
        });
    }
  }
  if (o.body) out.push({ ...base, raw: '{"not json', valid: false, what: 'unreadable JSON body' });
  // A fixed, seed-dependent choice among the candidates.
  const picked = fc.sample(
    fc.shuffledSubarray(out, { minLength: Math.min(n, out.length), maxLength: Math.min(n, out.length) }),
    {
      seed,
      numRuns: 1,
    },
  )[0];
  return picked ?? [];
}

function urlOf(o: Operation, input: Input): string {
  const path = o.path.replace(/\{(\w+)\}/g, (_m, k: string) => {
    const v = asText(input.params[k] ?? '');
    return encodeURIComponent(v === '' ? '-' : v);
  });
  const qs = new URLSearchParams();
  if (input.query && typeof input.query === 'object')
    for (const [k, v] of Object.entries(input.query)) {
      if (v === undefined) continue;
      for (const x of Array.isArray(v) ? v : [v]) qs.append(k, asText(x));
    }
  const q = qs.toString();
  return q ? `${path}?${q}` : path;
}

interface Answer {
  status: number;
  type: string;
  body: string;
}

async function call(o: Operation, input: Input, caller: Caller): Promise<Answer> {
  const headers: Record<string, string> = { ...caller.headers };
  const hasBody = input.raw !== undefined || input.body !== undefined;
  if (hasBody) headers['content-type'] = 'application/json';
  const payload = input.raw ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
  if (o.streams) {
    const ac = new AbortController();
    const res = await t.app.inject({
      method: o.method as 'GET',
      url: urlOf(o, input),
      headers,
      payloadAsStream: true,
      signal: ac.signal,
    });
    const type = String(res.headers['content-type'] ?? '');
    let body = '';
    if (!type.includes('text/event-stream')) for await (const chunk of res.stream()) body += String(chunk);
    ac.abort();
    return { status: res.statusCode, type, body };
  }
  const pending = t.app.inject({
    method: o.method as 'GET',
    url: urlOf(o, input),
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ANSWER_WITHIN_MS);
  });
  const res = await Promise.race([pending, late]);
  clearTimeout(timer);
  // A never-ending answer (a stream it does not declare) counts as a 5xx.
  if (!res)
    return {
      status: 599,
      type: '',
      body: `no answer within ${ANSWER_WITHIN_MS} ms (a stream not declared as text/event-stream?)`,
    };
  return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), body: res.body };
}

/** What is wrong with an answer: undeclared status, body off its schema, or a wrong success. */
function judge(o: Operation, input: Input, caller: Caller, a: Answer): string | null {
  const declared = o.responses[String(a.status)];
  // 503 (not ready, key safe unreachable) is an answer where declared; any other 5xx is a bug.
  if (a.status >= 500 && !(a.status === 503 && declared))
    return `answered ${a.status}: ${a.body.slice(0, 200)}`;
  if (!declared) return `answered ${a.status}, which it does not declare: ${a.body.slice(0, 200)}`;
  if (caller.withoutCsrf && o.method !== 'GET' && a.status !== 414 && a.status !== 403)
    return `gave ${a.status}, not 403, to a session without the CSRF header`;
  // 414: a path parameter too long to route is refused before any route (and its role check) runs.
  if (o.roles && a.status !== 414) {
    if (caller.role === null && a.status !== 401)
      return `gave ${a.status}, not 401, to an unauthenticated caller`;
    if (caller.role !== null && !o.roles.includes(caller.role) && a.status !== 403)
      return `gave ${a.status}, not 403, to a ${caller.role} (allowed: ${o.roles.join(', ')})`;
  }
  if (!input.valid && a.status < 400) return `accepted ${input.what} with ${a.status}`;
  if (a.status < 300) {
    const leak = caller.unseen.find((id) => a.body.includes(id));
    if (leak) return `showed a ${caller.role} ${leak}, which is not theirs to see`;
  }
  const content = declared.content;
  if (!content) return a.body.length === 0 ? null : `sent a body with ${a.status}, which declares none`;
  if (a.type.includes('text/event-stream'))
    return 'text/event-stream' in content ? null : 'streamed without declaring it';
  const schema =
    (a.type.includes('json')
      ? content['application/json']?.schema
      : content[a.type.split(';')[0]!]?.schema) ?? Object.values(content)[0]?.schema;
  if (!schema) return `answered ${a.status} (${a.type}) with no schema for it`;
  let value: unknown = a.body;
  if (a.type.includes('json'))
    try {
      value = JSON.parse(a.body);
    } catch {
      return `answered invalid JSON with ${a.status}`;
    }
  const validate = compile(responseAjv, schema, `${o.name}:${a.status}:${a.type}`);
  if (!validate(value))
    return `answered ${a.status} off its schema (${responseAjv.errorsText(validate.errors)}): ${a.body.slice(0, 200)}`;
  return null;
}

/** Runs POST/PUT first (they create what later calls use), then reads, then PATCH, then DELETE. */
const ORDER: Record<string, number> = { POST: 0, PUT: 1, GET: 2, PATCH: 3, DELETE: 4 };

describe('the OpenAPI document (the API contract)', () => {
  it('declares for every operation its operationId, summary, tag, security and response schemas', () => {
    const problems = ops.flatMap((o) => declarationProblems(o).map((p) => `${o.method} ${o.path}: ${p}`));
    const ids = ops.map((o) => o.op['operationId']).filter((x) => typeof x === 'string');
    for (const id of new Set(ids))
      if (ids.filter((x) => x === id).length > 1) problems.push(`operationId ${id} is used twice`);
    expect(problems, 'see server/src/http/README.md, "Declaring a route"').toEqual([]);
  });

  it('lets each operation be called by the reviewed roles only (server/src/http/api-roles.ts)', () => {
    const actual = Object.fromEntries(ops.map((o) => [o.name, o.roles ? [...o.roles].sort() : 'public']));
    const reviewed = Object.fromEntries(
      Object.entries(REVIEWED_ROLES).map(([k, v]) => [k, v === 'public' ? v : [...v].sort()]),
    );
    expect(actual, 'a new operation or a change of who may call it: update api-roles.ts').toEqual(reviewed);
  });

  it('answers every operation as declared, for generated valid and invalid input, unauthenticated and as each role', async () => {
    const failures: string[] = [];
    const sorted = [...ops].sort((a, b) => (ORDER[a.method] ?? 9) - (ORDER[b.method] ?? 9));
    let seed = SEED;
    let calls = 0;
    for (const o of sorted) {
      for (const caller of callers) {
        // The full set of inputs for each caller an operation allows (for a public one: the
        // anonymous caller); one valid and one invalid input for the others.
        const full =
          !caller.withoutCsrf &&
          (o.roles ? caller.role !== null && o.roles.includes(caller.role) : caller.role === null);
        const ctx: GenContext = { resolve: resolveRef, known: (name) => pool.known(o.path, name) };
        const valid = validInputs(o, ctx, full ? VALID_RUNS : 1, seed++);
        if (valid.length === 0) {
          failures.push(`${o.name}: could not generate a valid input`);
          continue;
        }
        const invalid = invalidInputs(o, valid[0]!, ctx, full ? INVALID_RUNS : 1, seed++);
        const inputs = [...valid, ...invalid];
        let replayed = false;
        for (const input of inputs) {
          const a = await call(o, input, caller);
          // A create that worked, sent again: a duplicate must be refused with a 4xx, never a 5xx.
          if (o.method === 'POST' && input.valid && a.status < 300 && !replayed) {
            replayed = true;
            inputs.push({ ...input, what: 'the same valid input again' });
          }
          calls++;
          const wrong = judge(o, input, caller, a);
          if (wrong)
            failures.push(
              `${o.name} as ${caller.role ?? 'anonymous'}${caller.withoutCsrf ? ' (session, no CSRF header)' : ''} with ${input.what} (${o.method} ${urlOf(o, input).slice(0, 120)}): ${wrong}`,
            );
          if (a.status < 300 && a.type.includes('json')) pool.harvest(o.path, a.body);
        }
      }
    }
    if (process.env['API_FAILURES'])
      (await import('node:fs')).writeFileSync(process.env['API_FAILURES'], failures.join('\n'));
    expect(calls).toBeGreaterThan(ops.length * ROLES.length);
    expect(failures.slice(0, 60), `${failures.length} failures (seed ${SEED})`).toEqual([]);
  }, 240_000);
});
