import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultySqlite } from '../testing/faulty-sqlite.js';
import { Outbox, type OutboxEntry, type OutboxEntryInput } from './outbox.js';
import type { StorageHealth } from './storage-health.js';

const alarm = (id: string): OutboxEntryInput => ({
  id,
  topic: 'events',
  payload: JSON.stringify({ id }),
  alarm: true,
  release: 'app-ack',
});
const status = (id: string): OutboxEntryInput => ({ ...alarm(id), alarm: false, coalesceKey: 'hb' });

describe('Outbox on a failing disk (faults injected at the SQLite boundary)', () => {
  let dir: string;
  let path: string;
  let clock: MockClock;
  let sqlite: FaultySqlite;
  const opened: Outbox[] = [];
  const open = (limits = {}): Outbox => {
    const o = Outbox.open(path, clock, { reserveBytes: 64 * 1024, retryMs: 2_000, ...limits }, sqlite.open);
    opened.push(o);
    return o;
  };
  /** What a fresh process would find on disk. */
  const onDisk = (): string[] => {
    const o = Outbox.open(path, clock, { reserveBytes: 0 });
    try {
      return o.pendingAfter(0, 1000).map((e) => e.id);
    } finally {
      o.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baken-outbox-storage-'));
    path = join(dir, 'outbox.db');
    clock = new MockClock();
    sqlite = new FaultySqlite();
  });
  afterEach(() => {
    for (const o of opened.splice(0)) o.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps alarms in memory while the disk is full, announces them, and moves them to disk when it has room', () => {
    const o = open();
    const inserted: OutboxEntry[] = [];
    const states: StorageHealth[] = [];
    let resequenced = 0;
    const moved: string[] = [];
    o.on('insert', (e) => inserted.push(e));
    o.on('storage', (s) => states.push(s));
    o.on('resequenced', () => resequenced++);
    o.on('moved-to-disk', (entries) => moved.push(...entries.map((e) => e.id)));
    o.insert(alarm('before-full'));

    sqlite.writes = 'SQLITE_FULL';
    expect(() => o.insert(alarm('a1'))).not.toThrow();
    o.insertMany([alarm('a2'), alarm('a3')]);
    expect(inserted.map((e) => e.id)).toEqual(['before-full', 'a1', 'a2', 'a3']);
    expect(o.storage()).toMatchObject({ state: 'full', code: 'SQLITE_FULL', memoryDepth: 3 });
    expect(o.storage().advice).toMatch(/free space/);
    expect(o.isHealthy()).toBe(true); // degraded but working: reported, not a reason to restart
    expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['before-full', 'a1', 'a2', 'a3']);
    expect(o.depth()).toBe(4);
    expect(o.has('a2')).toBe(true);
    expect(onDisk()).toEqual(['before-full']);

    clock.advance(2_000); // still full: it stays in memory and tries again
    expect(o.storage().state).toBe('full');
    sqlite.writes = null;
    clock.advance(2_000);
    expect(o.storage()).toMatchObject({ state: 'ok', memoryDepth: 0, code: null });
    expect(o.isHealthy()).toBe(true);
    expect(moved).toEqual(['a1', 'a2', 'a3']);
    expect(resequenced).toBe(0); // they kept their seqs: a reader's cursor stays valid
    expect(onDisk()).toEqual(['before-full', 'a1', 'a2', 'a3']);
    const cursor = inserted.at(-1)!.seq; // where a reader that sent a3 from memory stands
    o.insert(alarm('after'));
    expect(o.pendingAfter(cursor, 10).map((e) => e.id)).toEqual(['after']);
    expect(states.map((s) => s.state)).toEqual(['low-space', 'full', 'ok']);
  });

  it('stays in memory while the disk still refuses, even with nothing left to move (no flapping)', () => {
    const o = open();
    const states: string[] = [];
    o.on('storage', (s) => states.push(s.state));
    sqlite.writes = 'SQLITE_FULL';
    o.insert(alarm('a1'));
    o.ack(['a1']); // delivered from memory: nothing left to move to disk
    for (let i = 0; i < 5; i++) clock.advance(2_000);
    expect(o.storage().state).toBe('full');
    expect(states).toEqual(['low-space', 'full']);
    sqlite.writes = null;
    clock.advance(2_000);
    expect(states).toEqual(['low-space', 'full', 'ok']);
  });

  it('frees the space reserve on SQLITE_FULL so the alarm is still committed to disk, and remakes it later', () => {
    const o = open();
    expect(existsSync(`${path}.reserve`)).toBe(true);
    sqlite.failNextWrites = 1;
    o.insert(alarm('on-reserve'));
    expect(o.storage()).toMatchObject({ state: 'low-space', memoryDepth: 0 });
    expect(o.isHealthy()).toBe(true);
    expect(existsSync(`${path}.reserve`)).toBe(false);
    expect(onDisk()).toEqual(['on-reserve']);
    clock.advance(2_000);
    expect(o.storage().state).toBe('ok');
    expect(existsSync(`${path}.reserve`)).toBe(true);
  });

  it('starts on a disk it cannot open, holds alarms in memory, and opens the disk by itself later', () => {
    sqlite.opens = 'SQLITE_CANTOPEN';
    const o = open();
    expect(o.storage()).toMatchObject({ state: 'failed', code: 'SQLITE_CANTOPEN' });
    const seen: string[] = [];
    o.on('insert', (e) => seen.push(e.id));
    o.insert(alarm('x1'));
    o.insert(alarm('x2'));
    expect(seen).toEqual(['x1', 'x2']);
    expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['x1', 'x2']);
    sqlite.opens = null;
    clock.advance(2_000);
    expect(o.storage().state).toBe('ok');
    expect(onDisk()).toEqual(['x1', 'x2']);
  });

  it('read-only start over a file with entries: memory entries get new seqs after them (resequenced)', () => {
    const first = Outbox.open(path, clock, { reserveBytes: 0 });
    first.insertMany([alarm('old1'), alarm('old2')]);
    first.close();
    sqlite.opens = 'SQLITE_READONLY';
    const o = open();
    let resequenced = 0;
    o.on('resequenced', () => resequenced++);
    o.insert(alarm('new1'));
    sqlite.opens = null;
    clock.advance(2_000);
    expect(resequenced).toBe(1);
    expect(onDisk()).toEqual(['old1', 'old2', 'new1']);
  });

  it('starts on a read-only disk (SQLITE_READONLY while creating the schema) and recovers when writable', () => {
    sqlite.writes = 'SQLITE_READONLY';
    const o = open();
    expect(o.storage()).toMatchObject({ state: 'read-only', code: 'SQLITE_READONLY' });
    expect(o.storage().advice).toMatch(/read-only/);
    o.insert(alarm('r1'));
    clock.advance(10_000);
    expect(o.storage().state).toBe('read-only');
    sqlite.writes = null;
    clock.advance(2_000);
    expect(o.storage().state).toBe('ok');
    expect(onDisk()).toEqual(['r1']);
  });

  it('applies acknowledgements made while the disk refused them, and hides those entries meanwhile', () => {
    const o = open();
    o.insertMany([alarm('d1'), alarm('d2')]);
    sqlite.writes = 'SQLITE_READONLY';
    o.insert(alarm('m1'));
    expect(o.ack(['d1', 'm1', 'unknown'])).toEqual(['m1', 'd1']);
    expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['d2']);
    expect(o.has('d1')).toBe(false);
    expect(o.depth()).toBe(1);
    sqlite.writes = null;
    clock.advance(2_000);
    expect(onDisk()).toEqual(['d2']);
  });

  it('bounds the memory queue: drops old status entries, never alarms below the hard cap', () => {
    const o = open({ memoryMaxEntries: 3, memoryHardMaxEntries: 5 });
    sqlite.writes = 'SQLITE_FULL';
    o.insert(status('s1'));
    o.insert(status('s2')); // coalesced with s1
    o.insertMany([alarm('a1'), alarm('a2'), alarm('a3')]);
    expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['a1', 'a2', 'a3']);
    o.insertMany([alarm('a4'), alarm('a5'), alarm('a6')]);
    expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['a2', 'a3', 'a4', 'a5', 'a6']);
    expect(o.storage().lostInMemory).toBe(1);
  });

  it('reads from memory when the disk cannot even be read', () => {
    const o = open();
    o.insert(alarm('d1'));
    sqlite.writes = 'SQLITE_IOERR_WRITE';
    o.insert(alarm('m1'));
    sqlite.reads = 'SQLITE_IOERR_READ';
    expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['m1']);
    expect(o.storage().state).toBe('failed');
    sqlite.reads = null;
    sqlite.writes = null;
    clock.advance(2_000);
    expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['d1', 'm1']);
  });

  it('still throws on an error that is not a storage failure', () => {
    const o = open();
    sqlite.writes = 'SQLITE_MISMATCH';
    expect(() => o.insert(alarm('z'))).toThrow();
  });
});
