import { executionAsyncId } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { type DomainEvent, DomainEventBus } from './domain-events.js';
import { rejectReason } from './reject-reason.js';
import { TurnBatcher } from './turn-batcher.js';

const incident = {
  incidentId: 1,
  subjectKind: 'gateway' as const,
  subjectId: 'gw-1',
  gatewayId: 'gw-1',
  homeId: null,
  cause: 'silence',
  startedAt: 0,
  endedAt: null,
  downtimeMs: null,
};

describe('DomainEventBus', () => {
  it('delivers typed events to listeners and to onAny; unsubscribe stops delivery', () => {
    const bus = new DomainEventBus();
    const got: number[] = [];
    const all: DomainEvent[] = [];
    const off = bus.on('incident.opened', (b) => got.push(b.incidentId));
    bus.onAny((e) => all.push(e));
    bus.emit('incident.opened', incident);
    off();
    bus.emit('incident.opened', { ...incident, incidentId: 2 });
    expect(got).toEqual([1]);
    expect(all.map((e) => e.type)).toEqual(['incident.opened', 'incident.opened']);
  });

  it('a throwing listener is reported and never stops the others', () => {
    const errors: string[] = [];
    const bus = new DomainEventBus((_e, type) => errors.push(type));
    const got: number[] = [];
    bus.on('incident.closed', () => {
      throw new Error('boom');
    });
    bus.on('incident.closed', (b) => got.push(b.incidentId));
    bus.emit('incident.closed', incident);
    expect(got).toEqual([1]);
    expect(errors).toEqual(['incident.closed']);
  });
});

