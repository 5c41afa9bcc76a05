import type { EventEnvelope } from '@baken/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../testing/test-app.js';

// An event's last-seen writes commit with the event, in the ingest transaction (store README,
// "One transaction per turn"), not as commits of their own afterwards.
let t: TestApp;
const gatewayId = 'gw-touch-0001';
const ev = (id: string): EventEnvelope =>
  ({
    v: 1,
    id,
    gatewayId,
    deviceId: 'PEN-TOUCH-1',
    deviceKind: 'pendant',
    kind: 'test',
    priority: 'normal',
    deviceTime: null,
    receivedAt: t.clock.now(),
    data: {},
  }) as EventEnvelope;

function ingestTurn(e: EventEnvelope, thenFail: boolean): Promise<unknown> {
  return t.app.ingest.storeTurn({
    events: [{ event: e, homeId: null }],
    within: async () => {
      if (thenFail) throw new Error('a later write failed');
    },
  });
}

beforeAll(async () => {
  t = await testApp();
  await t.app.baken.repos.gateways.create({
    id: gatewayId,
    homeId: null,
    serial: null,
    createdAt: 0,
    revokedAt: null,
    mqttPasswordHash: 'x',
  });
});
afterAll(() => t.close());

describe('last seen from events', () => {
  it('is written by an in-transaction processor and rolls back with the event', async () => {
    const health = t.app.health;
    await expect(ingestTurn(ev('evt-touch-0001'), true)).rejects.toThrow('a later write failed');
    expect(await health.states.device(gatewayId, 'PEN-TOUCH-1')).toBeUndefined();
    expect((await health.states.gateway(gatewayId))?.lastSeenAt ?? null).toBeNull();
    await ingestTurn(ev('evt-touch-0002'), false);
    expect((await health.states.device(gatewayId, 'PEN-TOUCH-1'))?.lastSeenAt).toBe(t.clock.now());
    expect((await health.states.gateway(gatewayId))?.lastSeenAt).toBe(t.clock.now());
  });
});
