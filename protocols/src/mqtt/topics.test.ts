import { describe, expect, it } from 'vitest';
import {
  allGatewaysFilter,
  gatewaySubtreeFilter,
  isGatewayId,
  parseTopic,
  TOPIC_META,
  TOPIC_NAMES,
  topicFor,
} from './topics.js';

describe('topics [MQTT-MAP §1, §3]', () => {
  it('builds and parses every topic', () => {
    for (const name of TOPIC_NAMES) {
      const topic = topicFor(name, 'gw-001');
      expect(topic).toBe(`baken/v1/gw/gw-001/${name}`);
      expect(parseTopic(topic)).toEqual({ ok: true, value: { name, gatewayId: 'gw-001' } });
    }
  });

  it('builds subscription filters', () => {
    expect(gatewaySubtreeFilter('gw-001')).toBe('baken/v1/gw/gw-001/#');
    expect(allGatewaysFilter('cmd/res')).toBe('baken/v1/gw/+/cmd/res');
  });

  it('refuses gateway ids that could widen a topic or an ACL', () => {
    for (const bad of ['+', '#', 'a/b', 'ab', 'Home-1', '-abc', 'x'.repeat(41), '']) {
      expect(isGatewayId(bad)).toBe(false);
      expect(() => topicFor('events', bad)).toThrowError(
        expect.objectContaining({ code: 'BAKEN_ERR_GATEWAY_ID' }),
      );
      expect(() => gatewaySubtreeFilter(bad)).toThrowError(
        expect.objectContaining({ code: 'BAKEN_ERR_GATEWAY_ID' }),
      );
    }
    expect(isGatewayId('abc')).toBe(true);
    expect(isGatewayId('0'.repeat(40))).toBe(true);
  });

  it('parseTopic rejects everything else with BAKEN_ERR_TOPIC_UNKNOWN', () => {
    const bad: unknown[] = [
      'baken/v1/gw/gw-001',
      'baken/v1/gw/gw-001/',
      'baken/v1/gw/gw-001/cmd',
      'baken/v1/gw/gw-001/cmd/req/x',
      'baken/v1/gw/+/events',
      'baken/v1/gw/GW-001/events',
      '/baken/v1/gw/gw-001/events',
      'baken/v1/gw/gw-001/events/',
      'baken/v1/gw/gw-001/__proto__',
      `baken/v1/gw/gw-001/${'x'.repeat(200)}`,
      '',
      42,
      null,
    ];
    for (const topic of bad) {
      const r = parseTopic(topic);
      expect(r.ok ? r.value : r.error.code, String(topic)).toBe('BAKEN_ERR_TOPIC_UNKNOWN');
    }
  });

  it('gives every topic a direction, a QoS and a retain flag', () => {
    expect(Object.keys(TOPIC_META).sort()).toEqual([...TOPIC_NAMES].sort());
    expect(TOPIC_META.availability.retain).toBe(true);
    expect(TOPIC_META.config.retain).toBe(true);
    expect(TOPIC_META.events).toEqual({ direction: 'gw_to_server', qos: 1, retain: false });
    expect(TOPIC_META['cmd/req'].direction).toBe('server_to_gw');
  });
});
