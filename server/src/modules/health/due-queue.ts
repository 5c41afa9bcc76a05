/**
 * Keys ordered by when they fall due: the health sweep's time-ordered view of the fleet
 * (docs/scaling.md §4). {@link schedule} replaces a key's time, {@link takeDue} removes and returns
 * every key due at or before `now`, earliest first. Both are O(log n): a binary min-heap whose
 * superseded entries are skipped when they surface (each key's current time is in a map) and
 * dropped in one rebuild when they outnumber the live ones.
 */
export class DueQueue<K = string> {
  readonly #at = new Map<K, number>();
  #heap: Array<{ at: number; key: K }> = [];

  /** Keys scheduled now. */
  get size(): number {
    return this.#at.size;
  }

  /** When `key` falls due, or undefined when it is not scheduled. */
  dueAt(key: K): number | undefined {
    return this.#at.get(key);
  }

  /** Sets when `key` falls due (replacing its earlier time); `Infinity` or NaN unschedules it. */
  schedule(key: K, at: number): void {
    if (!Number.isFinite(at)) {
      this.cancel(key);
      return;
    }
    if (this.#at.get(key) === at) return;
    this.#at.set(key, at);
    this.#push({ at, key });
    if (this.#heap.length > 2 * this.#at.size + 1024) this.#rebuild();
  }

  cancel(key: K): void {
    this.#at.delete(key);
  }

  clear(): void {
    this.#at.clear();
    this.#heap = [];
  }

  /** Removes and returns every key due at or before `now`, earliest first. */
  takeDue(now: number): K[] {
    const out: K[] = [];
    const h = this.#heap;
    while (h.length > 0 && h[0]!.at <= now) {
      const top = this.#pop();
      if (this.#at.get(top.key) !== top.at) continue; // superseded or cancelled
      this.#at.delete(top.key);
      out.push(top.key);
    }
    return out;
  }

  #rebuild(): void {
    this.#heap = [];
    for (const [key, at] of this.#at) this.#push({ at, key });
  }

  #push(e: { at: number; key: K }): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= e.at) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  #pop(): { at: number; key: K } {
    const h = this.#heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.at < h[l]!.at ? r : l;
      if (h[c]!.at >= last.at) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
