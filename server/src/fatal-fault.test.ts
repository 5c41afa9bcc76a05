import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeFault,
  FAULT_EXIT_CODE,
  LAST_FAULT_FILE,
  stopOnFault,
  takeLastFault,
} from './fatal-fault.js';
import { createLogger } from './logger.js';

/** The error the broker threw under a reconnect storm, with its stack through mqemitter. */
function brokerOverflow(): RangeError {
  const e = new RangeError('Maximum call stack size exceeded');
  e.stack = [
    'RangeError: Maximum call stack size exceeded',
    '    at Qlobber._match (/srv/baken/node_modules/qlobber/lib/qlobber.js:384:37)',
    '    at MQEmitter._do (/srv/baken/node_modules/mqemitter/mqemitter.js:130:33)',
    '    at released (/srv/baken/node_modules/mqemitter/mqemitter.js:48:12)',
  ].join('\n');
  return e;
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'baken-fault-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('describeFault', () => {
  it('tells the broker apart by its stack and says what to do', () => {
    const r = describeFault(brokerOverflow(), 1);
    expect(r).toMatchObject({ code: 'BAKEN_ERR_BROKER', component: 'mqtt-broker' });
    expect(r.error).toBe('RangeError: Maximum call stack size exceeded');
    expect(r.action).toMatch(/service manager starts it again.*no alarm is lost.*docs\/scaling\.md §6/);
    expect(describeFault(new TypeError('x is undefined'), 1).code).toBe('BAKEN_ERR_INTERNAL');
    expect(describeFault('a string', 1).error).toBe('Error: a string');
  });
});

describe('stopOnFault', () => {
  it('logs one fatal line, writes the report 0600 for the next start, and exits 70', () => {
    const dir = tempDir();
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (c: Buffer) => lines.push(...c.toString().trim().split('\n')));
    const stderr: string[] = [];
    const exits: number[] = [];
    stopOnFault(brokerOverflow(), {
      logger: createLogger('info', out),
      dataDir: dir,
      now: () => 1_800_000_000_000,
      stderr: (l) => stderr.push(l),
      exit: (c) => exits.push(c),
    });
    expect(exits).toEqual([FAULT_EXIT_CODE]);
    const fatal = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(fatal).toMatchObject({ level: 60, code: 'BAKEN_ERR_BROKER', component: 'mqtt-broker' });
    expect((fatal.err as { stack: string }).stack).toContain('mqemitter');
    expect(stderr[0]).toMatch(/^BAKEN_ERR_BROKER: RangeError: Maximum call stack size exceeded\. /);
    expect(statSync(join(dir, LAST_FAULT_FILE)).mode & 0o777).toBe(0o600);
    expect(takeLastFault(dir)).toMatchObject({ at: 1_800_000_000_000, code: 'BAKEN_ERR_BROKER' });
    expect(takeLastFault(dir)).toBeNull();
  });

  it('stops a real process on an error thrown from a callback, with exit code 70', () => {
    const dir = tempDir();
    const mod = fileURLToPath(new URL('./fatal-fault.ts', import.meta.url));
    const logger = fileURLToPath(new URL('./logger.ts', import.meta.url));
    const script = [
      `import { stopOnUncaught } from ${JSON.stringify(mod)};`,
      `import { createLogger } from ${JSON.stringify(logger)};`,
      `stopOnUncaught({ logger: createLogger('info'), dataDir: ${JSON.stringify(dir)}, now: Date.now });`,
      `setImmediate(() => { throw new RangeError('Maximum call stack size exceeded'); });`,
      'setTimeout(() => {}, 10_000);',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(FAULT_EXIT_CODE);
    expect(r.stdout).toContain('"level":60');
    expect(r.stderr).toMatch(/BAKEN_ERR_INTERNAL: RangeError: Maximum call stack size exceeded/);
    expect(takeLastFault(dir)?.code).toBe('BAKEN_ERR_INTERNAL');
  }, 30_000);
});
