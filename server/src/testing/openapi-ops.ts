import type { Schema } from './schema-arbitrary.js';

/** One operation of the OpenAPI document, with what a test needs to call and check it. */
export interface Operation {
  /** `operationId`, or `METHOD path` when it has none. */
  name: string;
  method: string;
  /** OpenAPI path, `/api/v1/homes/{id}`. */
  path: string;
  op: Schema;
  params: Schema | null;
  query: Schema | null;
  body: Schema | null;
  /** The roles from `x-baken-roles`; null for a public operation. */
  roles: string[] | null;
  /** Declared responses by status (`'200'`, `'404'`, …). */
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  /** Produces a never-ending `text/event-stream`. */
  streams: boolean;
}

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: Schema;
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Turns OpenAPI parameters of one location into one object schema, as Fastify validates them. */
function paramObject(params: Parameter[], where: string, closed: boolean): Schema | null {
  const mine = params.filter((p) => p.in === where);
  if (mine.length === 0) return null;
  const properties: Record<string, Schema> = {};
  for (const p of mine) properties[p.name] = p.schema ?? {};
  return {
    type: 'object',
    properties,
    required: mine.filter((p) => p.required).map((p) => p.name),
    ...(closed ? { additionalProperties: false } : {}),
  };
}

/** Every operation of an OpenAPI document, in document order. */
export function operationsOf(doc: { paths?: Record<string, Record<string, Schema>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {}))
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const parameters = (op['parameters'] ?? []) as Parameter[];
      const content = (op['requestBody'] as { content?: Record<string, { schema?: Schema }> } | undefined)
        ?.content;
      const roles = op['x-baken-roles'];
      const responses = (op['responses'] ?? {}) as Operation['responses'];
      out.push({
        name: typeof op['operationId'] === 'string' ? op['operationId'] : `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        op,
        params: paramObject(parameters, 'path', false),
        query: paramObject(parameters, 'query', false),
        body:
          content?.['application/json']?.schema ?? content?.[Object.keys(content)[0] ?? '']?.schema ?? null,
        roles: Array.isArray(roles) ? (roles as string[]) : null,
        responses,
        streams: Object.values(responses).some((r) => r.content && 'text/event-stream' in r.content),
      });
    }
  return out;
}

/** What is missing from an operation's declaration (server/src/http/README.md). */
export function declarationProblems(o: Operation): string[] {
  const p: string[] = [];
  if (typeof o.op['operationId'] !== 'string') p.push('no operationId');
  if (typeof o.op['summary'] !== 'string' || o.op['summary'].length === 0) p.push('no summary');
  if (!Array.isArray(o.op['tags']) || o.op['tags'].length === 0) p.push('no tag');
  if (!Array.isArray(o.op['security']))
    p.push('no security (add requireRole() as onRequest, or security: PUBLIC for a public route)');
  const statuses = Object.keys(o.responses);
  if (!statuses.some((s) => s.startsWith('2'))) p.push('no 2xx response declared');
  for (const s of statuses) {
    const r = o.responses[s]!;
    const hasSchema = r.content && Object.values(r.content).some((c) => c.schema !== undefined);
    if (s !== '204' && !hasSchema) p.push(`response ${s} has no schema`);
  }
  return p;
}
