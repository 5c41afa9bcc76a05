import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../ingest/domain-events.js';
import { StreamLog } from './stream-log.js';

const ev = (n: number) =>
  ({
    type: 'warning.opened',
    body: { warningId: n, gatewayId: 'g', deviceId: 'd', kind: 'tamper', at: n },
  }) as DomainEvent;

describe('StreamLog (Last-Event-ID resume)', () => {
  it('numbers events and answers what came after an id', () => {
    const log = new StreamLog('b1', 3);
    const ids = [1, 2, 3].map((n) => log.append(ev(n)).id);
    expect(ids).toEqual(['b1-1', 'b1-2', 'b1-3']);
    expect(log.since('b1-1')).toEqual([
      { id: 'b1-2', event: ev(2) },
      { id: 'b1-3', event: ev(3) },
    ]);
    expect(log.since('b1-3')).toEqual([]);
  });

  it('says when it cannot resume: evicted, from another boot, unknown or malformed', () => {
    const log = new StreamLog('b1', 2);
    for (const n of [1, 2, 3, 4]) log.append(ev(n));
    expect(log.since('b1-2')).toEqual([
      { id: 'b1-3', event: ev(3) },
      { id: 'b1-4', event: ev(4) },
    ]);
    expect(log.since('b1-1')).toBe('gap');
    expect(log.since('b0-3')).toBe('gap');
    expect(log.since('b1-9')).toBe('gap');
    expect(log.since('nonsense')).toBe('gap');
  });
});
