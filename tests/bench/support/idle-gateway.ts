// Bench entry: the real gateway at idle with one pendant (in-memory scanner, no adverts) and one
// key safe on a serial pty (BENCH_KS_PATH, simulated by the parent), connected to BENCH_BROKER_URL.
// Prints `ready` once started; runs until SIGTERM. A `burst <n>` line on stdin makes it take n
// pendant events at once and print `burst <ms>` once the server side acked them all (outbox empty);
// a `mem` line makes it print `mem <process.memoryUsage() as JSON>`.
// Imports mirror `main.ts` (hardware subpaths, not the `@baken/hardware` barrel, which would load
// node-ble, dbus-next and the BlueZ stand-in that the daemon never loads without BLE).
import { createGateway, parseConfig } from '@baken/gateway';
import { MockBleScanner } from '@baken/hardware/ble/mock-ble-scanner';
import { SystemClock } from '@baken/hardware/clock/system-clock';
import { pino } from 'pino';

const clock = new SystemClock();
const scanner = new MockBleScanner({ clock });
const ksPath = process.env['BENCH_KS_PATH'];
const gw = createGateway({
  config: parseConfig({
    dataDir: process.env['BENCH_DATA_DIR'] ?? '/tmp',
    mqtt: { primaryUrl: process.env['BENCH_BROKER_URL'] ?? 'mqtt://127.0.0.1:1883' },
    devices: [
      { id: 'pendant-bench', kind: 'pendant', address: 'D8:3A:DD:00:00:99' },
      ...(ksPath === undefined
        ? []
        : [{ id: 'KS-BENCH-0001', kind: 'keysafe' as const, serialPath: ksPath }]),
    ],
  }),
  credentials: {
    gatewayId: 'home-bench-1',
    server: 'http://x',
    mqtt: { username: 'home-bench-1', password: 'pw' },
    provisionedAt: 0,
  },
  clock,
  logger: pino({ level: 'silent' }),
  softwareVersion: '0.1.0-bench',
  transports: {
    openBleScanner: () => scanner,
    openSerial: async (o) => {
      const { SerialPortLink } = await import('@baken/hardware/serial/serial-port-link');
      return new SerialPortLink(o);
    },
  },
});
await gw.start();
process.stdout.write('ready\n');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  if (line.startsWith('mem')) {
    process.stdout.write(`mem ${JSON.stringify(process.memoryUsage())}\n`);
    return;
  }
  const m = /burst (\d+)/.exec(line);
  if (!m) return;
  const n = Number(m[1]);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    gw.bus.emit('device-event', {
      deviceId: 'pendant-bench',
      deviceKind: 'pendant',
      kind: 'test',
      priority: 'normal',
      deviceTime: null,
      receivedAt: clock.now(),
      data: { format: 'baken', counter: i },
    });
  }
  const poll = setInterval(() => {
    if (gw.outbox.depth() > 0) return;
    clearInterval(poll);
    process.stdout.write(`burst ${performance.now() - t0}\n`);
  }, 5);
});
process.on('SIGTERM', () => {
  void gw.stop().then(() => process.exit(0));
});
