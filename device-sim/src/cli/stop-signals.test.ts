import { EventEmitter } from 'node:events';
import { MockClock, yieldToEventLoop } from '@baken/hardware';
import { describe, expect, it } from 'vitest';
import { stopOnSignals } from './stop-signals.js';

function rig(stop: () => Promise<void>, pending?: () => string | undefined) {
  const clock = new MockClock();
  const source = new EventEmitter();
  const exits: number[] = [];
  const said: string[] = [];
  const stops: string[] = [];
  const detach = stopOnSignals({
    clock,
    source: source as never,
    stop: (s) => {
      stops.push(s);
      return stop();
    },
    exit: (c) => exits.push(c),
    say: (t) => said.push(t),
    ...(pending === undefined ? {} : { pending }),
  });
  return { clock, source, exits, said, stops, detach };
}

describe('stop on signals', () => {
  it('stops gracefully once, ignoring the same Ctrl-C delivered twice, and exits 0', async () => {
    let finish: () => void = () => {};
    const r = rig(() => new Promise<void>((resolve) => (finish = resolve)));
    r.source.emit('SIGINT');
    r.clock.advance(5);
    r.source.emit('SIGINT'); // npm forwarding the same Ctrl-C
    expect(r.stops).toEqual(['SIGINT']);
    expect(r.said[0]).toMatch(/stopping… \(Ctrl-C again to force\)/);
    finish();
    await yieldToEventLoop();
    expect(r.exits).toEqual([0]);
  });

  it('a second Ctrl-C forces (exit 130)', () => {
    const r = rig(() => new Promise<void>(() => {}));
    r.source.emit('SIGINT');
    r.clock.advance(1500);
    r.source.emit('SIGINT');
    expect(r.exits).toEqual([130]);
    expect(r.said.at(-1)).toContain('forced stop');
  });

  it('a stop that hangs is forced before 5 s, and a failed stop exits 1 with its code', async () => {
    const hung = rig(
      () => new Promise<void>(() => {}),
      () => 'the server',
    );
    hung.source.emit('SIGTERM');
    hung.clock.advance(4499);
    expect(hung.exits).toEqual([]);
    hung.clock.advance(1);
    expect(hung.exits).toEqual([1]);
    expect(hung.said.at(-1)).toMatch(/^BAKEN_ERR_STOP_TIMEOUT: .*\(still stopping the server\); forcing$/);

    const failed = rig(() =>
      Promise.reject(Object.assign(new Error('socket busy'), { code: 'BAKEN_ERR_SERIAL_CLOSE' })),
    );
    failed.source.emit('SIGINT');
    await yieldToEventLoop();
    expect(failed.exits).toEqual([1]);
    expect(failed.said.at(-1)).toBe('BAKEN_ERR_SERIAL_CLOSE: socket busy');
    failed.clock.advance(10_000);
    expect(failed.exits).toEqual([1]);
  });
});
