import { join } from 'node:path';
import type { Clock, GattLink, TimerHandle } from '@baken/hardware';
import {
  BAKEN_ACK_CHARACTERISTIC_UUID,
  BAKEN_ACK_SERVICE_UUID,
  BAKEN_ANNOUNCE,
  encodeBakenAck,
} from '@baken/protocols';
import type { Logger } from 'pino';
import type { CommittedEntry, GatewayBus } from '../event-bus.js';
import type { Extension } from '../extension.js';
import type { GatewayContext } from '../gateway.js';
import type { Outbox } from '../outbox/outbox.js';
import type { OutboxEntry } from '../outbox/outbox-types.js';
import { errorCode, errorMessage } from './pendant-events.js';
import { SealedPendantVault, type StoredPendantPairing } from './pendant-vault.js';
import { JsonStateFile } from './state-file.js';

/** Pendant events a Baken pendant announces until acknowledged [PENDANT SPEC §7]. */
const ANNOUNCED = new Set(['alarm', 'fall', 'cancel', 'test']);

/** One acknowledgement still to deliver. No key in here: the file holding it is not secret. */
export interface PendingAck {
  deviceId: string;
  counter: number;
  /** When the event was committed (gateway clock, ms since epoch). */
  since: number;
}

export interface PendantAckState {
  pending: PendingAck[];
}

export interface PendantAckOptions {
  /** Give up on one GATT attempt after this long (BlueZ waits for a connectable advert). Default 20 s. */
  attemptTimeoutMs?: number;
  /** Retry back-off: first delay and cap. Defaults 2 s and 60 s. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Where pending acks survive a restart; default none. */
  store?: { load(): PendantAckState; save(state: PendantAckState): void };
  /**
   * The pairings (keys included) kept on the unit from the server's last config [PENDANT SPEC §5.3],
   * read once at start so acks go out after a restart with no network; default none.
   */
  savedPairings?: () => readonly StoredPendantPairing[];
}

export interface PendantAckDeps {
  bus: GatewayBus;
  clock: Clock;
  logger: Logger;
  openGatt: (address: string) => GattLink | Promise<GattLink>;
}

interface Item extends PendingAck {
  attempts: number;
  /** Not before this time (gateway clock). */
  nextAt: number;
}

/**
 * The home unit's side of the pendant acknowledgement [PENDANT SPEC §7]. Once an event of a Baken
 * pendant is committed to the outbox (`event-committed` on the bus), it connects to the pendant over
 * GATT and writes the ack (MAC with the pendant's key over device id and counter), so the pendant
 * stops announcing it. A failed attempt is retried with back-off (2 s doubling to 60 s) until the
 * pendant's own announce schedule has ended (24 h); pending acks survive a restart (`store`). Keys
 * come from the server's `config`, the same source as the pendant bridge's. BTHome pendants cannot
 * hear an ack and are left alone. Attempts run one at a time (one GATT connection at once).
 */
export class PendantAck implements Extension {
  readonly name = 'pendant-ack';
  readonly #d: PendantAckDeps;
  readonly #o: Required<Omit<PendantAckOptions, 'store' | 'savedPairings'>> &
    Pick<PendantAckOptions, 'store' | 'savedPairings'>;
  readonly #keys = new Map<string, { address: string; key: Uint8Array }>();
  readonly #items = new Map<string, Item>();
  /** Recently delivered acks (bounded): an entry announced again after a disk recovery is not re-acked. */
  readonly #done = new Set<string>();
  readonly #offs: (() => void)[] = [];
  #timer: TimerHandle | undefined;
  #busy = false;
  #running = false;
  readonly stats = { acked: 0, failedAttempts: 0, gaveUp: 0 };

