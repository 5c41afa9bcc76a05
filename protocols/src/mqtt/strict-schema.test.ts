import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { eventDataSchemaFor } from './event-schemas.js';
import { MQTT_EXAMPLE_EVENTS, MQTT_EXAMPLE_PAYLOADS } from './examples.js';
import { strictSchema } from './strict-schema.js';
import type { TopicName } from './topics.js';
import { TOPIC_SCHEMAS, validatePayload } from './validate.js';

/** What stripping did before the fast path: clean, then check. */
const slowStrip = (schema: Parameters<typeof Value.Clean>[0], input: unknown) => {
  const v = Value.Clean(schema, Value.Clone(input));
  return TypeCompiler.Compile(schema).Check(v) ? v : 'invalid';
};

describe('strictSchema (the receiver fast path, MQTT-MAP §2.5)', () => {
  const names = Object.keys(MQTT_EXAMPLE_PAYLOADS) as TopicName[];

  it('gives the same stripped value as clean-then-check, with and without unknown properties', () => {
    for (const name of names) {
      const example = MQTT_EXAMPLE_PAYLOADS[name] as Record<string, unknown>;
      for (const input of [example, { ...example, fromANewerSender: 1 }]) {
        const r = validatePayload(name, input);
        expect(r.ok, name).toBe(true);
        expect(r.ok && r.value, name).toEqual(slowStrip(TOPIC_SCHEMAS[name], input));
        expect(r.ok && r.value, name).toEqual(example);
      }
    }
  });

  it('still strips unknown properties inside an event’s data, for every example event', () => {
    for (const e of MQTT_EXAMPLE_EVENTS) {
      const input = { ...e, data: { ...(e.data as object), fromANewerSender: 'x' } };
      const r = validatePayload('events', input);
      expect(r.ok && r.value, `${e.deviceKind}/${e.kind}`).toEqual(e);
      expect(slowStrip(eventDataSchemaFor(e.deviceKind, e.kind)!, input.data)).toEqual(e.data);
    }
  });

  it('refuses what has something to strip, and accepts what the schema accepts without it', () => {
    const schema = Type.Object({ a: Type.Number(), inner: Type.Object({ b: Type.String() }) });
    const strict = TypeCompiler.Compile(strictSchema(schema)!);
    expect(strict.Check({ a: 1, inner: { b: 'x' } })).toBe(true);
    expect(strict.Check({ a: 1, inner: { b: 'x' }, c: 2 })).toBe(false);
    expect(strict.Check({ a: 1, inner: { b: 'x', c: 2 } })).toBe(false);
  });

  it('has no variant where cleaning depends on which union branch matches', () => {
    const branches = Type.Union([
      Type.Object({ a: Type.Number() }),
      Type.Object({ a: Type.Number(), b: Type.Number() }),
    ]);
    // cleaning takes the first branch that checks and drops b; a strict check would take the second
    expect(Value.Clean(branches, { a: 1, b: 2 })).toEqual({ a: 1 });
    expect(strictSchema(branches)).toBeNull();
    expect(strictSchema(Type.Object({ x: branches }))).toBeNull();
    expect(strictSchema(Type.Record(Type.String(), Type.Number()))).toBeNull();
    expect(strictSchema(Type.Object({ p: Type.Union([Type.Literal('a'), Type.Null()]) }))).not.toBeNull();
  });
});
