import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntryInput } from './outbox.js';

const ev = (id: string, extra: Partial<OutboxEntryInput> = {}): OutboxEntryInput => ({
  id,
  topic: 'events',
  payload: JSON.stringify({ id }),
  alarm: false,
  release: 'app-ack',
  ...extra,
});

describe('Outbox', () => {
  let dir: string;
  let clock: MockClock;
  let path: string;
  const opened: Outbox[] = [];
  const open = (limits = {}): Outbox => {
    const o = Outbox.open(path, clock, limits);
    opened.push(o);
    return o;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baken-outbox-'));
    path = join(dir, 'outbox.db');
    clock = new MockClock();
  });
  afterEach(() => {
    for (const o of opened.splice(0)) o.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns entries in insertion order with increasing seq', () => {
    const o = open();
    o.insertMany([ev('a'), ev('b'), ev('c', { alarm: true })]);
    o.insert(ev('d'));
    const ids = o.pendingAfter(0, 10).map((e) => e.id);
    expect(ids).toEqual(['a', 'b', 'c', 'd']);
    const seqs = o.pendingAfter(0, 10).map((e) => e.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(o.pendingAfter(seqs[1]!, 10).map((e) => e.id)).toEqual(['c', 'd']);
  });

  it('removes only acknowledged ids and ignores unknown ones', () => {
    const o = open();
    o.insertMany([ev('a'), ev('b'), ev('c')]);
    expect(o.ack(['b', 'nope'])).toEqual(['b']);
    expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['a', 'c']);
    expect(o.depth()).toBe(2);
  });

  it('emits insert after commit, so a listener sees the entry already stored', () => {
    const o = open();
    const seen: boolean[] = [];
    o.on('insert', (e) => seen.push(o.has(e.id)));
    o.insert(ev('a', { alarm: true }));
    expect(seen).toEqual([true]);
  });

  it('coalesces status entries with the same key, keeping only the newest', () => {
    const o = open();
    o.insert(ev('hb1', { topic: 'heartbeat', coalesceKey: 'heartbeat', release: 'puback' }));
    o.insert(ev('x'));
    o.insert(ev('hb2', { topic: 'heartbeat', coalesceKey: 'heartbeat', release: 'puback' }));
    expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['x', 'hb2']);
    expect(o.stats().coalesced).toBe(1);
  });

  it('never coalesces alarms, even with a coalesce key', () => {
    const o = open();
    o.insert(ev('a1', { alarm: true, coalesceKey: 'k' }));
    o.insert(ev('a2', { alarm: true, coalesceKey: 'k' }));
    expect(o.depth()).toBe(2);
  });

  it('drops the oldest non-alarm entries when full and never an alarm', () => {
    const o = open({ maxEntries: 3 });
    o.insert(ev('alarm1', { alarm: true }));
    o.insert(ev('n1'));
    o.insert(ev('n2'));
    o.insert(ev('n3'));
    o.insert(ev('alarm2', { alarm: true }));
    expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['alarm1', 'n3', 'alarm2']);
    expect(o.stats().dropped).toBe(2);
    o.insert(ev('alarm3', { alarm: true }));
    o.insert(ev('alarm4', { alarm: true }));
    expect(o.pendingAfter(0, 10).map((e) => e.id)).toEqual(['alarm1', 'alarm2', 'alarm3', 'alarm4']);
    expect(o.stats()).toMatchObject({ alarms: 4, dropped: 3, overBound: true });
  });

  it('honours the byte bound', () => {
    const o = open({ maxBytes: 200 });
    for (let i = 0; i < 10; i++) o.insert(ev(`n${i}`, { payload: 'x'.repeat(50) }));
    expect(o.stats().bytes).toBeLessThanOrEqual(200);
    expect(o.pendingAfter(0, 10).at(-1)?.id).toBe('n9');
  });

  it('reports depth and the age of the oldest entry on the injected clock', () => {
    const o = open();
    expect(o.oldestAgeMs()).toBe(0);
    o.insert(ev('a'));
    clock.advance(5_000);
    o.insert(ev('b'));
    clock.advance(1_000);
    expect(o.depth()).toBe(2);
    expect(o.oldestAgeMs()).toBe(6_000);
  });

  it('keeps every unacknowledged entry in order after close and reopen', () => {
    const o = open();
    for (let i = 0; i < 50; i++) o.insert(ev(`e${i}`, { alarm: i % 7 === 0 }));
    o.ack(['e3', 'e10']);
    o.close();
    const again = open();
    const ids = again.pendingAfter(0, 100).map((e) => e.id);
    expect(ids).toHaveLength(48);
    expect(ids[0]).toBe('e0');
    expect(ids).not.toContain('e3');
    expect(again.depth()).toBe(48);
    again.insert(ev('late'));
    expect(again.pendingAfter(0, 100).at(-1)?.id).toBe('late');
  });

  it('refuses to work after close', () => {
    const o = open();
    o.close();
    expect(() => o.insert(ev('a'))).toThrow(/closed/);
  });
});
