import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { GatewayError } from '../errors.js';

/**
 * Fills defaults and validates `raw` against `schema`. Throws `BAKEN_ERR_CONFIG` whose message lists
 * every problem as `field.path: what is wrong` (values are never echoed: they may be secrets).
 */
export function validateAgainst<T>(schema: TSchema, raw: unknown, source: string): T {
  const value = Value.Default(schema, structuredClone(raw ?? {}));
  const problems: string[] = [];
  for (const e of Value.Errors(schema, value)) {
    const field = e.path.replace(/^\//, '').replaceAll('/', '.') || '(root)';
    const line = `${field}: ${describe(e)}`;
    if (!problems.includes(line)) problems.push(line);
    if (problems.length >= 20) break;
  }
  if (problems.length > 0) {
    throw new GatewayError('BAKEN_ERR_CONFIG', `${source} is invalid:\n  ${problems.join('\n  ')}`, {
      source,
      fields: problems.map((p) => p.split(':')[0]),
    });
  }
  return value as T;
}

function describe(e: { message: string; schema: TSchema }): string {
  if (/Unexpected property/i.test(e.message)) return 'unknown setting (check the spelling)';
  const desc = typeof e.schema['description'] === 'string' ? ` (${e.schema['description']})` : '';
  return `${e.message.toLowerCase()}${desc}`;
}