  constructor(deps: PendantAckDeps, opts: PendantAckOptions = {}) {
    this.#d = deps;
    this.#o = {
      attemptTimeoutMs: opts.attemptTimeoutMs ?? 20_000,
      retryInitialMs: opts.retryInitialMs ?? 2_000,
      retryMaxMs: opts.retryMaxMs ?? 60_000,
      store: opts.store,
      savedPairings: opts.savedPairings,
    };
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    for (const p of this.#o.store?.load().pending ?? [])
      this.#items.set(keyOf(p), { ...p, attempts: 0, nextAt: 0 });
    try {
      this.#useKeys(this.#o.savedPairings?.() ?? []);
    } catch (err) {
      this.#d.logger.warn(
        { err: errorMessage(err) },
        'saved pendant keys not read: acks wait for the server config',
      );
    }
    this.#offs.push(
      this.#d.bus.on('server-config', (config) => {
        this.#useKeys(config.pendants);
        this.#kick(0);
      }),
      this.#d.bus.on('event-committed', (entry) => this.#onCommitted(entry)),
    );
    this.#kick(0);
  }

  async stop(): Promise<void> {
    this.#running = false;
    for (const off of this.#offs.splice(0)) off();
    this.#d.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #useKeys(pendants: readonly StoredPendantPairing[]): void {
    this.#keys.clear();
    for (const p of pendants) {
      if (p.format !== 'baken' || p.keyHex === undefined) continue;
      this.#keys.set(p.deviceId, { address: p.address, key: Uint8Array.from(Buffer.from(p.keyHex, 'hex')) });
    }
  }

  /** Acks not yet delivered (for status and tests). */
  pending(): PendingAck[] {
    return [...this.#items.values()].map(({ deviceId, counter, since }) => ({ deviceId, counter, since }));
  }

  #onCommitted(entry: CommittedEntry): void {
    if (entry.topic !== 'events') return;
    let e: {
      deviceKind?: unknown;
      deviceId?: unknown;
      kind?: unknown;
      seq?: unknown;
      data?: { format?: unknown };
    };
    try {
      e = JSON.parse(entry.payload);
    } catch {
      return;
    }
    if (e.deviceKind !== 'pendant' || e.data?.format !== 'baken' || !ANNOUNCED.has(String(e.kind))) return;
    if (typeof e.deviceId !== 'string' || typeof e.seq !== 'number') return;
    const k = `${e.deviceId}/${e.seq}`;
    if (this.#items.has(k) || this.#done.has(k)) return;
    const now = this.#d.clock.now();
    const item: Item = { deviceId: e.deviceId, counter: e.seq, since: now, attempts: 0, nextAt: now };
    this.#items.set(keyOf(item), item);
    this.#save();
    this.#kick(0);
  }

  #save(): void {
    try {
      this.#o.store?.save({ pending: this.pending() });
    } catch (err) {
      this.#d.logger.warn({ err: errorMessage(err) }, 'pending pendant acks not saved');
    }
  }

  #kick(delayMs: number): void {
    if (!this.#running || this.#busy) return;
    this.#d.clock.clearTimeout(this.#timer);
    this.#timer = this.#d.clock.setTimeout(() => void this.#run(), delayMs, { unref: true });
  }

  /** One pass: every due item gets one attempt; then sleep until the next is due. */
  async #run(): Promise<void> {
    this.#timer = undefined;
    if (this.#busy || !this.#running) return;
    this.#busy = true;
    try {
      for (const item of [...this.#items.values()]) {
        if (!this.#running) return;
        if (this.#d.clock.now() - item.since > BAKEN_ANNOUNCE.giveUpMs) {
          this.#drop(item, 'gave up: the pendant has stopped announcing');
          continue;
        }
        if (this.#d.clock.now() < item.nextAt) continue;
        const target = this.#keys.get(item.deviceId);
        if (target === undefined) continue; // no key yet: waits for the server's config
        await this.#attempt(item, target);
      }
    } finally {
      this.#busy = false;
    }
    // items without a key wait for the next `server-config`, which kicks again
    const due = [...this.#items.values()].filter((i) => this.#keys.has(i.deviceId)).map((i) => i.nextAt);
    if (due.length > 0) this.#kick(Math.max(0, Math.min(...due) - this.#d.clock.now()));
  }

  async #attempt(item: Item, target: { address: string; key: Uint8Array }): Promise<void> {
    const bakenId = target.address.replaceAll(':', '').toLowerCase();
    const ack = encodeBakenAck({ deviceId: bakenId, counter: item.counter }, target.key);
    if (!ack.ok) {
      this.#drop(item, `cannot build the ack: ${ack.error.code}`);
      return;
    }
    let link: GattLink | undefined;
    try {
      await this.#withTimeout(async () => {
        link = await this.#d.openGatt(target.address);
        await link.connect();
        await link.write(BAKEN_ACK_SERVICE_UUID, BAKEN_ACK_CHARACTERISTIC_UUID, ack.value);
      });
      this.#items.delete(keyOf(item));
      this.#remember(keyOf(item));
      this.stats.acked += 1;
      this.#save();
      this.#d.logger.info({ deviceId: item.deviceId, counter: item.counter }, 'pendant event acknowledged');
    } catch (err) {
      item.attempts += 1;
      const delay = Math.min(
        this.#o.retryInitialMs * 2 ** Math.min(item.attempts - 1, 20),
        this.#o.retryMaxMs,
      );
      item.nextAt = this.#d.clock.now() + delay;
      this.stats.failedAttempts += 1;
      this.#d.logger.warn(
        { deviceId: item.deviceId, counter: item.counter, attempts: item.attempts, code: errorCode(err) },
        `pendant ack not delivered, retry in ${delay} ms: ${errorMessage(err)}`,
      );
    } finally {
      await (link as GattLink | undefined)?.disconnect().catch(() => undefined);
    }
  }

  async #withTimeout(fn: () => Promise<void>): Promise<void> {
    let timer: TimerHandle | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#d.clock.setTimeout(
        () => reject(new Error(`no GATT write within ${this.#o.attemptTimeoutMs} ms`)),
        this.#o.attemptTimeoutMs,
        { unref: true },
      );
    });
    try {
      await Promise.race([fn(), timeout]);
    } finally {
      this.#d.clock.clearTimeout(timer);
    }
  }

  #remember(key: string): void {
    this.#done.add(key);
    if (this.#done.size > 1_024) this.#done.delete(this.#done.values().next().value as string);
  }

  #drop(item: Item, why: string): void {
    this.#items.delete(keyOf(item));
    this.#remember(keyOf(item));
    this.stats.gaveUp += 1;
    this.#save();
    this.#d.logger.warn({ deviceId: item.deviceId, counter: item.counter }, `pendant ack dropped: ${why}`);
  }
}

