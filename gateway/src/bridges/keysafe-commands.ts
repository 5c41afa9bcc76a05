import { type KsFrame, type KsOutgoing, KsType, ksDecodeFrame } from '@baken/protocols';
import type { CommandRequest, CommandResult, GatewayBus } from '../event-bus.js';
import { reasonName } from './keysafe-events.js';

interface Pending {
  tag: string;
  /** null for the bridge's own polls. */
  transaction: string | null;
  sentType: number;
  delivered: boolean;
}

/** Entries kept while waiting for answers that may never come (the relay times commands out). */
const MAX_PENDING = 64;

/** The response TYPE that answers a command TYPE [KS-SERIAL §8.7, §9]. */
export function responseTypeFor(commandType: number): number | null {
  if (commandType >= KsType.OpenNow && commandType <= KsType.KeyInstall) return KsType.CommandResult;
  if (commandType === KsType.ReadAudit) return KsType.AuditRecords;
  if (commandType === KsType.SelfTest) return KsType.SelfTestResult;
  if (commandType === KsType.StatusPoll) return KsType.Status;
  return null;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * Correlates relayed server commands (`cmd/req` → `cmd/res`, same transaction) and the bridge's own
 * polls with the key safe's link outcomes and answer frames. Contract: each accepted transaction
 * gets exactly one `command-result` on the bus: `ok` with the answer frame unchanged as
 * `responseHex`; `refused` on a final NAK (reason name, the NAK frame as `responseHex`); `error` when
 * the command's answer says it failed, the link is down, or retransmissions are exhausted
 * (undelivered; the server may reissue with a new counter) [KS-SERIAL §4.4]; `busy` when the send
 * queue is full.
 */
export class CommandTracker {
  readonly #bus: GatewayBus;
  readonly #deviceId: string;
  #pending: Pending[] = [];

  constructor(bus: GatewayBus, deviceId: string) {
    this.#bus = bus;
    this.#deviceId = deviceId;
  }

  /** Validates a relayed command; returns what to send, or answers it at once and returns null. */
  accept(req: CommandRequest, linkUp: boolean): KsOutgoing | null {
    const tx = req.transaction;
    if (this.#pending.some((p) => p.transaction === tx)) return null;
    if (req.frameHex === undefined) {
      this.#result({ transaction: tx, status: 'error', reason: 'BAKEN_ERR_KEYSAFE_FRAME' });
      return null;
    }
    const frame = ksDecodeFrame(Uint8Array.from(Buffer.from(req.frameHex, 'hex')));
    if (!frame.ok || responseTypeFor(frame.value.type) === null) {
      this.#result({ transaction: tx, status: 'error', reason: 'BAKEN_ERR_KEYSAFE_FRAME' });
      return null;
    }
    if (!linkUp) {
      this.#result({ transaction: tx, status: 'error', reason: 'BAKEN_ERR_KEYSAFE_LINK_DOWN' });
      return null;
    }
    const tag = `cmd:${tx}`;
    this.#add({ tag, transaction: tx, sentType: frame.value.type, delivered: false });
    // TYPE and PAYLOAD exactly as the server authenticated them
    return { type: frame.value.type, payload: frame.value.payload, tag };
  }

  expectInternal(tag: string, sentType: number): void {
    this.#add({ tag, transaction: null, sentType, delivered: false });
  }

  #add(p: Pending): void {
    this.#pending.push(p);
    if (this.#pending.length > MAX_PENDING) this.#pending.shift();
  }

  delivered(tag: string): void {
    const p = this.#pending.find((x) => x.tag === tag && !x.delivered);
    if (p) p.delivered = true;
  }

  /** An answer frame arrived: resolves the oldest delivered entry it answers. */
  answered(frame: KsFrame, raw: Uint8Array): void {
    const i = this.#pending.findIndex(
      (p) =>
        p.delivered &&
        responseTypeFor(p.sentType) === frame.type &&
        (frame.type !== KsType.CommandResult || frame.payload[0] === p.sentType),
    );
    if (i < 0) return;
    const [p] = this.#pending.splice(i, 1);
    if (!p || p.transaction === null) return;
    if (frame.type === KsType.CommandResult) {
      // COMMAND_TYPE u8 | COUNTER u64 | RESULT u8 | DEVICE_TIME u32 [KS-SERIAL §9.2]
      const result = frame.payload[9] ?? 0xff;
      this.#result({
        transaction: p.transaction,
        status: result === 0 ? 'ok' : 'error',
        ...(result === 0 ? {} : { reason: reasonName(result) }),
        responseHex: hex(raw),
      });
      return;
    }
    this.#result({ transaction: p.transaction, status: 'ok', responseHex: hex(raw) });
  }

  refused(tag: string, reason: number, nakFrame: Uint8Array | undefined): void {
    const p = this.#take(tag);
    if (p?.transaction == null) return;
    this.#result({
      transaction: p.transaction,
      status: 'refused',
      reason: reasonName(reason),
      ...(nakFrame === undefined ? {} : { responseHex: hex(nakFrame) }),
    });
  }

  exhausted(tag: string): void {
    const p = this.#take(tag);
    if (p?.transaction == null) return;
    this.#result({ transaction: p.transaction, status: 'error', reason: 'BAKEN_ERR_KEYSAFE_UNREACHABLE' });
  }

  busy(tag: string): void {
    const p = this.#take(tag);
    if (p?.transaction == null) return;
    this.#result({ transaction: p.transaction, status: 'busy', reason: 'send queue full' });
  }

  /** The link went away: every open transaction fails; polls are forgotten. */
  failAll(reason: string): void {
    const open = this.#pending.splice(0);
    for (const p of open) {
      if (p.transaction !== null) this.#result({ transaction: p.transaction, status: 'error', reason });
    }
  }

  #take(tag: string): Pending | undefined {
    const i = this.#pending.findIndex((p) => p.tag === tag);
    if (i < 0) return undefined;
    return this.#pending.splice(i, 1)[0];
  }

  #result(result: CommandResult): void {
    this.#bus.emit('command-result', result);
  }

  get deviceId(): string {
    return this.#deviceId;
  }
}
