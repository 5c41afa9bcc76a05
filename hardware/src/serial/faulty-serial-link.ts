import { EventEmitter } from 'node:events';
import { HardwareError } from '../errors.js';
import type { SerialLink, SerialLinkEvents } from '../serial-link.js';
import type { RandomSource } from '../testing/seeded-random.js';
import { serialClosedError } from './mock-serial-link.js';

/** Line faults, as rates per byte in [0, 1]. */
export interface SerialFaults {
  /** Chance that a byte has one bit flipped. */
  corruptRate?: number;
  /** Chance that a byte is lost. */
  dropRate?: number;
  /** Which way the faults apply: received bytes, written bytes, or both (default). */
  direction?: 'rx' | 'tx' | 'both';
}

export interface FaultySerialLinkOptions extends SerialFaults {
  /** Injected random source; use `seededRandom(seed)` so that a run can be replayed. */
  random: RandomSource;
}

export interface SerialFaultStats {
  corrupted: number;
  dropped: number;
}

/**
 * A `SerialLink` wrapper that behaves like a noisy cable: bytes are dropped or get one bit
 * flipped at the configured rates, decided by the injected random source (deterministic for a
 * given seed). `unplug()` makes it behave exactly like a pulled cable on this side: `'close'`
 * `{ disconnected: true }` once, pending and later writes reject with `disconnected`, and
 * `open()` fails until `replug()`.
 *
 * Used by the device simulator's fault switches and by tests of the framing layer above.
 */
export class FaultySerialLink extends EventEmitter<SerialLinkEvents> implements SerialLink {
  readonly inner: SerialLink;
  readonly stats: SerialFaultStats = { corrupted: 0, dropped: 0 };
  readonly #random: RandomSource;
  #faults: Required<SerialFaults>;
  #unplugged = false;
  /** Set while we close the inner link ourselves on unplug, to swallow its `'close'`. */
  #swallowClose = false;

  constructor(inner: SerialLink, opts: FaultySerialLinkOptions) {
    super();
    this.inner = inner;
    this.#random = opts.random;
    this.#faults = { corruptRate: 0, dropRate: 0, direction: 'both' };
    this.setFaults(opts);
    inner.on('data', (chunk) => {
      if (this.#unplugged) return;
      const out = this.#mangle(chunk, 'rx');
      if (out.length > 0) this.emit('data', out);
    });
    inner.on('close', (info) => {
      if (this.#swallowClose) return;
      this.emit('close', info);
    });
    inner.on('error', (err) => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
  }

  get path(): string {
    return this.inner.path;
  }

  get isOpen(): boolean {
    return !this.#unplugged && this.inner.isOpen;
  }

  get isUnplugged(): boolean {
    return this.#unplugged;
  }

  /** Changes the fault rates from now on (unspecified fields keep their value). */
  setFaults(faults: SerialFaults): void {
    this.#faults = {
      corruptRate: clampRate(faults.corruptRate ?? this.#faults.corruptRate),
      dropRate: clampRate(faults.dropRate ?? this.#faults.dropRate),
      direction: faults.direction ?? this.#faults.direction,
    };
  }

  async open(): Promise<void> {
    if (this.#unplugged) {
      throw new HardwareError(
        'BAKEN_ERR_SERIAL_OPEN',
        `cannot open ${this.path}: no such device (unplugged)`,
      );
    }
    await this.inner.open();
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.#unplugged) throw serialClosedError(this.path, true);
    if (!this.inner.isOpen) return this.inner.write(bytes);
    const out = this.#mangle(bytes, 'tx');
    if (out.length === 0) return;
    try {
      await this.inner.write(out);
    } catch (err) {
      if (this.#unplugged) {
        throw new HardwareError(
          'BAKEN_ERR_SERIAL_WRITE',
          `write to ${this.path} failed: device disconnected`,
          {
            disconnected: true,
            cause: err,
          },
        );
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.#unplugged) return;
    await this.inner.close();
  }

  /** Pulls the cable on this side; see the class contract. */
  unplug(): void {
    if (this.#unplugged) return;
    this.#unplugged = true;
    if (!this.inner.isOpen) return;
    this.#swallowClose = true;
    this.emit('close', { disconnected: true });
    void this.inner.close().finally(() => {
      this.#swallowClose = false;
    });
  }

  /** Puts the cable back: `open()` works again. */
  replug(): void {
    this.#unplugged = false;
  }

  #mangle(bytes: Uint8Array, way: 'rx' | 'tx'): Uint8Array {
    const { corruptRate, dropRate, direction } = this.#faults;
    if (direction !== 'both' && direction !== way) return bytes.slice();
    if (corruptRate === 0 && dropRate === 0) return bytes.slice();
    const out = new Uint8Array(bytes.length);
    let n = 0;
    for (const byte of bytes) {
      const r = this.#random();
      if (r < dropRate) {
        this.stats.dropped++;
        continue;
      }
      if (r < dropRate + corruptRate) {
        this.stats.corrupted++;
        out[n++] = byte ^ (1 << Math.floor(this.#random() * 8));
        continue;
      }
      out[n++] = byte;
    }
    return out.subarray(0, n);
  }
}

function clampRate(rate: number): number {
  return Number.isFinite(rate) ? Math.min(1, Math.max(0, rate)) : 0;
}