const keyOf = (p: PendingAck): string => `${p.deviceId}/${p.counter}`;

/**
 * Emits `event-committed` for every outbox entry once it is on disk [PENDANT SPEC §7.5]: at insert
 * while the disk takes writes; an entry held in memory (the disk refusing writes) when the outbox
 * has moved it to disk (`resequenced`: the pending entries are announced again, at most 5,000; acks
 * already delivered are not repeated). Lives as long as the outbox.
 */
export function announceCommitted(outbox: Pick<Outbox, 'on' | 'writesToDisk'>, bus: GatewayBus): void {
  const committed = ({ id, topic, payload }: OutboxEntry): void =>
    bus.emit('event-committed', { id, topic, payload });
  outbox.on('insert', (entry) => {
    if (outbox.writesToDisk()) committed(entry);
  });
  outbox.on('moved-to-disk', (entries) => {
    for (const entry of entries) committed(entry);
  });
}

/**
 * The ack extension with its pending acks kept in `dataDir` and the keys of the unit's sealed pendant
 * vault (read-only here; the pendant bridge writes it); null when the unit has no GATT binding.
 */
export function createPendantAck(ctx: GatewayContext, opts: PendantAckOptions = {}): PendantAck | null {
  const openGatt = ctx.transports.openGatt;
  if (!openGatt) return null;
  return new PendantAck(
    { bus: ctx.bus, clock: ctx.clock, logger: ctx.logger.child({ part: 'pendant-ack' }), openGatt },
    {
      store: new JsonStateFile(join(ctx.config.dataDir, 'pendant-acks.json'), () => ({ pending: [] })),
      savedPairings: () => new SealedPendantVault(ctx.config.dataDir).load().pairings,
      ...opts,
    },
  );
}
