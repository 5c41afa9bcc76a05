import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('blocks after max hits and frees up as the window slides', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(clock, 2, 1000);
    rl.hit('a');
    clock.advance(100);
    rl.hit('a');
    expect(rl.retryAfterMs('a')).toBe(900);
    expect(rl.retryAfterMs('b')).toBe(0);
    clock.advance(900);
    expect(rl.retryAfterMs('a')).toBe(0);
    rl.hit('a');
    rl.reset('a');
    expect(rl.retryAfterMs('a')).toBe(0);
  });
});
