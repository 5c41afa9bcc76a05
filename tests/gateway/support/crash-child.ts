// Test entry for the crash proofs (tests/gateway/crash.test.ts): the real gateway (createGateway,
// default bridges, real outbox and MQTT uplink) with an in-memory BLE scanner on which a simulated
// Baken pendant presses N alarms, counters 1..N. Counters already accepted in an earlier run are
// refused by the persisted replay state, so a restarted child continues where the killed one
// stopped. Prints `stored <counter>` after each alarm is in the outbox, `done` at the end.
import { createGateway, parseConfig } from '@baken/gateway';
import { MockBleScanner, SystemClock } from '@baken/hardware';
import { encodeBakenAdvert } from '@baken/protocols';
import { pino } from 'pino';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};

export const CRASH_GATEWAY_ID = 'home-crash-1';
export const CRASH_PENDANT_ADDRESS = 'B4:CA:0E:00:00:07';
export const CRASH_PENDANT_KEY = '000102030405060708090a0b0c0d0e0f';

async function main(): Promise<void> {
  const total = Number(env('CRASH_ALARMS'));
  const clock = new SystemClock();
  const scanner = new MockBleScanner({ clock });
  const config = parseConfig({
    dataDir: env('CRASH_DATA_DIR'),
    mqtt: { primaryUrl: env('CRASH_BROKER_URL'), backoffInitialMs: 100, backoffMaxMs: 1_000 },
    outbox: { windowSize: 200, ackTimeoutMs: 2_000 },
  });
  const gw = createGateway({
    config,
    credentials: {
      gatewayId: CRASH_GATEWAY_ID,
      server: 'http://x',
      mqtt: { username: CRASH_GATEWAY_ID, password: 'pw' },
      provisionedAt: 0,
    },
    clock,
    logger: pino({ level: process.env['T11_LOG'] ?? 'silent' }),
    softwareVersion: '0.1.0-crash',
    transports: { openBleScanner: () => scanner },
  });
  await gw.start();
  // the pendant and its key as the server's retained config would deliver them [MQTT-MAP §4.7]
  gw.bus.emit('server-config', {
    revision: 1,
    issuedAt: clock.now(),
    heartbeatIntervalS: 60,
    pendants: [
      {
        deviceId: 'pendant-crash',
        address: CRASH_PENDANT_ADDRESS,
        format: 'baken',
        keyHex: CRASH_PENDANT_KEY,
      },
    ],
    keysafes: [],
  });
  await new Promise((resolve) => setImmediate(resolve));
  const key = Uint8Array.from(Buffer.from(CRASH_PENDANT_KEY, 'hex'));
  const deviceId = CRASH_PENDANT_ADDRESS.replaceAll(':', '').toLowerCase();
  let stored = 0;
  gw.outbox.on('insert', (entry) => {
    if (entry.alarm) process.stdout.write(`stored ${entry.id}\n`);
  });
  for (let counter = 1; counter <= total; counter++) {
    const advert = encodeBakenAdvert({ deviceId, event: 'alarm', battery: 90, counter }, key);
    if (!advert.ok) throw advert.error;
    // each press is heard three times, as a pendant re-broadcasts it
    for (let i = 0; i < 3; i++)
      scanner.emitAdvert({ address: CRASH_PENDANT_ADDRESS, rssi: -60, serviceData: { fcb1: advert.value } });
    stored += 1;
    if (counter % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  process.stdout.write(`done ${stored}\n`);
  // keep running (sending, waiting for acks) until the test kills or terminates it
  process.on('SIGTERM', () => {
    void gw.stop().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`crash-child failed: ${String(err)}\n`);
  process.exit(1);
});
