import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

function io(input = '') {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), stdin: Readable.from([input]) },
  };
}

const SCENARIOS = join(import.meta.dirname, '..', '..', 'scenarios');

describe('baken-sim CLI', () => {
  it.each([[['--help']], [['home', '--help']], [['scenario', '--help']], [['fleet', '--help']]])(
    '%j prints help and exits 0',
    async (argv) => {
      const t = io();
      expect(await main(argv, t.io)).toBe(0);
      expect(t.out.join('\n')).toMatch(/usage: baken-sim/);
    },
  );

  it('unknown command exits 2', async () => {
    const t = io();
    expect(await main(['fly'], t.io)).toBe(2);
    expect(t.err.join('\n')).toContain("unknown command 'fly'");
  });

  it('scenario: 0 on pass, 1 on a failed expectation (step named), 2 on an invalid file', async () => {
    const pass = io();
    expect(await main(['scenario', join(SCENARIOS, 'pendant-alarm.yaml')], pass.io)).toBe(0);
    expect(pass.out.at(-1)).toBe('PASSED');
    const dir = mkdtempSync(join(tmpdir(), 'baken-sim-cli-'));
    const failing = join(dir, 'fail.yaml');
    writeFileSync(
      failing,
      'name: f\nsteps:\n  - { at: 1s, name: nobody pressed, expect: { event: alarm } }\n',
    );
    const fail = io();
    expect(await main(['scenario', failing], fail.io)).toBe(1);
    expect(fail.out.join('\n')).toMatch(/FAIL step 1 "nobody pressed"/);
    const invalid = join(dir, 'bad.json');
    writeFileSync(invalid, '{"name":"b","steps":[{"at":"1s","action":"levitate"}]}');
    const bad = io();
    expect(await main(['scenario', invalid], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/step 1 levitate/);
  });

  it('home on mock transports takes interactive commands from stdin', async () => {
    const t = io('code 00000000\nopen\nfault mute on\nstatus\nquit\n');
    expect(await main(['home'], t.io)).toBe(0);
    const opened = JSON.parse(t.out[0] ?? '{}') as { keySafe: { serial: string } };
    expect(opened.keySafe.serial).toBe('KS-SIM-0001');
    expect(t.out).toContain('code: rejected');
    const status = JSON.parse(t.out.at(-1) ?? '{}') as {
      faults: Record<string, number>;
      keySafe: { flags: number };
    };
    expect(status.faults).toHaveProperty('mute');
    expect(status.keySafe.flags & 1).toBe(1);
  });
});
