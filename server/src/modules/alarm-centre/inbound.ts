import { randomBytes } from 'node:crypto';
import {
  type Dc09Frame,
  type Dc09Message,
  dc09Ack,
  dc09CheckWindow,
  dc09DecodeFrame,
  dc09Duh,
  dc09Nak,
  dc09OpenFrame,
  type EventEnvelope,
} from '@baken/protocols';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../clock.js';
import { type InboundEvent, readContent } from './content.js';
import type { InAccount, InAccounts } from './in-accounts.js';
import { type InLog, printable } from './in-log.js';
import type { InboundSink } from './inbound-sink.js';

export interface Peer {
  address: string;
  transport: 'tcp' | 'udp';
}

export interface InboundDeps {
  accounts: InAccounts;
  log: InLog;
  sink: InboundSink;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** Counts every answer by kind and reason (metrics). */
  count?: (answer: 'ACK' | 'NAK' | 'DUH', reason: string) => void;
}

const random = (n: number) => new Uint8Array(randomBytes(n));

/** Baken's event id for one event of one received message: stable across retransmissions. */
const eventId = (a: InAccount, m: Dc09Message, i: number) =>
  `dc09-${a.gatewayId}-${m.sequence}-${m.timestamp ?? 0}-${i}`;

/**
 * Baken as a DC-09 receiver [docs/alarm-centre.md §In]: one frame in, one answer out (or none).
 * Strict where safety needs it — a key account accepts only encrypted frames; the timestamp must be
 * inside the account's window, else NAK with our time so the unit can correct its clock; an
 * unknown account or content we cannot read is refused with DUH. Tolerant where panels differ —
 * accounts that are not hex, `NULL` polls plain or encrypted, unknown event codes stored and shown
 * (ACKed, not DUH'd). Nothing a peer sends can throw out of {@link handle}; every refusal is kept
 * with its raw bytes. An ACK goes out only after the events are committed.
 */
export class InboundHandler {
  constructor(private readonly d: InboundDeps) {}

  handle(raw: Uint8Array, peer: Peer): Uint8Array | null {
    try {
      return this.answer(raw, peer);
    } catch (err) {
      // a store failure: nothing was committed, so no ACK; the unit sends again
      this.d.logger.error({ err, peer: peer.address }, 'DC-09 message could not be stored');
      return this.refuse(raw, peer, 'store_error', 'NAK', null);
    }
  }

  private answer(raw: Uint8Array, peer: Peer): Uint8Array | null {
    const now = this.d.clock.now();
    const framed = dc09DecodeFrame(raw);
    if (!framed.ok) return this.refuse(raw, peer, framed.error.code, 'NAK', null);
    const f = framed.value;
    const account = this.d.accounts.find(f.account, f.receiver, f.line);
    if (!account) return this.refuse(raw, peer, 'unknown_account', 'DUH', f);
    const key = account.keyBits === null ? undefined : (this.d.accounts.key(account.id) ?? undefined);
    if (key && !f.encrypted) return this.refuse(raw, peer, 'not_encrypted', 'DUH', f);
    const opened = dc09OpenFrame(f, key);
    if (!opened.ok) return this.refuse(raw, peer, opened.error.code, 'DUH', f);
    const m = opened.value;
    const window = { pastMs: account.windowPastS * 1000, futureMs: account.windowFutureS * 1000 };
    const verdict = dc09CheckWindow(m.timestamp, now, window, f.encrypted);
    if (!verdict.ok) return this.refuse(raw, peer, `timestamp_${verdict.reason}`, 'NAK', f);
    if (m.token === 'NULL') {
      this.d.sink.heartbeat(account.gatewayId, account.homeId, account.supervisionS, now);
      return this.ack(m, key, now, 'null');
    }
    if (m.token !== 'SIA-DCS' && m.token !== 'ADM-CID')
      return this.refuse(raw, peer, `token_${m.token}`, 'DUH', f);
    if (this.d.accounts.isDuplicate(account.id, m.sequence, now)) return this.ack(m, key, now, 'duplicate');
    const content = readContent(m.token, m.data, f.encrypted);
    if (!content.ok) return this.refuse(raw, peer, content.error, 'DUH', f);
    this.take(account, m, content.value, now);
    return this.ack(m, key, now, 'event');
  }

  /** Stores the message's events (and the sequence) in one transaction; announces them after. */
  private take(a: InAccount, m: Dc09Message, events: readonly InboundEvent[], now: number): void {
    const envelopes: EventEnvelope[] = [];
    const rows = events.map((e, i) => {
      const id = e.mapped ? eventId(a, m, i) : null;
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
    this.d.sink.commit(a.homeId, envelopes, () => {
      for (const r of rows) this.d.log.addEvent(r);
      this.d.accounts.accepted(a.id, m.sequence, now);
    });
    // a periodic test is the unit's heartbeat [docs/alarm-centre.md §In]; so is any message
    this.d.sink.heartbeat(a.gatewayId, a.homeId, a.supervisionS, now);
  }

  private ack(m: Dc09Message, key: Uint8Array | undefined, now: number, reason: string): Uint8Array | null {
    this.d.count?.('ACK', reason);
    const r = dc09Ack(m, { now, key, random });
    return r.ok ? r.value : null;
  }

  /** Keeps the refused frame and answers NAK (with our time) or DUH (echoing the header when read). */
  private refuse(raw: Uint8Array, peer: Peer, reason: string, answer: 'NAK' | 'DUH', f: Dc09Frame | null) {
    const now = this.d.clock.now();
    // a DUH needs the header it echoes; without one the only answer is a NAK
    const kind = answer === 'DUH' && f === null ? 'NAK' : answer;
    this.d.count?.(kind, reason);
    try {
      this.d.log.reject({
        at: now,
        peer: peer.address,
        transport: peer.transport,
        reason,
        answer: kind,
        account: f?.account ?? null,
        raw: printable(raw),
      });
    } catch (err) {
      this.d.logger.error({ err }, 'could not keep a refused DC-09 frame');
    }
    this.d.logger.warn(
      { peer: peer.address, reason, answer: kind, account: f?.account },
      'DC-09 message refused',
    );
    const r = kind === 'DUH' && f !== null ? dc09Duh({ ...f, encrypted: false }) : dc09Nak(now);
    return r.ok ? r.value : null;
  }
}
