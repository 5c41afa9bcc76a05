import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { AwaitedAnswers } from './awaited-answers.js';
import { LocalSignals } from './signals.js';

describe('AwaitedAnswers (one process)', () => {
  const setup = () => {
    const clock = new ManualClock(0);
    const signals = new LocalSignals();
    const stored = new Map<string, string>();
    const instance = () => new AwaitedAnswers<string>(signals, 'cmd', (id) => stored.get(id) ?? null, clock);
    return { clock, stored, a: instance(), b: instance() };
  };

  it('a wait on one instance completes when another stores and signals the answer', async () => {
    const { stored, a, b } = setup();
    const waiting = a.wait('ks-1', 10_000);
    await new Promise((r) => setImmediate(r));
    stored.set('ks-1', 'ok');
    await b.answered('ks-1');
    expect(await waiting).toBe('ok');
  });

  it('an answer stored before the wait began resolves at once; no answer ends in timeout, never a hang', async () => {
    const { clock, stored, a } = setup();
    stored.set('ks-2', 'refused');
    expect(await a.wait('ks-2', 10_000)).toBe('refused');
    const waiting = a.wait('ks-3', 10_000);
    await new Promise((r) => setImmediate(r));
    clock.advance(10_000);
    expect(await waiting).toBe('timeout');
    expect(clock.pending).toBe(0);
  });
});
