import { type BleAdvert, MockBleAir, MockBleScanner, MockClock } from '@baken/hardware';
import type { PendantEvent, PendantPairing } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { MockAirAdvertiser } from './advertiser.js';
import { pendantHearing } from './hear-pendants.js';
import { Pendant } from './pendant.js';
import type { PendantFormat } from './pendant-packet.js';

const ADDRESS = 'C0:FF:EE:00:00:01';
const BIND_KEY = new Uint8Array(16).fill(0x11);
const BAKEN_KEY = new Uint8Array(16).fill(0x22);

async function setup(format: PendantFormat, extra: { heartbeatMs?: number; drainPerPress?: number } = {}) {
  const clock = new MockClock();
  const air = new MockBleAir();
  const scanner = new MockBleScanner({ clock, air });
  await scanner.start();
  const adverts: BleAdvert[] = [];
  scanner.on('advert', (a) => adverts.push(a));
  const pendant = new Pendant({
    address: ADDRESS,
    clock,
    advertiser: new MockAirAdvertiser(air),
    format,
    ...extra,
  });
  return { clock, adverts, pendant };
}

/** What the gateway does: the protocols layer's pendant pipeline, with the pendant paired as `format`. */
function gatewayEvents(adverts: BleAdvert[], format: PendantFormat): PendantEvent[] {
  const key = format.kind === 'baken' ? format.key : format.bindKey;
  const pairing: PendantPairing = {
    deviceId: 'p1',
    address: ADDRESS,
    format: format.kind,
    ...(key === undefined ? {} : { key }),
  };
  const hear = pendantHearing({ byAddress: () => pairing, byBakenId: () => pairing });
  return adverts.flatMap(hear);
}

describe('pendant', () => {
  it.each([
    ['bthome encrypted', { kind: 'bthome', bindKey: BIND_KEY } as PendantFormat],
    ['bthome plain', { kind: 'bthome' } as PendantFormat],
    ['baken', { kind: 'baken', key: BAKEN_KEY } as PendantFormat],
  ])('%s: a press is 5 identical adverts over ~1 s that dedupe to one alarm', async (_n, format) => {
    const { clock, adverts, pendant } = await setup(format);
    pendant.press();
    expect(adverts).toHaveLength(1);
    clock.advance(1000);
    expect(adverts).toHaveLength(5);
    expect(adverts.at(-1)!.receivedAt - adverts[0]!.receivedAt).toBe(1000);
    const events = gatewayEvents(adverts, format);
    expect(events.map((e) => e.kind)).toEqual(['alarm']);
  });

  it('cancel, test and (baken) fall are distinct events; out of range is not heard', async () => {
    const { clock, adverts, pendant } = await setup({ kind: 'baken', key: BAKEN_KEY });
    pendant.press();
    clock.advance(2000);
    pendant.cancel();
    clock.advance(2000);
    pendant.setInRange(false);
    pendant.fall();
    clock.advance(2000);
    pendant.setInRange(true);
    pendant.testPress();
    clock.advance(2000);
    expect(gatewayEvents(adverts, { kind: 'baken', key: BAKEN_KEY }).map((e) => e.kind)).toEqual([
      'alarm',
      'cancel',
      'test',
    ]);
  });

  it('heartbeat reports battery, and draining below 20 % reports low battery', async () => {
    const { clock, adverts, pendant } = await setup(
      { kind: 'bthome', bindKey: BIND_KEY },
      { heartbeatMs: 60_000, drainPerPress: 30 },
    );
    pendant.start();
    clock.advance(60_000);
    pendant.press();
    pendant.press();
    pendant.press();
    clock.advance(60_000);
    const kinds = gatewayEvents(adverts, { kind: 'bthome', bindKey: BIND_KEY }).map((e) => e.kind);
    expect(kinds[0]).toBe('battery');
    expect(kinds).toContain('low_battery');
    expect(pendant.battery).toBe(10);
    pendant.stop();
  });
});
