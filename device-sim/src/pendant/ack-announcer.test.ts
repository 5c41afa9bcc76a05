import { MockBleAir, MockClock, MockGattLink } from '@baken/hardware';
import {
  BAKEN_ACK_CHARACTERISTIC_UUID,
  BAKEN_ACK_SERVICE_UUID,
  BAKEN_ANNOUNCE,
  encodeBakenAck,
} from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { MockAirAdvertiser } from './advertiser.js';
import { Pendant } from './pendant.js';
import { deviceIdOf } from './pendant-packet.js';

const ADDRESS = 'C0:FF:EE:00:00:07';
const KEY = new Uint8Array(16).fill(0x22);

function setup(announceUntilAcked = true) {
  const clock = new MockClock();
  const air = new MockBleAir();
  const pendant = new Pendant({
    address: ADDRESS,
    clock,
    advertiser: new MockAirAdvertiser(air),
    format: { kind: 'baken', key: KEY },
    announceUntilAcked,
  });
  const sent: number[] = [];
  pendant.on('transmit', () => sent.push(clock.now()));
  return { clock, air, pendant, sent };
}

/** A central writing an ack over GATT, as the home unit does [PENDANT SPEC §7.2]. */
async function writeAck(air: MockBleAir, counter: number, key: Uint8Array): Promise<void> {
  const bytes = encodeBakenAck({ deviceId: deviceIdOf(ADDRESS), counter }, key);
  if (!bytes.ok) throw bytes.error;
  const link = new MockGattLink({ address: ADDRESS, air });
  await link.connect();
  try {
    await link.write(BAKEN_ACK_SERVICE_UUID, BAKEN_ACK_CHARACTERISTIC_UUID, bytes.value);
  } finally {
    await link.disconnect();
  }
}

describe('Baken pendant announces until acknowledged [PENDANT SPEC §7]', () => {
  it('the old pendant stops after ~1 s; the Baken pendant keeps announcing with back-off', () => {
    const old = setup(false);
    old.pendant.press();
    old.clock.advance(60_000);
    expect(old.sent.at(-1)).toBeLessThanOrEqual(old.sent[0]! + 1_000);

    const t = setup();
    t.pendant.press();
    t.clock.advance(60_000);
    const t0 = t.sent[0]!;
    // bursts start 2, 4, 8, 15, 15, 15 s apart
    const burstStarts = t.sent.filter((at, i) => i === 0 || at - t.sent[i - 1]! > 250).map((at) => at - t0);
    expect(burstStarts).toEqual([0, 2_000, 6_000, 14_000, 29_000, 44_000, 59_000]);
    expect(t.pendant.unacknowledged).toEqual([1]);
  });

  it('an authenticated ack stops it; a forged ack is refused and it keeps announcing', async () => {
    const { clock, air, pendant, sent } = setup();
    const refused: string[] = [];
    pendant.on('ackRefused', (code) => refused.push(code));
    pendant.press();
    clock.advance(3_000);
    await expect(writeAck(air, 1, new Uint8Array(16).fill(0x99))).rejects.toThrow();
    expect(refused).toEqual(['BAKEN_ERR_ACK_MAC']);
    const before = sent.length;
    clock.advance(30_000);
    expect(sent.length).toBeGreaterThan(before);
    expect(pendant.unacknowledged).toEqual([1]);

    const acked: number[] = [];
    pendant.on('acked', (c) => acked.push(c));
    await writeAck(air, 1, KEY);
    expect(acked).toEqual([1]);
    expect(pendant.unacknowledged).toEqual([]);
    const after = sent.length;
    clock.advance(600_000);
    expect(sent.length).toBe(after);
  });

  it('an ack for a counter it is not announcing changes nothing; several events are sent oldest first', async () => {
    const { clock, air, pendant } = setup();
    const order: number[] = [];
    pendant.press();
    pendant.cancel();
    await writeAck(air, 7, KEY);
    expect(pendant.unacknowledged).toEqual([1, 2]);
    pendant.on('transmit', (_a, c) => order.push(c));
    clock.advance(2_000);
    expect(order.slice(0, 2)).toEqual([1, 2]);
    await writeAck(air, 1, KEY);
    expect(pendant.unacknowledged).toEqual([2]);
    pendant.stop();
  });

  it('gives up 24 h after the press, and keeps at most 8 unacknowledged events', () => {
    const { clock, pendant } = setup();
    const gaveUp: number[] = [];
    pendant.on('gaveUp', (c) => gaveUp.push(c));
    for (let i = 0; i < 10; i++) pendant.press();
    expect(gaveUp).toEqual([1, 2]);
    expect(pendant.unacknowledged).toHaveLength(8);
    clock.advance(BAKEN_ANNOUNCE.giveUpMs);
    expect(pendant.unacknowledged).toEqual([]);
    expect(gaveUp).toHaveLength(10);
  });
});
