type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Merges the members of an `allOf` (TypeBox `Intersect`) into one object schema. */
function merged(parts: Schema[]): Schema {
  const properties: Record<string, unknown> = {};
  let open = false;
  for (const p of parts) {
    Object.assign(properties, (p['properties'] ?? {}) as Record<string, unknown>);
    if (p['additionalProperties'] !== undefined && p['additionalProperties'] !== false) open = true;
  }
  return { type: 'object', properties, ...(open ? { additionalProperties: true } : {}) };
}

const jsonType = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

/** Whether `value` is of a `type` the schema allows (no `type`: any). */
function fits(value: unknown, schema: Schema): boolean {
  const t = schema['type'];
  if (t === undefined) return true;
  const types = Array.isArray(t) ? (t as string[]) : [t as string];
  const actual = jsonType(value);
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

/** As {@link undeclaredProperties}, or null when `value` does not fit `schema` at all. */
function check(value: unknown, schema: unknown, at: string): string[] | null {
  if (!isObject(schema) || typeof schema['$ref'] === 'string') return [];
  for (const k of ['anyOf', 'oneOf'] as const) {
    const branches = schema[k];
    if (Array.isArray(branches) && branches.length > 0) {
      let best: string[] | null = null;
      for (const b of branches) {
        const found = check(value, b, at);
        if (found !== null && (best === null || found.length < best.length)) best = found;
      }
      return best;
    }
  }
  if (Array.isArray(schema['allOf'])) return check(value, merged(schema['allOf'] as Schema[]), at);
  if (!fits(value, schema)) return null;
  if (Array.isArray(value)) return value.flatMap((x, i) => check(x, schema['items'], `${at}/${i}`) ?? []);
  if (!isObject(value)) return [];
  const props = schema['properties'];
  if (!isObject(props)) return [];
  const open = schema['additionalProperties'] !== undefined && schema['additionalProperties'] !== false;
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (k in props) out.push(...(check(v, props[k], `${at}/${k}`) ?? []));
    else if (!open && schema['patternProperties'] === undefined) out.push(`${at}/${k}`);
  }
  return out;
}

/**
 * The properties of `value` that `schema` does not declare, as JSON pointers — the ones Fastify's
 * serializer would silently drop from the answer. For a union, the fitting branch that leaves the
 * fewest. A `$ref` or an open object (`additionalProperties`, a record) is not looked into.
 */
export function undeclaredProperties(value: unknown, schema: unknown): string[] {
  return check(value, schema, '') ?? [];
}
