import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.js';

const child = fileURLToPath(new URL('../testing/outbox-writer-child.ts', import.meta.url));

describe('Outbox durability', () => {
  it('keeps every committed entry, in order, after the writer is killed with SIGKILL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-crash-'));
    const db = join(dir, 'outbox.db');
    try {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, db], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const reported: string[] = [];
      let buf = '';
      await new Promise<void>((resolve, reject) => {
        proc.on('error', reject);
        proc.on('exit', () => resolve());
        proc.stdout.on('data', (chunk: Buffer) => {
          buf += chunk.toString();
          const lines = buf.split('\n');
          buf = lines.pop() ?? '';
          reported.push(...lines);
          if (reported.length >= 300 && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
        });
      });
      expect(proc.signalCode).toBe('SIGKILL');
      const outbox = Outbox.open(db, new MockClock());
      try {
        const ids = outbox.pendingAfter(0, 1_000_000).map((e) => e.id);
        // every id the child reported as committed is there; at most the in-flight ones beyond
        expect(ids.slice(0, reported.length)).toEqual(reported);
        expect(ids).toEqual(ids.map((_, i) => `crash-${i}`));
        expect(outbox.depth()).toBe(ids.length);
      } finally {
        outbox.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
