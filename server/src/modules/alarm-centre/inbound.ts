import { createHash, randomBytes } from 'node:crypto';
import {
  type Dc09AccountPolicy,
  type Dc09Message,
  dc09DecodeFrame,
  dc09Receive,
  type EventEnvelope,
} from '@baken/protocols';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../clock.js';
import type { StoreHandle } from '../../store/storage.js';
import { type InboundEvent, inboundEvents } from './content.js';
import type { InAccount, InAccounts } from './in-account-store.js';
import { type InLog, printable } from './in-log-store.js';
import type { InboundSink } from './inbound-sink.js';

export interface Peer {
  address: string;
  transport: 'tcp' | 'udp';
}

export interface InboundDeps {
  accounts: InAccounts;
  log: InLog;
  /** The same stores on a transaction's handle: what a message writes commits with its events. */
  storesOn: (tx: StoreHandle) => { accounts: InAccounts; log: InLog };
  sink: InboundSink;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** Counts every answer by kind and reason (metrics). */
  count?: (answer: 'ACK' | 'NAK' | 'DUH', reason: string) => void;
}

const random = (n: number) => new Uint8Array(randomBytes(n));

/**
 * Baken's event id for one event of one received message. With a timestamp it is stable across
 * retransmissions (same sequence, content and time); a message without one has no identity beyond
 * the repeat check, which runs before this, so the time it was accepted makes it unique — a panel
 * that never counts and sends no time would otherwise have every later alarm dropped as stored.
 */
const eventId = (a: InAccount, m: Dc09Message, i: number, now: number) =>
  `dc09-${a.gatewayId}-${m.sequence}-${m.timestamp ?? `r${now}`}-${repeatDigest(m).slice(0, 12)}-${i}`;

/**
 * Baken as a DC-09 receiver [docs/alarm-centre.md §In]: one frame in, one answer out (or none).
 * What to answer is decided by the codec's receiver engine `dc09Receive` [DC09 SPEC §4.1, §5] —
 * unknown account, no or wrong key, a plain frame for a key account, a timestamp outside the
 * account's window are NAKed with our time; content that does not read is DUH'd. This handler
 * adds what the engine leaves to the caller: the account lookup (receiver and line too), duplicate
 * suppression by sequence, storing events before the ACK goes out (unknown codes are stored and
 * shown, still ACKed), `NULL` polls as heartbeats, and keeping every refused frame with its raw
 * bytes. Nothing a peer sends can throw out of {@link handle}.
 */
export class InboundHandler {
  constructor(private readonly d: InboundDeps) {}

  async handle(raw: Uint8Array, peer: Peer): Promise<Uint8Array | null> {
    try {
      return await this.answer(raw, peer);
    } catch (err) {
      // a store failure: nothing was committed, so no ACK; the unit sends again
      this.d.logger.error({ err, peer: peer.address }, 'DC-09 message could not be stored');
      return null;
    }
  }

  private async answer(raw: Uint8Array, peer: Peer): Promise<Uint8Array | null> {
    const now = this.d.clock.now();
    const head = dc09DecodeFrame(raw);
    // the engine asks for the account the frame names; it is read from the store before
    const account = head.ok
      ? await this.d.accounts.find(head.value.account, head.value.receiver, head.value.line)
      : null;
    let policy: Dc09AccountPolicy | undefined;
    if (account) {
      const key =
        account.keyBits === null ? undefined : ((await this.d.accounts.key(account.id)) ?? undefined);
      const window = { pastMs: account.windowPastS * 1000, futureMs: account.windowFutureS * 1000 };
      policy = key ? { key, window } : { window };
    }
    const v = dc09Receive(raw, { now, random, account: () => policy });
    if (v.kind === 'ignore') return null;
    if (v.kind === 'nak') {
      const reason = v.reason === 'frame' && v.error ? v.error.code : v.reason;
      return this.refuse(raw, peer, reason, 'NAK', v.answer, v.frame?.account ?? null);
    }
    if (v.kind === 'duh') return this.refuse(raw, peer, v.error.code, 'DUH', v.answer, v.frame.account);
    const a = account;
    if (!a) return null; // the engine ACKs only a known account
    const m = v.message;
    if (m.token === 'NULL') {
      await this.d.sink.heartbeat(a.gatewayId, a.homeId, a.supervisionS, now);
      return this.ack(v.answer, 'null');
    }
    if (await this.d.accounts.isDuplicate(a.id, m.sequence, repeatDigest(m), now))
      return this.ack(v.answer, 'duplicate');
    await this.take(a, m, inboundEvents(v, m.encrypted), now);
    return this.ack(v.answer, 'event');
  }

