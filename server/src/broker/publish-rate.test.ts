import { MQTT_EXAMPLE_EVENTS, topicFor } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { isAlarmEvent, PublishRateLimiter } from './publish-rate.js';

const gw = 'gw-rate-01';
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const alarm = json({ ...MQTT_EXAMPLE_EVENTS[0]!, gatewayId: gw });
const heartbeat = json({ v: 1 });

describe('PublishRateLimiter', () => {
  it('passes a burst, then the rate; over it drops all but alarms', () => {
    const clock = new ManualClock();
    const r = new PublishRateLimiter(clock, { publishRatePerS: 2, publishBurst: 3 });
    const hb = () => r.check(gw, topicFor('heartbeat', gw), heartbeat);
    expect([hb(), hb(), hb(), hb()]).toEqual(['pass', 'pass', 'pass', 'drop']);
    expect(r.check(gw, topicFor('events', gw), alarm)).toBe('alarm_over_rate');
    expect(r.check('gw-other-01', topicFor('heartbeat', 'gw-other-01'), heartbeat)).toBe('pass');
    clock.advance(500);
    expect([hb(), hb()]).toEqual(['pass', 'drop']);
    clock.advance(60_000);
    expect([hb(), hb(), hb(), hb()]).toEqual(['pass', 'pass', 'pass', 'drop']);
  });

  it('knows an alarm by its label or by its kind, and nothing else', () => {
    expect(isAlarmEvent(alarm)).toBe(true);
    const mislabelled = json({ ...MQTT_EXAMPLE_EVENTS[0]!, priority: 'normal' });
    expect(isAlarmEvent(mislabelled)).toBe(true);
    expect(isAlarmEvent(json({ deviceKind: 'keysafe', kind: 'door_forced' }))).toBe(true);
    expect(isAlarmEvent(json({ deviceKind: 'keysafe', kind: 'battery', priority: 'normal' }))).toBe(false);
    expect(isAlarmEvent(json({ deviceKind: 'toString', kind: 'alarm' }))).toBe(false);
    expect(isAlarmEvent(Buffer.from('not json'))).toBe(false);
    expect(isAlarmEvent(Buffer.from('null'))).toBe(false);
  });
});
