import { describe, expect, it } from 'vitest';
import { ALARM_HOLD_GAP_MS, AlarmGate, MAX_ALARM_HOLD_MS } from './alarm-gate.js';

// An alarm's ack goes before the next slice of held units (broker README, "Start under a reconnect storm").

describe('AlarmGate', () => {
  it('holds while an alarm waits for its ack, and not after', () => {
    const gate = new AlarmGate(() => 0);
    expect(gate.holds()).toBe(false);
    gate.alarm('gw-1');
    gate.alarm('gw-2');
    expect(gate.holds()).toBe(true);
    gate.acked('gw-1');
    expect(gate.holds()).toBe(true);
    gate.acked('gw-2');
    expect(gate.holds()).toBe(false);
  });

  it('stops holding for an alarm whose ack never comes', () => {
    let now = 1_000;
    const gate = new AlarmGate(() => now);
    gate.alarm('gw-1');
    now += MAX_ALARM_HOLD_MS;
    expect(gate.holds()).toBe(true);
    gate.alarm('gw-1'); // a second alarm of the unit does not prolong the first's hold
    now += 1;
    expect(gate.holds()).toBe(false);
    expect(gate.pending).toBe(0);
  });

  it('lets one unit that sends alarm after alarm hold the admission only once a second', () => {
    let now = 0;
    const gate = new AlarmGate(() => now);
    let held = 0;
    // an alarm every 10 ms for 10 s, each acked 5 ms later; the held queue asks every millisecond
    for (; now < 10_000; now++) {
      if (now % 10 === 0) gate.alarm('gw-flood');
      if (now % 10 === 5) gate.acked('gw-flood');
      if (gate.holds()) held++;
    }
    // 5 ms in each second, not half of the whole storm
    expect(held).toBe(5 * (10_000 / ALARM_HOLD_GAP_MS));
    // another unit's first alarm still holds
    gate.alarm('gw-other');
    expect(gate.holds()).toBe(true);
  });
});