  /** Stores the message's events (and the sequence) in one transaction; announces them after. */
  private async take(
    a: InAccount,
    m: Dc09Message,
    events: readonly InboundEvent[],
    now: number,
  ): Promise<void> {
    const envelopes: EventEnvelope[] = [];
    const rows = events.map((e, i) => {
      const id = e.mapped ? eventId(a, m, i, now) : null;
      if (e.mapped && id)
        envelopes.push({
          v: 1,
          id,
          gatewayId: a.gatewayId,
          deviceId: e.mapped.deviceKind === 'gateway' ? a.gatewayId : `${a.gatewayId}-z${e.zone ?? '0'}`,
          deviceKind: e.mapped.deviceKind,
          kind: e.mapped.kind,
          priority: e.mapped.priority,
          deviceTime: m.timestamp ?? null,
          receivedAt: now,
          seq: m.sequence,
          data: e.mapped.data,
        } as EventEnvelope);
      return {
        accountId: a.id,
        homeId: a.homeId,
        seq: m.sequence,
        content: m.token,
        code: e.code,
        zone: e.zone,
        mapped: e.mapped ? `${e.mapped.deviceKind}/${e.mapped.kind}` : null,
        eventId: id,
        messageAt: m.timestamp ?? null,
        receivedAt: now,
      };
    });
    await this.d.sink.commit(a.homeId, envelopes, async (tx) => {
      const s = this.d.storesOn(tx);
      for (const r of rows) await s.log.addEvent(r);
      await s.accounts.accepted(a.id, m.sequence, repeatDigest(m), now);
    });
    // a periodic test is the unit's heartbeat [docs/alarm-centre.md §In]; so is any message
    await this.d.sink.heartbeat(a.gatewayId, a.homeId, a.supervisionS, now);
  }

  private ack(answer: Uint8Array, reason: string): Uint8Array {
    this.d.count?.('ACK', reason);
    return answer;
  }

  /** Keeps the refused frame (bounded) and returns the engine's NAK (with our time) or DUH. */
  private async refuse(
    raw: Uint8Array,
    peer: Peer,
    reason: string,
    kind: 'NAK' | 'DUH',
    answer: Uint8Array,
    account: string | null,
  ): Promise<Uint8Array | null> {
    this.d.count?.(kind, reason);
    try {
      await this.d.log.reject({
        at: this.d.clock.now(),
        peer: peer.address,
        transport: peer.transport,
        reason,
        answer: kind,
        account: account === '' ? null : account,
        raw: printable(raw),
      });
    } catch (err) {
      this.d.logger.error({ err }, 'could not keep a refused DC-09 frame');
    }
    this.d.logger.warn({ peer: peer.address, reason, answer: kind, account }, 'DC-09 message refused');
    return answer.length > 0 ? answer : null;
  }
}

/** What makes a message the same message when its sequence number repeats: its token and data. */
function repeatDigest(m: Dc09Message): string {
  const ext = m.extended.map((x) => `${x.id}${x.value}`).join('\u0001');
  return createHash('sha256').update(`${m.token}\u0000${m.data}\u0000${ext}`).digest('base64url');
}
