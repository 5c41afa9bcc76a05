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

describe('TurnBatcher', () => {
  it('collects everything added before the deferred turn into one flush', () => {
    const queued: Array<() => void> = [];
    const flushed: number[][] = [];
    const b = new TurnBatcher<number>(
      (xs) => flushed.push(xs),
      (fn) => queued.push(fn),
    );
    b.add(1);
    b.add(2);
    b.add(3);
    expect(queued).toHaveLength(1);
    expect(flushed).toEqual([]);
    queued.shift()!();
    b.add(4);
    queued.shift()!();
    expect(flushed).toEqual([[1, 2, 3], [4]]);
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
