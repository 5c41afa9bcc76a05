/** A random source in [0, 1), like `Math.random`. Inject one wherever behaviour must be replayable. */
export type RandomSource = () => number;

/**
 * Deterministic random source (mulberry32): the same seed always gives the same sequence, so a
 * fault run or property test can be replayed exactly. Not for cryptography.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
