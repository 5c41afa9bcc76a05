import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from './load-scenario.js';
import { runScenario } from './run-scenario.js';

const DIR = join(import.meta.dirname, '..', '..', 'scenarios');

describe('scenarios', () => {
  it.each(readdirSync(DIR))('example %s runs on the mock clock and passes', async (file) => {
    const report = await runScenario(loadScenario(join(DIR, file)));
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it('a scenario whose expectation is not met fails naming the step', async () => {
    const report = await runScenario(
      parseScenario(
        `name: broken\nhome: { pendants: [], keySafe: { serial: KS-X } }\nsteps:\n  - { at: 1s, action: code, code: "00000000" }\n  - { at: 1s, name: wants an open, expect: { event: door_opened, within: 2s } }\n`,
      ),
    );
    expect(report.passed).toBe(false);
    const failed = report.results.find((r) => !r.ok);
    expect(failed?.step).toContain('step 2 "wants an open"');
    expect(failed?.message).toContain('door_opened not seen');
  });

  it('an invalid step is refused with its number and the field at fault', () => {
    expect(() =>
      parseScenario('name: bad\nsteps:\n  - { at: 1s, action: press }\n  - { at: soon, action: press }\n'),
    ).toThrow(/step 2 press \(at soon\): \/at/);
    expect(() => parseScenario('name: bad\nsteps:\n  - { at: 1s, action: fault, fault: noise }\n')).toThrow(
      /step 1 fault \(at 1s\): action fault needs 'on'/,
    );
    expect(() => parseScenario('name: bad\nsteps:\n  - { at: 1s, action: fly }\n')).toThrow(/step 1 fly/);
  });
});
