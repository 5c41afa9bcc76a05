import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatewayMayPublish, gatewayMaySubscribe, gatewayTopic, serverMayUse } from './topic-acl.js';

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
});
