import { EventEmitter } from 'node:events';
import type { GattLink, SerialLink } from '@baken/hardware';
import {
  KS_GATT_RX_CHAR_UUID,
  KS_GATT_SENDER_CONFIG,
  KS_GATT_SERVICE_UUID,
  KS_GATT_TX_CHAR_UUID,
  KS_SERIAL_SENDER_CONFIG,
  type KsSenderConfig,
  ksChunkForGatt,
} from '@baken/protocols';

export interface FrameTransportEvents {
  /** Raw bytes in arrival order; chunk boundaries carry no meaning (the deframer reassembles). */
  data: [chunk: Uint8Array];
  /** The link ended (unplug, BLE link loss, or `close()`); `open()` may be called again. */
  down: [info: { remote: boolean }];
}

/**
 * One byte pipe to a key safe, whatever carries it [KS-SERIAL §2, §11]: a wired UART (`SerialLink`)
 * or BLE GATT (`GattLink`, RX write-without-response / TX notify, frames cut into ≤ 20-byte chunks).
 * Contract: `open()` resolves when bytes can flow (rejects if not); `write()` hands over one encoded
 * frame; `down` is emitted once per opened link; `close()` is idempotent and never throws.
 */
export interface FrameTransport extends EventEmitter<FrameTransportEvents> {
  /** `serial:/dev/ttyUSB0` or `ble:AA:BB:…`, for logs. */
  readonly description: string;
  /** Link-layer timers for this medium [KS-SERIAL §4.4]. */
  readonly senderConfig: Readonly<KsSenderConfig>;
  open(): Promise<void>;
  write(frame: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** KS-SERIAL over a wired serial port [KS-SERIAL §2]. */
export class SerialFrameTransport extends EventEmitter<FrameTransportEvents> implements FrameTransport {
  readonly senderConfig = KS_SERIAL_SENDER_CONFIG;
  readonly #link: SerialLink;
  #open = false;

  constructor(link: SerialLink) {
    super();
    this.#link = link;
    link.on('data', (chunk) => {
      if (this.#open) this.emit('data', chunk);
    });
    link.on('close', (info) => this.#down(info.disconnected));
    // errors not tied to a call never precede a silent stop (SerialLink contract): nothing to do
    link.on('error', () => {});
  }

  get description(): string {
    return `serial:${this.#link.path}`;
  }

  async open(): Promise<void> {
    if (this.#open) return;
    await this.#link.open();
    this.#open = true;
  }

  write(frame: Uint8Array): Promise<void> {
    return this.#link.write(frame);
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    await this.#link.close().catch(() => {});
    this.#down(false);
  }

  #down(remote: boolean): void {
    if (!this.#open) return;
    this.#open = false;
    this.emit('down', { remote });
  }
}

/** KS-SERIAL over BLE GATT [KS-SERIAL §11]. */
export class GattFrameTransport extends EventEmitter<FrameTransportEvents> implements FrameTransport {
  readonly senderConfig = KS_GATT_SENDER_CONFIG;
  readonly #link: GattLink;
  #open = false;

  constructor(link: GattLink) {
    super();
    this.#link = link;
    link.on('notify', (characteristic, value) => {
      if (this.#open && characteristic === KS_GATT_TX_CHAR_UUID) this.emit('data', value);
    });
    link.on('disconnect', (info) => this.#down(info.remote));
    link.on('error', () => {});
  }

  get description(): string {
    return `ble:${this.#link.address}`;
  }

  async open(): Promise<void> {
    if (this.#open) return;
    await this.#link.connect();
    try {
      await this.#link.subscribe(KS_GATT_SERVICE_UUID, KS_GATT_TX_CHAR_UUID);
    } catch (err) {
      await this.#link.disconnect().catch(() => {});
      throw err;
    }
    this.#open = true;
  }

  async write(frame: Uint8Array): Promise<void> {
    // [KS-SERIAL §11] one chunk per write, in order
    for (const chunk of ksChunkForGatt(frame)) {
      await this.#link.write(KS_GATT_SERVICE_UUID, KS_GATT_RX_CHAR_UUID, chunk);
    }
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    await this.#link.disconnect().catch(() => {});
    this.#down(false);
  }

  #down(remote: boolean): void {
    if (!this.#open) return;
    this.#open = false;
    this.emit('down', { remote });
  }
}
