import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needProgram } from '@baken/hardware/testing/external-program';
import { type ProcessGroup, spawnProcessGroup } from '@baken/hardware/testing/process-group';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'baken-sim.js');

/** Our temporary folders (tsx keeps its own compile cache there too, on purpose). */
const ours = (dir: string) => readdirSync(dir).filter((f) => !f.startsWith('tsx-'));

// `baken-sim home` on the real transports, stopped by Ctrl-C as a terminal sends it (SIGINT to
// the whole process group): socat, dbus-daemon and their temporary folders must all be gone.
describe.skipIf(!needProgram('socat') || !needProgram('dbus-daemon'))('baken-sim home and Ctrl-C', () => {
  let group: ProcessGroup | undefined;
  let tmp = '';
  afterEach(() => {
    if (group && group.survivors().length > 0) group.signalGroup('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  });

  it.each([
    ['reading commands from stdin', []],
    ['with --no-stdin', ['--no-stdin']],
  ])(
    '%s: stops cleanly, leaving no process and no temporary folder',
    async (_what, extra) => {
      tmp = mkdtempSync(join(tmpdir(), 'baken-sim-sigint-'));
      group = spawnProcessGroup(process.execPath, [BIN, 'home', '--pty', '--ble', 'bluez', ...extra], {
        env: { ...process.env, TMPDIR: tmp },
      });
      await group.waitForOutput(/"busAddress":"unix:path=/, 60_000);
      expect(ours(tmp).sort()).toEqual([
        expect.stringMatching(/^baken-dbus-/),
        expect.stringMatching(/^baken-pty-/),
      ]);
      const signalledAt = Date.now();
      group.signalGroup('SIGINT');
      const exit = await group.exited;
      const took = Date.now() - signalledAt;
      const output = `stdout:\n${group.stdout()}\nstderr:\n${group.stderr()}`;
      expect({ ...exit, stoppedWithin5s: took < 5000 }, output).toEqual({
        code: 0,
        signal: null,
        stoppedWithin5s: true,
      });
      expect(group.stderr(), output).not.toMatch(/\n\s+at /);
      expect(group.survivors()).toEqual([]);
      expect(ours(tmp)).toEqual([]);
    },
    90_000,
  );
});
