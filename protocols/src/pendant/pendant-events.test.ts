import { describe, expect, it } from 'vitest';
import { decodeBthome } from './bthome-decode.js';
import type { BthomeAdvert } from './bthome-types.js';
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
        authenticated: false,
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
      authenticated: true,
    });
    expect(
      pendantEventFromBaken({ deviceId: 'b4ca0e000001', event: 'test', battery: 5, counter: 1 }).rssi,
    ).toBeNull();
  });
});
