import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { afterAll, describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntryInput } from './outbox.js';

/**
 * The same storage failures as `outbox-storage.test.ts`, on a real 2 MiB tmpfs the test mounts.
 * Mounting needs root (or CAP_SYS_ADMIN); where that is refused the suite is skipped with a note,
 * and the injected-failure suite still covers the behaviour.
 */
const mountPoint = mkdtempSync(join(tmpdir(), 'baken-tmpfs-'));
const mounted = ((): boolean => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mountPoint], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    console.warn('outbox-tmpfs: cannot mount a tmpfs here (needs root); skipped');
    return false;
  }
})();
const sh = (...args: string[]): void => {
  execFileSync(args[0]!, args.slice(1), { stdio: 'ignore' });
};
const alarm = (id: string): OutboxEntryInput => ({
  id,
  topic: 'events',
  payload: JSON.stringify({ id, pad: 'x'.repeat(400) }),
  alarm: true,
  release: 'app-ack',
});

/** Writes zeros to `path` until the disk is full. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!mounted)('Outbox on a real small tmpfs', () => {
  let dir: string;
  let n = 0;
  afterAll(() => {
    if (mounted) sh('umount', mountPoint);
    rmSync(mountPoint, { recursive: true, force: true });
  });
  const fresh = (): string => {
    dir = join(mountPoint, `t${n++}`);
    execFileSync('mkdir', [dir]);
    return join(dir, 'outbox.db');
  };
  const onDisk = (path: string, clock: MockClock): string[] => {
    const o = Outbox.open(path, clock, { reserveBytes: 0 });
    try {
      return o.pendingAfter(0, 10_000).map((e) => e.id);
    } finally {
      o.close();
    }
  };

  it('disk full: the reserve keeps alarms on disk, then memory holds them, and the disk takes them back', () => {
    const clock = new MockClock();
    const path = fresh();
    const o = Outbox.open(path, clock, { reserveBytes: 256 * 1024, retryMs: 1_000 });
    o.insert(alarm('before'));
    const filler = join(dir, 'filler');
    fillDisk(filler);
    const ids: string[] = [];
    const states = new Set<string>();
    for (let i = 0; o.storage().state !== 'full' && i < 5_000; i++) {
      ids.push(`a${i}`);
      o.insert(alarm(`a${i}`));
      states.add(o.storage().state);
    }
    expect(states).toContain('low-space'); // the reserve was freed and used first
    expect(o.storage().state).toBe('full');
    const more = ['m1', 'm2', 'm3'];
    for (const id of more) o.insert(alarm(id));
    expect(o.storage().memoryDepth).toBeGreaterThanOrEqual(4);
    expect(o.pendingAfter(0, 10_000).map((e) => e.id)).toEqual(['before', ...ids, ...more]);
    unlinkSync(filler);
    clock.advance(1_000);
    expect(o.storage().state).toBe('ok');
    o.close();
    expect(onDisk(path, clock)).toEqual(['before', ...ids, ...more]);
  });

  it('read-only start: opens without the disk, and uses it once the mount is writable again', () => {
    const clock = new MockClock();
    const path = fresh();
    sh('mount', '-o', 'remount,ro', mountPoint);
    let o: Outbox;
    try {
      o = Outbox.open(path, clock, { reserveBytes: 64 * 1024, retryMs: 1_000 });
      expect(['read-only', 'failed']).toContain(o.storage().state);
      o.insert(alarm('ro1'));
      clock.advance(5_000);
      expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['ro1']);
    } finally {
      sh('mount', '-o', 'remount,rw', mountPoint);
    }
    clock.advance(1_000);
    expect(o.storage().state).toBe('ok');
    o.insert(alarm('rw1'));
    o.close();
    expect(onDisk(path, clock)).toEqual(['ro1', 'rw1']);
  });
});
