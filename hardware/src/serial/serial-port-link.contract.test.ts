import { describe } from 'vitest';
import { SystemClock } from '../clock/system-clock.js';
import { needProgram } from '../testing/external-program.js';
import { serialLinkContract } from '../testing/serial-link-contract.js';
import { openPtyPair } from './pty-pair.js';
import { SerialPortLink } from './serial-port-link.js';

// Real binding over a socat pty pair; under CI=true a missing socat fails instead of skipping.
describe.skipIf(!needProgram('socat'))('SerialPortLink on a socat pty pair', () => {
  serialLinkContract('SerialPortLink (socat pty)', async () => {
    const pty = await openPtyPair();
    // The links watch their device path too, as the gateway's do (a pty whose socat died disappears).
    const clock = new SystemClock();
    const a = new SerialPortLink({ path: pty.a, baudRate: 115200, clock, presenceProbeMs: 100 });
    const b = new SerialPortLink({ path: pty.b, baudRate: 115200, clock, presenceProbeMs: 100 });
    return {
      a,
      b,
      unplug: () => pty.close(),
      dispose: async () => {
        await a.close();
        await b.close();
        await pty.close();
      },
    };
  });
});
