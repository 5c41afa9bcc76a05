import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBthome } from './bthome-decode.js';
import type { BthomeAdvert } from './bthome-types.js';
import { emptyPendantDedupeState, pendantDedupe } from './pendant-dedupe.js';
import type { PendantEvent } from './pendant-event.js';
import { pendantEventFromBaken, pendantEventsFromBthome } from './pendant-mapping.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
function bthome(s: string): BthomeAdvert {
  const r = decodeBthome(hex(s));
  if (!r.ok) throw r.error;
  return r.value;
}

describe('BTHome → pendant events [PENDANT SPEC §4.1]', () => {
  it('a Shelly BLU Button press is an alarm with packet id, battery and rssi', () => {
    expect(
      pendantEventsFromBthome(bthome('44005a01643a01'), { address: '3c:2e:f5:00:00:01', rssi: -71 }),
    ).toEqual([
      {
        kind: 'alarm',
        format: 'bthome',
        device: '3C:2E:F5:00:00:01',
        button: 0,
        sequence: 90,
        battery: 100,
        rssi: -71,
      },
    ]);
  });

  it('maps each button slot; none keeps its index', () => {
    const events = pendantEventsFromBthome(bthome('44000c015f3a003a043a003a02'), {
      address: 'AA:BB:CC:DD:EE:FF',
    });
    expect(events.map((e) => [e.kind, e.button])).toEqual([
      ['cancel', 1],
      ['alarm', 3],
    ]);
    expect(events[0]!.rssi).toBeNull();
  });

  it('triple press is a test; hold and long multi-presses mean nothing; a custom mapping wins', () => {
    const address = 'AA:BB:CC:DD:EE:FF';
    expect(pendantEventsFromBthome(bthome('403a03'), { address }).map((e) => e.kind)).toEqual(['test']);
    expect(pendantEventsFromBthome(bthome('403a80'), { address })).toEqual([]);
    expect(pendantEventsFromBthome(bthome('403a05'), { address })).toEqual([]);
    const mapping = {
      none: null,
      press: 'test',
      double_press: null,
      triple_press: null,
      long_press: 'alarm',
      long_double_press: null,
      long_triple_press: null,
      hold_press: 'fall',
    } as const;
    expect(pendantEventsFromBthome(bthome('403a80'), { address }, { mapping }).map((e) => e.kind)).toEqual([
      'fall',
    ]);
  });

  it('battery-only adverts are battery reports, low below the threshold; nothing else yields nothing', () => {
    const address = 'AA:BB:CC:DD:EE:FF';
    expect(pendantEventsFromBthome(bthome('400007'), { address })).toEqual([]);
    expect(pendantEventsFromBthome(bthome('4000070155'), { address }).map((e) => e.kind)).toEqual([
      'battery',
    ]);
    expect(pendantEventsFromBthome(bthome('4000070114'), { address }).map((e) => e.kind)).toEqual([
      'low_battery',
    ]);
    expect(
      pendantEventsFromBthome(bthome('4000070114'), { address }, { lowBatteryPercent: 10 }).map(
        (e) => e.kind,
      ),
    ).toEqual(['battery']);
    expect(pendantEventsFromBthome(bthome('4002ca09'), { address })).toEqual([]);
  });
});

describe('Baken → pendant event [PENDANT SPEC §4.2]', () => {
  it('carries kind, id, counter, battery and rssi', () => {
    expect(
      pendantEventFromBaken(
        { deviceId: 'b4ca0e000001', event: 'fall', battery: null, counter: 9 },
        { rssi: -60 },
      ),
    ).toEqual({
      kind: 'fall',
      format: 'baken',
      device: 'b4ca0e000001',
      button: 0,
      sequence: 9,
      battery: null,
      rssi: -60,
    });
    expect(
      pendantEventFromBaken({ deviceId: 'b4ca0e000001', event: 'test', battery: 5, counter: 1 }).rssi,
    ).toBeNull();
  });
});

