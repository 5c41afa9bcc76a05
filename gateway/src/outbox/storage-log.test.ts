import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { type StorageHealth, storageAdvice } from './storage-health.js';
import { logStorage } from './storage-log.js';

const health = (state: StorageHealth['state']): StorageHealth => ({
  state,
  since: 0,
  code: state === 'ok' ? null : 'SQLITE_FULL',
  memoryDepth: 3,
  lostInMemory: 0,
  advice: storageAdvice(state),
});

/** The lines a `warn`-level logger (what the unit runs at) writes. */
function linesAtWarn(...states: StorageHealth['state'][]): { level: number; msg: string }[] {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'warn' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  for (const s of states) logStorage(log, '/data/outbox.db', health(s));
  return lines;
}

describe('storage log lines', () => {
  it('say what happened and what to do, and the recovery is seen at the level the error was', () => {
    const lines = linesAtWarn('full', 'ok');
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: expect.stringMatching(/full.*free space on the data disk/),
    });
    expect(lines[1]).toMatchObject({
      level: 40,
      msg: expect.stringMatching(/ok: alarms are committed to disk/),
    });
  });
});
