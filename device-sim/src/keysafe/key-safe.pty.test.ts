import { FaultySerialLink, openPtyPair, SerialPortLink, SystemClock, seededRandom } from '@baken/hardware';
import { needProgram } from '@baken/hardware/testing/external-program';
import { type KsAuthCommand, KsReason } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { KeySafe } from './key-safe.js';
import { KsTestHost } from './ks-host.js';
import { MemoryNvStore } from './nv-store.js';
import { attachSerial } from './transports.js';

const KEY = new Uint8Array(32).fill(0x42);
const SERIAL = 'KS-PTY-01';
// Fast link timers for a pty (sub-millisecond RTT); the retransmission logic is the protocol's.
const LINK = { ackTimeoutMs: 40, maxTries: 8, busyRetryMs: 40, maxQueue: 32 };
const COMMANDS = 200;

describe.skipIf(!needProgram('socat'))('key safe over a real pty pair with 1 % byte corruption', () => {
  it('executes every command exactly once and never acts on a corrupted frame', async () => {
    const clock = new SystemClock();
    const pair = await openPtyPair();
    const deviceLink = new SerialPortLink({ path: pair.a, baudRate: 115_200 });
    const hostRaw = new SerialPortLink({ path: pair.b, baudRate: 115_200 });
    const hostLink = new FaultySerialLink(hostRaw, { random: seededRandom(20261123), corruptRate: 0.01 });
    await deviceLink.open();
    await hostLink.open();
    const safe = new KeySafe({ serial: SERIAL, key: KEY, clock, nv: new MemoryNvStore(), sender: LINK });
    const host = new KsTestHost({ clock, key: KEY, serial: SERIAL, sender: LINK });
    attachSerial(safe, deviceLink);
    attachSerial(host, hostLink);
    const executed: bigint[] = [];
    const refused: number[] = [];
    safe.on('executed', (cmd) => executed.push(cmd.auth.counter));
    safe.on('refused', (_cmd, reason) => refused.push(reason));
    try {
      safe.powerOn();
      for (let i = 0; i < COMMANDS; i++) {
        const cmd: KsAuthCommand = host.sign({ kind: 'open_now', holderId: i, unlockSeconds: 1 });
        // The home unit's rule after `exhausted` [KS-SERIAL §4.4]: send it again; COUNTER_REPLAY
        // then means the first copy was executed and only its answers were lost.
        for (let attempt = 0; ; attempt++) {
          const outcome = await host.deliver(cmd);
          if (outcome.kind === 'delivered') break;
          if (outcome.kind === 'refused' && outcome.reason === KsReason.CounterReplay) break;
          expect(outcome.kind, `command ${i} attempt ${attempt}`).toBe('exhausted');
          expect(attempt).toBeLessThan(10);
        }
      }
      await clock.sleep(200);
      expect(executed).toEqual(Array.from({ length: COMMANDS }, (_, i) => BigInt(i + 1)));
      expect(refused.every((r) => r === KsReason.CounterReplay)).toBe(true);
      expect(hostLink.stats.corrupted).toBeGreaterThan(0);
      const deviceBad = safe.endpoint?.counters.badCrc ?? 0;
      const hostBad = host.endpoint.counters.badCrc;
      expect(deviceBad + hostBad).toBeGreaterThan(0);
      expect(deviceBad).toBeGreaterThan(0);
      // Every command_result the host saw matches a command it sent (nothing spurious).
      const results = host.received.filter((m) => m.kind === 'command_result');
      expect(
        results.every((m) => m.kind === 'command_result' && m.result === 0 && m.counter <= BigInt(COMMANDS)),
      ).toBe(true);
    } finally {
      safe.powerOff();
      host.endpoint.stop();
      await hostLink.close().catch(() => undefined);
      await deviceLink.close().catch(() => undefined);
      await pair.close();
    }
  }, 60_000);
});
