import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockAirAdvertiser } from '@baken/device-sim/pendant/advertiser';
import { Pendant } from '@baken/device-sim/pendant/pendant';
import { createGateway, type Gateway, parseConfig } from '@baken/gateway';
import { TestBroker, TestSubscriber, until } from '@baken/gateway/testing/test-broker';
import { MockBleAir, MockBleScanner, MockClock, MockGattLink } from '@baken/hardware';
import {
  BAKEN_ACK_CHARACTERISTIC_UUID,
  BAKEN_ACK_SERVICE_UUID,
  BAKEN_ANNOUNCE,
  encodeBakenAck,
} from '@baken/protocols';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const GW = 'home-ack-1';
const ADDRESS = 'B4:CA:0E:00:00:09';
const KEY = new Uint8Array(16).map((_, i) => (i * 29 + 3) & 0xff);

/**
 * [PENDANT SPEC §7] The Baken pendant announces an event until the home unit has committed and
 * acknowledged it, so a press made while the gateway is down (a crash before systemd restarts it)
 * arrives once it is back. Simulated pendant and gateway share one in-memory air and clock; the
 * gateway publishes to a real aedes broker.
 */
describe('Baken pendant acknowledgement across a gateway restart', () => {
  let dir: string;
  let clock: MockClock;
  let air: MockBleAir;
  let broker: TestBroker;
  let sub: TestSubscriber;
  let pendant: Pendant;
  let gw: Gateway | undefined;

  const startGateway = async (): Promise<Gateway> => {
    const scanner = new MockBleScanner({ clock, air });
    const g = createGateway({
      config: parseConfig({ dataDir: dir, mqtt: { primaryUrl: broker.url } }),
      credentials: {
        gatewayId: GW,
        server: 'http://x',
        mqtt: { username: GW, password: 'pw' },
        provisionedAt: 0,
      },
      clock,
      logger: pino({ level: process.env['ACK_LOG'] ?? 'silent' }),
      softwareVersion: '0.1.0-test',
      transports: {
        openBleScanner: () => scanner,
        openGatt: (address) => new MockGattLink({ address, air }),
      },
    });
    await g.start();
    // the server's retained config, as it arrives after every (re)connect [MQTT-MAP §4.7]
    g.bus.emit('server-config', {
      revision: 1,
      heartbeatIntervalS: 60,
      pendants: [
        {
          deviceId: 'pendant-9',
          address: ADDRESS,
          format: 'baken',
          keyHex: Buffer.from(KEY).toString('hex'),
        },
      ],
      keysafes: [],
    } as never);
    await until(() => scanner.scanning, 'scanning');
    return g;
  };

  /** Alarms the server side got, one per event id (the unit re-sends until the server acks). */
  const alarms = () => {
    const byId = new Map(
      sub
        .received('events')
        .filter((m) => m.payload['kind'] === 'alarm')
        .map((m) => [m.payload['id'], m]),
    );
    return [...byId.values()];
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-ack-'));
    clock = new MockClock();
    air = new MockBleAir();
    broker = new TestBroker();
    await broker.start();
    sub = new TestSubscriber(true);
    await sub.connect(broker.url);
    pendant = new Pendant({
      address: ADDRESS,
      clock,
      advertiser: new MockAirAdvertiser(air),
      format: { kind: 'baken', key: KEY },
    });
  });
  afterEach(async () => {
    pendant.stop();
    await gw?.stop();
    gw = undefined;
    await sub.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Advances the mock clock until `cond` holds (at most `maxMs`), letting I/O and promises run. */
  const runUntil = async (cond: () => boolean, what: string, maxMs = 60_000): Promise<void> => {
    for (let t = 0; !cond(); t += 250) {
      if (t > maxMs) throw new Error(`not within ${maxMs} ms of gateway time: ${what}`);
      clock.advance(250);
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    }
  };

  /** Advances the mock clock in small steps, letting I/O and promises run in between. */
  const run = async (ms: number, step = 250): Promise<void> => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(step);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  it('an alarm pressed while the gateway is stopped arrives after it starts, and is then acknowledged', async () => {
    gw = await startGateway();
    pendant.press();
    await runUntil(() => alarms().length === 1, 'first alarm');
    await runUntil(() => pendant.unacknowledged.length === 0, 'first alarm acknowledged');

    // the process dies; systemd restarts it about 5 s later
    await gw.stop();
    gw = undefined;
    pendant.press();
    await run(5_000);
    expect(pendant.unacknowledged).toEqual([2]);
    gw = await startGateway();
    await run(15_000);
    await until(() => alarms().length === 2, 'the alarm pressed while the gateway was down');
    expect(alarms()[1]?.payload).toMatchObject({
      deviceId: 'pendant-9',
      seq: 2,
      data: { format: 'baken', counter: 2 },
    });
    await until(() => pendant.unacknowledged.length === 0, 'second alarm acknowledged');
    // acknowledged: the pendant is quiet and nothing arrives twice
    await run(120_000, 5_000);
    expect(alarms()).toHaveLength(2);
  });

  it('a forged ack does not silence the pendant; the home unit’s ack does', async () => {
    pendant.press();
    const forged = encodeBakenAck({ deviceId: 'b4ca0e000009', counter: 1 }, new Uint8Array(16).fill(0xee));
    if (!forged.ok) throw forged.error;
    const stranger = new MockGattLink({ address: ADDRESS, air });
    await stranger.connect();
    await expect(
      stranger.write(BAKEN_ACK_SERVICE_UUID, BAKEN_ACK_CHARACTERISTIC_UUID, forged.value),
    ).rejects.toThrow();
    await stranger.disconnect();
    await run(30_000, 1_000);
    expect(pendant.unacknowledged).toEqual([1]);

    gw = await startGateway();
    await runUntil(() => alarms().length === 1, 'alarm heard from the still announcing pendant');
    await runUntil(() => pendant.unacknowledged.length === 0, 'acknowledged by the home unit');
  });

  it('the pendant gives up after 24 h when no home unit ever answers', async () => {
    pendant.press();
    await run(BAKEN_ANNOUNCE.giveUpMs, 60_000);
    expect(pendant.unacknowledged).toEqual([]);
  });
});
