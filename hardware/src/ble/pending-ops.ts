/**
 * Tracks in-flight GATT operations so a link loss or our own disconnect can reject them all at
 * once (GattLink contract: pending operations reject with `disconnected: true`).
 */
export class PendingOps {
  readonly #rejects = new Set<(err: Error) => void>();

  get size(): number {
    return this.#rejects.size;
  }

  track<T>(op: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#rejects.add(reject);
      op.then(
        (v) => {
          this.#rejects.delete(reject);
          resolve(v);
        },
        (e: unknown) => {
          this.#rejects.delete(reject);
          reject(e);
        },
      );
    });
  }

  /** Rejects every pending operation with a fresh error from `make`. */
  rejectAll(make: () => Error): void {
    const rejects = [...this.#rejects];
    this.#rejects.clear();
    for (const r of rejects) r(make());
  }
}
