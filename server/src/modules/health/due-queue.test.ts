import { describe, expect, it } from 'vitest';
import { DueQueue } from './due-queue.js';

describe('DueQueue', () => {
  it('returns the keys due by now, earliest first, each once', () => {
    const q = new DueQueue();
    q.schedule('c', 30);
    q.schedule('a', 10);
    q.schedule('b', 20);
    q.schedule('d', 40);
    expect(q.takeDue(5)).toEqual([]);
    expect(q.takeDue(30)).toEqual(['a', 'b', 'c']);
    expect(q.takeDue(30)).toEqual([]);
    expect(q.size).toBe(1);
    expect(q.dueAt('d')).toBe(40);
  });

  it('a later schedule replaces the earlier one; Infinity and cancel unschedule', () => {
    const q = new DueQueue();
    q.schedule('a', 10);
    q.schedule('a', 50);
    q.schedule('b', 10);
    q.schedule('b', Number.POSITIVE_INFINITY);
    q.schedule('c', 10);
    q.cancel('c');
    expect(q.takeDue(20)).toEqual([]);
    expect(q.takeDue(50)).toEqual(['a']);
    expect(q.size).toBe(0);
  });

  it('stays ordered and bounded through many replacements (random, against a sorted reference)', () => {
    const q = new DueQueue<number>();
    const ref = new Map<number, number>();
    let seed = 7;
    const rnd = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    let now = 0;
    for (let step = 0; step < 20_000; step++) {
      const key = Math.floor(rnd() * 500);
      const at = now + Math.floor(rnd() * 1000);
      q.schedule(key, at);
      ref.set(key, at);
      if (step % 50 === 0) {
        now += 100;
        const want = [...ref]
          .filter(([, t]) => t <= now)
          .sort((a, b) => a[1] - b[1])
          .map(([k]) => k);
        const got = q.takeDue(now);
        expect(got.map((k) => ref.get(k))).toEqual(want.map((k) => ref.get(k)));
        expect(new Set(got)).toEqual(new Set(want));
        for (const k of want) ref.delete(k);
      }
    }
    expect(q.size).toBe(ref.size);
  });
});
