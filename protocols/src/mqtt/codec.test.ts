import { describe, expect, it } from 'vitest';
import { availabilityWill, decodeMqttMessage, encodeMqttPayload } from './codec.js';
import { EVENT_DATA_SCHEMAS } from './event-schemas.js';
import { EXAMPLE_GATEWAY_ID, MQTT_EXAMPLE_EVENTS, MQTT_EXAMPLE_PAYLOADS } from './examples.js';
import { TOPIC_NAMES, topicFor } from './topics.js';

const gw = EXAMPLE_GATEWAY_ID;
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const codeOf = (topic: string, payload: Uint8Array | string): string | undefined => {
  const r = decodeMqttMessage(topic, payload);
  return r.ok ? undefined : r.error.code;
};

describe('golden payloads [MQTT-MAP §4]', () => {
  for (const name of TOPIC_NAMES) {
    it(`${name}: the example decodes to itself`, () => {
      const example = MQTT_EXAMPLE_PAYLOADS[name];
      const r = decodeMqttMessage(topicFor(name, gw), bytes(example));
      expect(r).toEqual({ ok: true, value: { name, gatewayId: gw, payload: example } });
      expect(JSON.parse(encodeMqttPayload(name, example))).toEqual(example);
    });
  }

  it('has one example for every (deviceKind, kind) pair, each valid', () => {
    const pairs = Object.entries(EVENT_DATA_SCHEMAS).flatMap(([d, kinds]) =>
      Object.keys(kinds).map((k) => `${d}/${k}`),
    );
    expect(MQTT_EXAMPLE_EVENTS.map((e) => `${e.deviceKind}/${e.kind}`).sort()).toEqual(pairs.sort());
    for (const event of MQTT_EXAMPLE_EVENTS) {
      const r = decodeMqttMessage(topicFor('events', gw), JSON.stringify(event));
      expect(r.ok ? r.value.payload : r.error).toEqual(event);
    }
  });

  it('event ids are unique across the examples', () => {
    expect(new Set(MQTT_EXAMPLE_EVENTS.map((e) => e.id)).size).toBe(MQTT_EXAMPLE_EVENTS.length);
  });
});

describe('decode errors', () => {
  const events = topicFor('events', gw);
  const alarm = MQTT_EXAMPLE_PAYLOADS.events;

  it('unknown topics', () => {
    expect(codeOf('baken/v1/gw/home-0042/nope', '{}')).toBe('BAKEN_ERR_TOPIC_UNKNOWN');
    expect(codeOf('baken/v2/gw/home-0042/events', '{}')).toBe('BAKEN_ERR_TOPIC_UNKNOWN');
  });

  it('empty, too large, non-UTF-8, non-JSON', () => {
    expect(codeOf(events, '')).toBe('BAKEN_ERR_PAYLOAD_EMPTY');
    expect(codeOf(events, new Uint8Array(0))).toBe('BAKEN_ERR_PAYLOAD_EMPTY');
    expect(codeOf(events, 'x'.repeat(300_000))).toBe('BAKEN_ERR_PAYLOAD_TOO_LARGE');
    expect(codeOf(events, new Uint8Array(300_000))).toBe('BAKEN_ERR_PAYLOAD_TOO_LARGE');
    expect(codeOf(events, new Uint8Array([0x7b, 0xff, 0x7d]))).toBe('BAKEN_ERR_PAYLOAD_JSON');
    expect(codeOf(events, '{"v":1,')).toBe('BAKEN_ERR_PAYLOAD_JSON');
    expect(codeOf(events, 42 as unknown as string)).toBe('BAKEN_ERR_PAYLOAD_JSON');
  });

  it('wrong version, whatever its type', () => {
    for (const v of [2, 0, '1', null, [1], 1.5]) {
      expect(codeOf(events, bytes({ ...alarm, v }))).toBe('BAKEN_ERR_PAYLOAD_VERSION');
    }
  });

  it('schema errors name the first failing path', () => {
    const cases: [unknown, string][] = [
      [[alarm], ''],
      ['"text"', ''],
      [{ ...alarm, v: undefined }, '/v'],
      [{ ...alarm, id: 'short' }, '/id'],
      [{ ...alarm, gatewayId: 'Home_42' }, '/gatewayId'],
      [{ ...alarm, receivedAt: -1 }, '/receivedAt'],
      [{ ...alarm, receivedAt: 1.5 }, '/receivedAt'],
      [{ ...alarm, priority: 'urgent' }, '/priority'],
      [{ ...alarm, deviceKind: 'lamp' }, '/deviceKind'],
      [{ ...alarm, kind: 'door_opened' }, '/kind'],
      [{ ...alarm, kind: 'toString' }, '/kind'],
      [{ ...alarm, data: { rssi: -500 } }, '/data/rssi'],
      [{ ...alarm, data: null }, '/data'],
    ];
    for (const [payload, path] of cases) {
      const r = decodeMqttMessage(events, typeof payload === 'string' ? payload : bytes(payload));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code, JSON.stringify(payload)).toBe('BAKEN_ERR_PAYLOAD_SCHEMA');
        expect(r.error.detail['path'], JSON.stringify(payload)).toBe(path);
      }
    }
  });

  it('a payload gatewayId that differs from the topic is refused', () => {
    const other = topicFor('events', 'home-0043');
    expect(codeOf(other, bytes(alarm))).toBe('BAKEN_ERR_PAYLOAD_GATEWAY_MISMATCH');
    const hb = MQTT_EXAMPLE_PAYLOADS.heartbeat;
    expect(codeOf(topicFor('heartbeat', 'home-0043'), bytes(hb))).toBe('BAKEN_ERR_PAYLOAD_GATEWAY_MISMATCH');
  });
});

describe('unknown properties [MQTT-MAP §2.5]', () => {
  const topic = topicFor('heartbeat', gw);
  const hb = MQTT_EXAMPLE_PAYLOADS.heartbeat;
  const extended = { ...hb, futureField: 1, outbox: { ...hb.outbox, bytes: 10 } };

  it('are stripped on decode by default', () => {
    const r = decodeMqttMessage(topic, bytes(extended));
    expect(r.ok && r.value.payload).toEqual(hb);
  });

  it('are rejected in strict mode and by the encoder', () => {
    const r = decodeMqttMessage(topic, bytes(extended), { unknownProperties: 'reject' });
    expect(!r.ok && r.error.detail['path']).toBe('/futureField');
    expect(() => encodeMqttPayload('heartbeat', extended)).toThrowError(/futureField/);
  });

  it('the encoder refuses invalid and unserialisable values with the ProtocolError', () => {
    expect(() => encodeMqttPayload('ack', { v: 1, ids: [] })).toThrowError(
      expect.objectContaining({ code: 'BAKEN_ERR_PAYLOAD_SCHEMA' }),
    );
    const cyclic: Record<string, unknown> = { v: 1 };
    cyclic['self'] = cyclic;
    expect(() => encodeMqttPayload('ack', cyclic as never)).toThrowError(
      expect.objectContaining({ code: 'BAKEN_ERR_PAYLOAD_SCHEMA' }),
    );
  });
});

describe('availabilityWill [MQTT-MAP §4.4]', () => {
  it('is retained, QoS 1, offline with a null time, and decodes', () => {
    const will = availabilityWill(gw);
    expect(will).toMatchObject({ topic: 'baken/v1/gw/home-0042/availability', qos: 1, retain: true });
    const r = decodeMqttMessage(will.topic, will.payload);
    expect(r.ok && r.value.payload).toEqual({ v: 1, state: 'offline', at: null });
  });
});
