import { timingSafeEqual } from 'node:crypto';

/**
 * Compares two codes without an early exit on the first differing character, so the time taken
 * does not tell a guesser how many leading digits were right. Lengths are public (codes have a
 * fixed length), so a length mismatch returns false at once.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}
