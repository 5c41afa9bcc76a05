import { Readable } from 'node:stream';
import { MockClock } from '@baken/hardware';
import { KsStatusFlag, ksParseInstallationCode } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../cli/interactive.js';
import { startHome } from '../home.js';

describe('a simulated home with a key safe that gets its key at installation [KS-SERIAL §8.8]', () => {
  it('lists the installation code instead of a key, and `pair` opens the pairing window', async () => {
    const home = await startHome(
      { pendants: [], keySafe: { serial: 'KS-SIM-FRESH', factoryKey: false } },
      { serial: 'mock', ble: 'mock' },
      new MockClock(),
    );
    try {
      expect(home.keys.keySafe?.key).toBeUndefined();
      expect(ksParseInstallationCode(home.keys.keySafe?.installationCode ?? '').ok).toBe(true);
      const safe = home.safe!;
      expect(safe.statusFlags() & KsStatusFlag.Pairing).toBe(0);
      const out: string[] = [];
      const io = {
        out: (t: string) => out.push(t),
        err: (t: string) => out.push(t),
        stdin: Readable.from([]),
      };
      runCommand(home, 'pair', io);
      expect(out.join('')).toContain('pairing window open');
      expect(safe.statusFlags() & KsStatusFlag.Pairing).not.toBe(0);
    } finally {
      await home.stop();
    }
  });
});
