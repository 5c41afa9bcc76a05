import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../clock/system-clock.js';
import { needProgram } from '../testing/external-program.js';
import { nextClose, receiveBytes } from '../testing/serial-link-contract.js';
import { openPtyPair } from './pty-pair.js';
import { SerialPortLink } from './serial-port-link.js';

// Real binding over socat ptys; under CI=true a missing socat fails instead of skipping. The pair's
// symlink plays a stable by-id name: the "adapter" is pulled (socat dies, the link goes) and comes
// back as another /dev/pts/N under the same name.
describe.skipIf(!needProgram('socat'))('SerialPortLink reopened under a stable name (socat pty)', () => {
  it('reports the unplug, and opens again under the same name once it names a device again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-byid-'));
    const clock = new SystemClock();
    const first = await openPtyPair({ dir });
    const link = new SerialPortLink({ path: first.a, baudRate: 115200, clock, presenceProbeMs: 50 });
    try {
      await link.open();
      const closed = nextClose(link);
      await first.close();
      expect(await closed).toEqual({ disconnected: true });
      await expect(link.open()).rejects.toMatchObject({ code: 'BAKEN_ERR_SERIAL_OPEN' });

      const second = await openPtyPair({ dir });
      expect(second.a).toBe(first.a);
      const far = new SerialPortLink({ path: second.b, baudRate: 115200 });
      try {
        await link.open();
        await far.open();
        const got = receiveBytes(link, 3);
        await far.write(Uint8Array.of(7, 8, 9));
        expect([...(await got)]).toEqual([7, 8, 9]);
      } finally {
        await far.close();
        await link.close();
        await second.close();
      }
    } finally {
      await link.close();
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