describe('DomainEventBus.holdDuring (the async turn)', () => {
  it("scoped (PostgreSQL): holds only what the turn's own call chain emits; other work meanwhile is delivered at once", async () => {
    const bus = new DomainEventBus();
    const heard: number[] = [];
    bus.on('incident.closed', (b) => heard.push(b.incidentId));
    let release!: () => void;
    const waiting = new Promise<void>((r) => (release = r));
    const turn = bus.holdDuring(
      async () => {
        bus.emit('incident.closed', { ...incident, incidentId: 1 });
        await waiting; // the turn awaits its database
        bus.emit('incident.closed', { ...incident, incidentId: 3 });
      },
      undefined,
      { scoped: true },
    );
    // an HTTP request's change while the turn awaits
    await Promise.resolve();
    bus.emit('incident.closed', { ...incident, incidentId: 2 });
    expect(heard).toEqual([2]);
    release();
    await turn;
    expect(heard).toEqual([2, 1, 3]);
  });

  it('scoped: overlapping turns each hold their own until the last ends; then the scope is off', async () => {
    const bus = new DomainEventBus();
    const heard: number[] = [];
    bus.on('incident.closed', (b) => heard.push(b.incidentId));
    let releaseLong!: () => void;
    const longWaits = new Promise<void>((r) => (releaseLong = r));
    const long = bus.holdDuring(
      async () => {
        await longWaits;
        bus.emit('incident.closed', { ...incident, incidentId: 2 });
        expect(heard).toEqual([1]); // held until this turn commits
      },
      undefined,
      { scoped: true },
    );
    await bus.holdDuring(
      async () => {
        await Promise.resolve();
        bus.emit('incident.closed', { ...incident, incidentId: 1 });
      },
      undefined,
      { scoped: true },
    );
    expect(heard).toEqual([1]);
    // the short turn has ended; the long one, still awaiting, must still hold what it emits
    releaseLong();
    await Promise.resolve();
    await long;
    expect(heard).toEqual([1, 2]);
    // no turn holds: promises are no longer tracked (an await's continuation has no async context)
    const contextAfterAwait = async () => {
      await null;
      return executionAsyncId();
    };
    expect(await contextAfterAwait()).toBe(0);
    // and the next turn holds again
    let release!: () => void;
    const waiting = new Promise<void>((r) => (release = r));
    const next = bus.holdDuring(
      async () => {
        await waiting;
        bus.emit('incident.closed', { ...incident, incidentId: 3 });
        expect(heard).toEqual([1, 2]);
      },
      undefined,
      { scoped: true },
    );
    release();
    await next;
    expect(heard).toEqual([1, 2, 3]);
  });

  it('drops what a rolled-back turn emitted and tells the rollback listeners', async () => {
    const bus = new DomainEventBus();
    const heard: number[] = [];
    let rolledBack = 0;
    bus.on('incident.closed', (b) => heard.push(b.incidentId));
    bus.onRollback(() => rolledBack++);
    await expect(
      bus.holdDuring(async () => {
        bus.emit('incident.closed', incident);
        await Promise.resolve();
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(heard).toEqual([]);
    expect(rolledBack).toBe(1);
    bus.emit('incident.closed', { ...incident, incidentId: 9 });
    expect(heard).toEqual([9]);
  });
});

describe('TurnBatcher', () => {
  it('collects everything added before the deferred turn into one flush', async () => {
    const queued: Array<() => void> = [];
    const flushed: number[][] = [];
    const b = new TurnBatcher<number>(
      async (xs) => void flushed.push(xs),
      (fn) => queued.push(fn),
    );
    b.add(1);
    b.add(2);
    b.add(3);
    expect(queued).toHaveLength(1);
    expect(flushed).toEqual([]);
    queued.shift()!();
    await b.drain();
    b.add(4);
    queued.shift()!();
    await b.drain();
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });

  it('stores one batch at a time: what arrives meanwhile is the next batch, in order', async () => {
    const queued: Array<() => void> = [];
    const flushed: number[][] = [];
    let finish!: () => void;
    const b = new TurnBatcher<number>(
      (xs) => {
        flushed.push(xs);
        return xs[0] === 1 ? new Promise<void>((r) => (finish = r)) : Promise.resolve();
      },
      (fn) => queued.push(fn),
    );
    b.add(1);
    queued.shift()!();
    // the first batch is still being stored (a database round trip)
    b.add(2);
    b.add(3);
    expect(queued).toEqual([]);
    expect(flushed).toEqual([[1]]);
    finish();
    await Promise.resolve();
    await Promise.resolve();
    // its end schedules the next batch rather than running two at once
    expect(queued).toHaveLength(1);
    queued.shift()!();
    await b.drain();
    expect(flushed).toEqual([[1], [2, 3]]);
  });

  // docs/scaling.md §3, "Alarms first"
  it('starts the batch of an urgent item at once, and right after a batch being stored', async () => {
    const queued: Array<() => void> = [];
    const urgent: Array<() => void> = [];
    const flushed: number[][] = [];
    let finish!: () => void;
    const b = new TurnBatcher<number>(
      (xs) => {
        flushed.push(xs);
        return xs.includes(1) ? new Promise<void>((r) => (finish = r)) : Promise.resolve();
      },
      (fn) => queued.push(fn),
      (fn) => urgent.push(fn),
    );
    b.add(0);
    b.add(1, true);
    b.add(2, true);
    expect(urgent).toHaveLength(1);
    urgent.shift()!();
    expect(flushed).toEqual([[0, 1, 2]]);
    // an urgent item while a batch is stored: its batch starts as that one ends, not a check phase later
    b.add(3);
    b.add(4, true);
    expect(urgent).toEqual([]);
    finish();
    await new Promise((r) => setImmediate(r));
    expect(urgent).toHaveLength(1);
    urgent.shift()!();
    await b.drain();
    expect(flushed).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
    // the check-phase starts queued meanwhile find nothing left
    for (const fn of queued) fn();
    await b.drain();
    expect(flushed).toHaveLength(2);
  });

  it('hands pending items out of the next batch and takes back those not stored, first in it', async () => {
    const queued: Array<() => void> = [];
    const flushed: number[][] = [];
    const b = new TurnBatcher<number>(
      async (xs) => void flushed.push(xs),
      (fn) => queued.push(fn),
    );
    b.add(1);
    b.add(2);
    b.add(3);
    const next = b.whenStored();
    let settled = false;
    void next.then(() => (settled = true));
    expect(b.somePending((x) => x === 2)).toBe(true);
    expect(b.take((x) => x % 2 === 1)).toEqual([1, 3]);
    expect(b.somePending((x) => x === 1)).toBe(false);
    b.putBack([3]);
    queued.shift()!();
    await b.drain();
    expect(flushed).toEqual([[3, 2]]);
    expect(settled).toBe(true);
  });

  // a queue-backed uplink acks each message when its batch's promise settles (at the commit)
  it('settles one promise per batch, shared by its items, when that batch is stored or fails', async () => {
    const queued: Array<() => void> = [];
    const finish: Array<(ok: boolean) => void> = [];
    const b = new TurnBatcher<number>(
      () =>
        new Promise<void>((res, rej) => finish.push((ok) => (ok ? res() : rej(new Error('rolled back'))))),
      (fn) => queued.push(fn),
    );
    const seen: string[] = [];
    const watch = (name: string, p: Promise<void>) =>
      p.then(
        () => seen.push(`${name} stored`),
        () => seen.push(`${name} failed`),
      );
    b.add(1);
    const first = b.whenStored();
    b.add(2);
    expect(b.whenStored()).toBe(first);
    void watch('1+2', first);
    queued.shift()!();
    // the first batch is being stored; what arrives now is the next batch, with its own promise
    b.add(3);
    const second = b.whenStored();
    expect(second).not.toBe(first);
    void watch('3', second);
    await Promise.resolve();
    expect(seen).toEqual([]);
    finish.shift()!(true);
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['1+2 stored']);
    queued.shift()!();
    finish.shift()!(false);
    await b.drain();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['1+2 stored', '3 failed']);
    // a failed batch does not stop the next one
    b.add(4);
    const third = b.whenStored();
    queued.shift()!();
    finish.shift()!(true);
    await expect(third).resolves.toBeUndefined();
  });
});

describe('rejectReason', () => {
  it('maps protocol error codes to bounded metric labels', () => {
    expect(rejectReason('BAKEN_ERR_PAYLOAD_SCHEMA')).toBe('payload_schema');
    expect(rejectReason('BAKEN_ERR_PAYLOAD_GATEWAY_MISMATCH')).toBe('payload_gateway_mismatch');
    expect(rejectReason('something else')).toBe('invalid');
    expect(rejectReason(`BAKEN_ERR_${'X'.repeat(80)}`)).toBe('invalid');
  });
});
