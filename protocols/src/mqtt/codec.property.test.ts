import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMqttMessage, encodeMqttPayload } from './codec.js';
import type { EventEnvelope } from './event-schemas.js';
import { EXAMPLE_GATEWAY_ID, MQTT_EXAMPLE_EVENTS, MQTT_EXAMPLE_PAYLOADS } from './examples.js';
import { TOPIC_NAMES, topicFor } from './topics.js';

const topicArb = fc.constantFrom(...TOPIC_NAMES).map((name) => topicFor(name, EXAMPLE_GATEWAY_ID));
const neverThrows = (topic: string, payload: Uint8Array | string): void => {
  const r = decodeMqttMessage(topic, payload);
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) expect(r.error.code).toMatch(/^BAKEN_ERR_/);
};

describe('decodeMqttMessage is total [MQTT-MAP §2]', () => {
  it('random bytes never throw', () => {
    fc.assert(fc.property(topicArb, fc.uint8Array({ maxLength: 512 }), neverThrows), { numRuns: 2000 });
  });

  it('random JSON never throws', () => {
    fc.assert(
      fc.property(topicArb, fc.jsonValue({ maxDepth: 6 }), (topic, value) => {
        neverThrows(topic, JSON.stringify(value) ?? 'null');
      }),
      { numRuns: 2000 },
    );
  });

  it('random topics never throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (topic) => neverThrows(topic, '{"v":1}')));
  });

  it('golden payloads with one field replaced by random JSON never throw', () => {
    const cases = TOPIC_NAMES.map((name) => [name, MQTT_EXAMPLE_PAYLOADS[name]] as const);
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.nat(),
        fc.jsonValue({ maxDepth: 3 }),
        ([name, example], i, junk) => {
          const keys = Object.keys(example);
          const key = keys[i % keys.length]!;
          neverThrows(topicFor(name, EXAMPLE_GATEWAY_ID), JSON.stringify({ ...example, [key]: junk }));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('deeply nested JSON is refused, not a stack overflow', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    neverThrows(topicFor('events', EXAMPLE_GATEWAY_ID), deep);
    const deepData = `{"v":1,"data":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`;
    neverThrows(topicFor('events', EXAMPLE_GATEWAY_ID), deepData);
  });
});

const idArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$/);
const msArb = fc.integer({ min: 0, max: 253_402_300_799_999 });

/** Valid envelopes: every golden event with its envelope fields and simple data fields varied. */
const eventArb: fc.Arbitrary<EventEnvelope> = fc
  .record({
    example: fc.constantFrom(...MQTT_EXAMPLE_EVENTS),
    id: idArb,
    deviceId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/),
    priority: fc.constantFrom('alarm' as const, 'normal' as const),
    deviceTime: fc.option(msArb, { nil: null }),
    receivedAt: msArb,
    seq: fc.option(fc.integer({ min: 0, max: 4_294_967_295 }), { nil: undefined }),
    percent: fc.integer({ min: 0, max: 100 }),
  })
  .map(({ example, seq, percent, ...fields }) => {
    const data =
      'percent' in example.data && typeof example.data.percent === 'number' ? { percent } : example.data;
    const event = { ...example, ...fields, data } as EventEnvelope;
    if (seq === undefined) delete event.seq;
    else event.seq = seq;
    return event;
  });

describe('round trip [MQTT-MAP §2]', () => {
  it('decode(encode(event)) equals the event', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const r = decodeMqttMessage(topicFor('events', event.gatewayId), encodeMqttPayload('events', event));
        expect(r.ok && r.value.payload).toEqual(event);
      }),
      { numRuns: 1000 },
    );
  });

  it('decode(encode(ack)) equals the ack', () => {
    fc.assert(
      fc.property(fc.array(idArb, { minLength: 1, maxLength: 50 }), (ids) => {
        const bytes = new TextEncoder().encode(encodeMqttPayload('ack', { v: 1, ids }));
        const r = decodeMqttMessage(topicFor('ack', EXAMPLE_GATEWAY_ID), bytes);
        expect(r.ok && r.value.payload).toEqual({ v: 1, ids });
      }),
    );
  });
});
