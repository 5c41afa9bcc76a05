import fc from 'fast-check';

/** A JSON Schema (as found in the OpenAPI document: OpenAPI 3.0 flavour, `nullable`, `$ref`). */
export type Schema = Record<string, unknown>;

export interface GenContext {
  /** Resolves a local `$ref` such as `#/components/schemas/def-0`. */
  resolve(ref: string): Schema;
  /** Values that exist in the store for a property or parameter name (`id`, `homeId`, …). */
  known(name: string): unknown[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const list = (v: unknown): Schema[] => (Array.isArray(v) ? (v as Schema[]) : []);
const FORMATS: Record<string, fc.Arbitrary<string>> = {
  'date-time': fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  date: fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  email: fc.emailAddress(),
  uri: fc.webUrl(),
  uuid: fc.uuid(),
};

function stringArb(s: Schema): fc.Arbitrary<string> {
  const minLength = num(s['minLength']) ?? 0;
  const maxLength = Math.min(num(s['maxLength']) ?? minLength + 24, minLength + 64);
  const format = typeof s['format'] === 'string' ? FORMATS[s['format']] : undefined;
  if (format) return format;
  if (typeof s['pattern'] === 'string') {
    // `^[…]+$` with length bounds: generate the bounded repetition directly, as filtering for the
    // length could search for ever.
    const bounded = s['pattern'].replace(
      /\]([+*])\$$/,
      (_m, q: string) => `]{${q === '+' ? Math.max(1, minLength) : minLength},${maxLength}}$`,
    );
    const most = num(s['maxLength']) ?? Number.POSITIVE_INFINITY;
    return fc.stringMatching(new RegExp(bounded)).map((x) => (x.length > most ? x.slice(0, most) : x));
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength, unit: 'binary' }) },
  );
}

function numberArb(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const xmin = num(s['exclusiveMinimum']);
  const xmax = num(s['exclusiveMaximum']);
  let min = num(s['minimum']) ?? (xmin !== undefined ? xmin + (integer ? 1 : 1e-6) : undefined);
  let max = num(s['maximum']) ?? (xmax !== undefined ? xmax - (integer ? 1 : 1e-6) : undefined);
  if (integer) {
    min ??= -(2 ** 40);
    max ??= 2 ** 42;
    return fc.oneof(
      fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }),
      fc.constantFrom(min, max),
    );
  }
  return fc.double({ min: min ?? -1e9, max: max ?? 1e9, noNaN: true, noDefaultInfinity: true });
}

function objectArb(s: Schema, ctx: GenContext, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = (s['properties'] ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(s['required']) ? (s['required'] as string[]) : []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, p] of Object.entries(props)) model[k] = arbitraryOf(p, ctx, k, depth + 1);
  return fc.record(model, { requiredKeys: [...required].filter((k) => k in props) }) as fc.Arbitrary<
    Record<string, unknown>
  >;
}

/** Merges the object members of an `allOf` (TypeBox `Intersect`) into one object schema. */
function mergeAllOf(parts: Schema[], ctx: GenContext): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const raw of parts) {
    const p = typeof raw['$ref'] === 'string' ? ctx.resolve(raw['$ref']) : raw;
    Object.assign(properties, (p['properties'] ?? {}) as Record<string, Schema>);
    required.push(...(Array.isArray(p['required']) ? (p['required'] as string[]) : []));
  }
  return { type: 'object', properties, required };
}

/**
 * A fast-check arbitrary of values that satisfy `schema` (the keywords our TypeBox schemas use).
 * Where the store holds values for the property `name` (ids), they are chosen most of the time,
 * so generated requests reach past the "not found" answers.
 */
export function arbitraryOf(
  schema: Schema,
  ctx: GenContext,
  name?: string,
  depth = 0,
): fc.Arbitrary<unknown> {
  const base = baseArb(schema, ctx, depth);
  const known = name ? ctx.known(name) : [];
  if (known.length === 0) return base;
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: base });
}

function baseArb(s: Schema, ctx: GenContext, depth: number): fc.Arbitrary<unknown> {
  if (typeof s['$ref'] === 'string') return baseArb(ctx.resolve(s['$ref']), ctx, depth);
  const nullable = s['nullable'] === true;
  const withNull = (a: fc.Arbitrary<unknown>) => (nullable ? fc.oneof(a, fc.constant(null)) : a);
  if (Array.isArray(s['enum'])) return fc.constantFrom(...(s['enum'] as unknown[]));
  if ('const' in s) return fc.constant(s['const']);
  for (const k of ['anyOf', 'oneOf'])
    if (Array.isArray(s[k])) return withNull(fc.oneof(...list(s[k]).map((x) => baseArb(x, ctx, depth))));
  if (Array.isArray(s['allOf'])) return withNull(baseArb(mergeAllOf(list(s['allOf']), ctx), ctx, depth));
  const type = Array.isArray(s['type']) ? (s['type'] as string[]) : [s['type']];
  const arbs = type.map((t): fc.Arbitrary<unknown> => {
    switch (t) {
      case 'string':
        return stringArb(s);
      case 'integer':
        return numberArb(s, true);
      case 'number':
        return numberArb(s, false);
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const minLength = num(s['minItems']) ?? 0;
        const maxLength = Math.min(num(s['maxItems']) ?? minLength + 3, minLength + (depth > 2 ? 1 : 3));
        return fc.array(arbitraryOf((s['items'] ?? {}) as Schema, ctx, undefined, depth + 1), {
          minLength,
          maxLength,
        });
      }
      case 'object':
        return objectArb(s, ctx, depth);
      default:
        return s['properties'] ? objectArb(s, ctx, depth) : fc.oneof(fc.string(), fc.integer(), fc.boolean());
    }
  });
  return withNull(arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs));
}

/**
 * Values that violate `schema` in a way no coercion repairs (the server's Ajv coerces scalars and
 * single-item arrays): a wrong kind of value, a string past `maxLength` or outside its pattern, a
 * number out of range, a missing required or an unknown property. Callers keep only those the
 * schema really refuses.
 */
export function invalidVariants(schema: Schema, valid: unknown, ctx: GenContext): unknown[] {
  const s = typeof schema['$ref'] === 'string' ? ctx.resolve(schema['$ref']) : schema;
  const out: unknown[] = [];
  const type = s['type'];
  out.push(type === 'object' || s['properties'] ? 42 : { not: 'this' });
  if (typeof s['maxLength'] === 'number') out.push('x'.repeat(s['maxLength'] + 1));
  if (typeof s['pattern'] === 'string') out.push(' \u0000<>');
  if (typeof s['minimum'] === 'number') out.push(s['minimum'] - 1);
  if (typeof s['maximum'] === 'number') out.push(s['maximum'] + 1);
  if (type === 'integer') out.push(1.5);
  if (Array.isArray(s['enum'])) out.push('not-one-of-them');
  if (valid && typeof valid === 'object' && !Array.isArray(valid)) {
    const v = valid as Record<string, unknown>;
    const props = (s['properties'] ?? {}) as Record<string, Schema>;
    for (const r of Array.isArray(s['required']) ? (s['required'] as string[]) : []) {
      const { [r]: _drop, ...rest } = v;
      out.push(rest);
    }
    if (s['additionalProperties'] === false) out.push({ ...v, unexpectedField: 1 });
    for (const [k, p] of Object.entries(props))
      for (const bad of invalidVariants(p, v[k], ctx).slice(0, 2)) out.push({ ...v, [k]: bad });
  }
  return out;
}
