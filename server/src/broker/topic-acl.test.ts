import { TOPIC_META, TOPIC_NAMES } from '@baken/protocols';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GATEWAY_DOWNLINK,
  GATEWAY_ID_PATTERN,
  GATEWAY_UPLINK,
  gatewayMayPublish,
  gatewayMaySubscribe,
  gatewayTopic,
  parseGatewayTopic,
  serverMayUse,
} from './topic-acl.js';

describe('topic ACL', () => {
  it('lets a gateway publish uplink and subscribe downlink in its own subtree only', () => {
    expect(gatewayMayPublish('gw-a1', gatewayTopic('gw-a1', 'events')).ok).toBe(true);
    expect(gatewayMayPublish('gw-a1', gatewayTopic('gw-a1', 'cmd/res')).ok).toBe(true);
    expect(gatewayMayPublish('gw-a1', gatewayTopic('gw-a1', 'cmd/req'))).toEqual({
      ok: false,
      reason: 'publish_not_uplink',
    });
    expect(gatewayMayPublish('gw-a1', gatewayTopic('gw-b2', 'events'))).toEqual({
      ok: false,
      reason: 'publish_foreign_topic',
    });
    expect(gatewayMaySubscribe('gw-a1', gatewayTopic('gw-a1', 'cmd/req')).ok).toBe(true);
    expect(gatewayMaySubscribe('gw-a1', gatewayTopic('gw-a1', 'events')).ok).toBe(false);
    expect(gatewayMaySubscribe('gw-a1', 'baken/v1/gw/+/cmd/req').ok).toBe(false);
    expect(gatewayMaySubscribe('gw-a1', '#').ok).toBe(false);
    expect(serverMayUse('baken/v1/gw/+/events').ok).toBe(true);
    expect(serverMayUse('$SYS/#').ok).toBe(false);
  });

  it('never allows a topic outside the own subtree (property)', () => {
    fc.assert(
      fc.property(fc.string(), (topic) => {
        const pub = gatewayMayPublish('gw-own', topic);
        const sub = gatewayMaySubscribe('gw-own', topic);
        const own = topic.startsWith('baken/v1/gw/gw-own/');
        if (!own) expect(pub.ok || sub.ok).toBe(false);
      }),
    );
  });

  it('takes its suffix lists and topic parsing from the protocols topic map', () => {
    expect(GATEWAY_UPLINK).toEqual(['events', 'heartbeat', 'availability', 'cmd/res', 'check']);
    expect(GATEWAY_DOWNLINK).toEqual(['ack', 'cmd/req', 'config']);
    for (const name of TOPIC_NAMES) {
      const up = TOPIC_META[name].direction === 'gw_to_server';
      expect(gatewayMayPublish('gw-0123456789abcdef', gatewayTopic('gw-0123456789abcdef', name)).ok).toBe(up);
      expect(gatewayMaySubscribe('gw-0123456789abcdef', gatewayTopic('gw-0123456789abcdef', name)).ok).toBe(
        !up,
      );
    }
    expect(parseGatewayTopic('baken/v1/gw/gw-0123456789abcdef/cmd/res')).toEqual({
      gatewayId: 'gw-0123456789abcdef',
      suffix: 'cmd/res',
    });
    expect(parseGatewayTopic('baken/v1/gw/gw-a1/nonsense')).toBeNull();
    expect(parseGatewayTopic('baken/v1/gw/GW_A1/events')).toBeNull();
    expect(GATEWAY_ID_PATTERN.test('gw-0123456789abcdef')).toBe(true);
  });
});
