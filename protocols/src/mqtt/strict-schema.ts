/**
 * A schema's "nothing to strip" variant, for the receiver's fast path [MQTT-MAP §2.5]: receivers
 * strip unknown properties (`Value.Clean`, which walks the schema uncompiled for every message)
 * before they check. The strict variant is the same schema with `additionalProperties: false` on
 * every object, compiled like the others: a value it accepts has nothing to strip, so cleaning
 * would return it unchanged and the ordinary check would pass. Only a value it refuses (a newer
 * sender's extra field, or an invalid value) takes the slow path.
 *
 * That holds only where cleaning cannot depend on which branch matches: a union with an object (or
 * array, record, …) among its branches is cleaned by the first branch that checks, which need not
 * be the branch the strict variant accepted. Such schemas get no strict variant (`null`), and
 * neither do records, intersections, tuples, references or objects with a schema for extra
 * properties.
 */
import { Kind, type TSchema } from '@sinclair/typebox';

const STRUCTURED = new Set([
  'Object',
  'Array',
  'Record',
  'Intersect',
  'Tuple',
  'Union',
  'Ref',
  'This',
  'Import',
]);

const kindOf = (s: TSchema): string => (s as { [Kind]?: string })[Kind] ?? '';

/** The parts of a schema this file reads, whatever its kind. */
interface Parts {
  properties: Record<string, TSchema>;
  additionalProperties?: unknown;
  items: TSchema;
  anyOf: TSchema[];
}

export function strictSchema(schema: TSchema): TSchema | null {
  const parts = schema as unknown as Parts;
  switch (kindOf(schema)) {
    case 'Object': {
      const extra = parts.additionalProperties;
      if (extra !== undefined && typeof extra !== 'boolean') return null;
      const properties: Record<string, TSchema> = {};
      for (const [key, inner] of Object.entries(parts.properties)) {
        const s = strictSchema(inner);
        if (s === null) return null;
        properties[key] = s;
      }
      return { ...schema, properties, additionalProperties: false } as TSchema;
    }
    case 'Array': {
      const items = strictSchema(parts.items);
      return items === null ? null : ({ ...schema, items } as TSchema);
    }
    case 'Union':
      return parts.anyOf.some((s) => STRUCTURED.has(kindOf(s))) ? null : schema;
    case 'Record':
    case 'Intersect':
    case 'Tuple':
    case 'Ref':
    case 'This':
    case 'Import':
      return null;
    default:
      return schema;
  }
}