const ev = (over: Partial<PendantEvent> = {}): PendantEvent => ({
  kind: 'alarm',
  format: 'bthome',
  device: 'AA:BB:CC:DD:EE:01',
  button: 0,
  sequence: 1,
  battery: 90,
  rssi: -70,
  ...over,
});

describe('pendantDedupe [PENDANT SPEC §5]', () => {
  it('repeats of one press collapse; a new packet id is a new event', () => {
    let s = emptyPendantDedupeState();
    const out: (PendantEvent | null)[] = [];
    for (const [e, t] of [
      [ev(), 0],
      [ev({ rssi: -80 }), 200],
      [ev(), 900],
      [ev({ sequence: 2 }), 1000],
      [ev({ sequence: 2 }), 1100],
    ] as const) {
      const r = pendantDedupe(s, e, t);
      s = r.state;
      out.push(r.event);
    }
    expect(out.map((e) => e?.sequence ?? null)).toEqual([1, null, null, 2, null]);
  });

  it('the same packet id after the window is a new event (8-bit ids wrap); repeats refresh the window', () => {
    const a = pendantDedupe(emptyPendantDedupeState(), ev(), 0);
    const b = pendantDedupe(a.state, ev(), 29_999);
    expect(b.event).toBeNull();
    expect(pendantDedupe(b.state, ev(), 59_998).event).toBeNull();
    expect(pendantDedupe(b.state, ev(), 29_999 + 30_000).event).not.toBeNull();
    expect(pendantDedupe(a.state, ev(), 10, { windowMs: 10 }).event).not.toBeNull();
  });

  it('devices, buttons and formats are independent; without a sequence the kind decides', () => {
    const a = pendantDedupe(emptyPendantDedupeState(), ev(), 0);
    expect(pendantDedupe(a.state, ev({ device: 'AA:BB:CC:DD:EE:02' }), 1).event).not.toBeNull();
    expect(pendantDedupe(a.state, ev({ button: 1 }), 1).event).not.toBeNull();
    expect(pendantDedupe(a.state, ev({ format: 'baken' }), 1).event).not.toBeNull();
    const n = pendantDedupe(emptyPendantDedupeState(), ev({ sequence: null }), 0);
    expect(pendantDedupe(n.state, ev({ sequence: null }), 5).event).toBeNull();
    expect(pendantDedupe(n.state, ev({ sequence: null, kind: 'cancel' }), 5).event).not.toBeNull();
    expect(pendantDedupe(n.state, ev({ sequence: 4 }), 5).event).not.toBeNull();
  });

  it('does not mutate the input state', () => {
    const a = pendantDedupe(emptyPendantDedupeState(), ev(), 0);
    const before = JSON.stringify(a.state);
    pendantDedupe(a.state, ev({ sequence: 7 }), 5);
    expect(JSON.stringify(a.state)).toBe(before);
  });

  it('state stays bounded and evicts the least recently seen device', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 200,
        }),
        (seq) => {
          let s = emptyPendantDedupeState();
          let t = 0;
          for (const [d, q] of seq) {
            t += 10;
            s = pendantDedupe(s, ev({ device: `D${d}`, sequence: q }), t, { maxDevices: 8 }).state;
            expect(s.entries.length).toBeLessThanOrEqual(8);
          }
        },
      ),
    );
    let s = emptyPendantDedupeState();
    for (let i = 0; i < 3; i++) s = pendantDedupe(s, ev({ device: `D${i}` }), i, { maxDevices: 2 }).state;
    expect(s.entries.map((e) => e.key).sort()).toEqual(['bthome|D1|0', 'bthome|D2|0']);
  });

  it('within the window, one event per distinct sequence per device', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 50 }), (seqs) => {
        let s = emptyPendantDedupeState();
        let emitted = 0;
        let prev: number | undefined;
        let changes = 0;
        seqs.forEach((q, i) => {
          if (q !== prev) changes++;
          prev = q;
          const r = pendantDedupe(s, ev({ sequence: q }), i);
          s = r.state;
          if (r.event !== null) emitted++;
        });
        expect(emitted).toBe(changes);
      }),
    );
  });
});
