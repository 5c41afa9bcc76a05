import { describe } from 'vitest';
import { needProgram } from '../testing/external-program.js';
import { serialLinkContract } from '../testing/serial-link-contract.js';
import { openPtyPair } from './pty-pair.js';
import { SerialPortLink } from './serial-port-link.js';

// Real binding over a socat pty pair; under CI=true a missing socat fails instead of skipping.
describe.skipIf(!needProgram('socat'))('SerialPortLink on a socat pty pair', () => {
  serialLinkContract('SerialPortLink (socat pty)', async () => {
    const pty = await openPtyPair();
    const a = new SerialPortLink({ path: pty.a, baudRate: 115200 });
    const b = new SerialPortLink({ path: pty.b, baudRate: 115200 });
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
