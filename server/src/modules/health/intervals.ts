/** A half-open time span `[start, end)` in ms. */
export interface Span {
  start: number;
  end: number;
}

/** Merges overlapping or touching spans; the result is sorted and disjoint. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** Total length of the union of `spans` inside `[from, to)`. */
export function coveredMs(spans: readonly Span[], from: number, to: number): number {
  let total = 0;
  for (const s of mergeSpans(spans)) {
    const a = Math.max(s.start, from);
    const b = Math.min(s.end, to);
    if (b > a) total += b - a;
  }
  return total;
}
