import { randomBytes } from 'node:crypto';
import { type Dc09Message, dc09Encode, dc09ReadReply } from '@baken/protocols';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock, TimerHandle } from '../../clock.js';
import { type Endpoint, type ExchangeResult, exchange as realExchange } from './client-transport.js';
import type { OutAccount, OutAccounts, OutReceiver } from './out-account-store.js';
import type { OutboxEntry, OutboxStore } from './outbox-store.js';

export interface SenderPolicy {
  /** How long to wait for the centre's answer to one frame. */
  ackTimeoutMs: number;
  /** Pause before trying again after a timeout or NAK. */
  retryDelayMs: number;
  /** Failed tries on one receiver before moving to the next (the backup). */
  attemptsPerReceiver: number;
}

/** The link to an account's centre as the sender last saw it (the API shows it). */
export interface LinkStatus {
  accountId: string;
  /** null before the first answer of this run. */
  up: boolean | null;
  receiverId: string | null;
  lastAckAt: number | null;
  lastFailureAt: number | null;
  lastFailure: string | null;
  /** Centre clock minus ours, from its last NAK; added to every timestamp we send. */
  clockOffsetMs: number;
  /** DUH answers this run: the centre refused a message; staff must look. */
  refused: number;
}

export interface SenderDeps {
  accounts: OutAccounts;
  outbox: OutboxStore;
  clock: Clock;
  log: FastifyBaseLogger;
  policy: SenderPolicy;
  exchange?: (
    clock: Clock,
    to: Endpoint,
    frame: Uint8Array,
    timeoutMs: number,
    signal?: AbortSignal,
  ) => Promise<ExchangeResult>;
  /**
   * Told what became of each try of a queued message: ACK (`delivered`), DUH (`refused`), or a failed
   * try (`failed`, with `nextReceiver` when the sender moves on to the next receiver).
   */
  onDelivery?: (d: DeliveryNote) => void;
  /** Called when the centre refuses a message (DUH) or a supervision poll goes unanswered. */
  onAlert?: (a: { accountId: string; kind: 'refused' | 'link_down' | 'link_up'; detail: string }) => void;
}

/** One try of one message, as told to {@link SenderDeps.onDelivery}. */
export interface DeliveryNote {
  entry: OutboxEntry;
  state: 'delivered' | 'refused' | 'failed';
  /** `host:port/transport` of the receiver tried. */
  receiver: string;
  /** On a failover: the receiver the next try goes to. */
  nextReceiver: string | null;
  error: string | null;
  at: number;
}

const where = (r: OutReceiver) => `${r.host}:${r.port}/${r.transport}`;

interface AccountRun {
  busy: boolean;
  again: boolean;
  receiverIdx: number;
  /** When the sender last moved off the primary; it tries the primary again after a while. */
  failedOverAt: number | null;
  failures: number;
  retryTimer: TimerHandle | null;
  superTimer: TimerHandle | null;
  status: LinkStatus;
}

/** The message for an account; the timestamp is set at each try (the centre checks it). */
function message(a: OutAccount, token: Dc09Message['token'], sequence: number, data: string): Dc09Message {
  return {
    token,
    encrypted: a.keyBits !== null,
    sequence,
    ...(a.receiver === null ? {} : { receiver: a.receiver }),
    line: a.line ?? '0',
    account: a.account,
    data,
    extended: [],
  };
}

/** How long the sender stays on a backup before it tries the primary again. */
export const PRIMARY_RETRY_MS = 10 * 60_000;

type Outcome = { kind: 'ack' } | { kind: 'duh' } | { kind: 'fail'; error: string };

/**
 * Delivers the outbound queue to the alarm centres [docs/alarm-centre.md §Out]: per account one
 * message in flight, oldest first, each with its sequence number fixed at enqueue; delivered only
 * on the centre's ACK. A NAK carrying the centre's time corrects our clock and is retried at once;
 * timeouts and other NAKs are retried after a pause and, after `attemptsPerReceiver` tries, on the
 * next receiver (the backup), round the list. DUH marks the message refused and alerts; it is not
 * sent again. Supervision `NULL` messages go out every `supervisionS` seconds when the link is idle.
 */
export class Dc09Sender {
  private readonly runs = new Map<string, AccountRun>();
  /** Until {@link start}: only the instance holding the sender's role sends. */
  private stopped = true;
  private abort = new AbortController();
  private readonly exchange;

  constructor(private readonly d: SenderDeps) {
    this.exchange = d.exchange ?? realExchange;
  }

  start(): void {
    this.stopped = false;
    this.abort = new AbortController();
    void this.d.accounts.all().then(
      (all) => {
        for (const a of all) void this.configure(a.id);
      },
      (err) => this.d.log.error({ err }, 'alarm-centre sender could not read its accounts'),
    );
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    for (const r of this.runs.values()) {
      if (r.retryTimer) this.d.clock.clearTimeout(r.retryTimer);
      if (r.superTimer) this.d.clock.clearInterval(r.superTimer);
    }
    this.runs.clear();
  }

  /** (Re)reads an account after the API changed it and sends what is pending. Never rejects. */
  async configure(accountId: string): Promise<void> {
    if (this.stopped) return;
    let a: OutAccount | null;
    try {
      a = await this.d.accounts.get(accountId);
    } catch (err) {
      this.d.log.error({ err, accountId }, 'alarm-centre sender could not read an account');
      return;
    }
    if (this.stopped) return;
    const run = this.run(accountId);
    if (run.superTimer) this.d.clock.clearInterval(run.superTimer);
    run.superTimer = null;
    if (!a) {
      if (run.retryTimer) this.d.clock.clearTimeout(run.retryTimer);
      this.runs.delete(accountId);
      return;
    }
    if (a.supervisionS > 0)
      run.superTimer = this.d.clock.setInterval(() => void this.supervise(a.id), a.supervisionS * 1000);
    this.kick(accountId);
  }

  status(accountId: string): LinkStatus | null {
    return this.runs.get(accountId)?.status ?? null;
  }

  /** Something was queued (or a retry is due): send until the queue is empty or a try fails. */
  kick(accountId: string): void {
    if (this.stopped) return;
    const run = this.run(accountId);
    if (run.busy) {
      run.again = true;
      return;
    }
    void this.drain(accountId, run);
  }

  private run(accountId: string): AccountRun {
    let r = this.runs.get(accountId);
    if (!r) {
      r = {
        busy: false,
        again: false,
        receiverIdx: 0,
        failedOverAt: null,
        failures: 0,
        retryTimer: null,
        superTimer: null,
        status: {
          accountId,
          up: null,
          receiverId: null,
          lastAckAt: null,
          lastFailureAt: null,
          lastFailure: null,
          clockOffsetMs: 0,
          refused: 0,
        },
      };
      this.runs.set(accountId, r);
    }
    return r;
  }

  private async drain(accountId: string, run: AccountRun): Promise<void> {
    run.busy = true;
    try {
      for (;;) {
        run.again = false;
        if (this.stopped || this.runs.get(accountId) !== run) return;
        if (run.retryTimer) return; // a retry is scheduled: the queue waits for it
        const entry = await this.d.outbox.nextPending(accountId);
        if (!entry) {
          if (!run.again) return;
          continue;
        }
        const account = await this.d.accounts.get(accountId);
        if (!account) return;
        const ok = await this.deliver(account, run, entry);
        if (!ok) return;
      }
    } catch (err) {
      this.d.log.error({ err, accountId }, 'alarm-centre sender failed');
    } finally {
      run.busy = false;
    }
  }

  /** One message until it is settled or a retry is scheduled; true when settled. */
  private async deliver(a: OutAccount, run: AccountRun, entry: OutboxEntry): Promise<boolean> {
    const msg = message(a, entry.content, entry.seq, entry.data);
    for (let corrected = false; ; ) {
      const r = await this.receiver(a, run);
      if (!r) {
        this.scheduleRetry(a.id, run);
        return false;
      }
      const out = await this.send(a, run, r, msg);
      if (out.kind === 'ack' || out.kind === 'duh') {
        const at = this.d.clock.now();
        await this.d.outbox.settle(
          entry.id,
          out.kind === 'ack' ? 'delivered' : 'refused',
          at,
          r.id,
          out.kind === 'duh' ? 'DUH' : null,
        );
        if (out.kind === 'duh') {
          run.status.refused++;
          this.d.log.error(
            { accountId: a.id, seq: entry.seq, kind: entry.kind },
            'alarm centre refused a message (DUH)',
          );
          this.d.onAlert?.({ accountId: a.id, kind: 'refused', detail: `${entry.kind} seq ${entry.seq}` });
        }
        this.note(entry, out.kind === 'ack' ? 'delivered' : 'refused', r, null, null, at);
        return true;
      }
      await this.d.outbox.attempted(entry.id, this.d.clock.now(), out.error, r.id);
      if (out.error === 'nak_clock' && !corrected) {
        corrected = true;
        continue;
      }
      const movedOn = this.failed(a, run, out.error);
      const next = movedOn ? await this.receiver(a, run) : undefined;
      this.note((await this.d.outbox.get(entry.id)) ?? entry, 'failed', r, next ?? null, out.error);
      this.scheduleRetry(a.id, run);
      return false;
    }
  }

  private note(
    entry: OutboxEntry,
    state: DeliveryNote['state'],
    r: OutReceiver,
    next: OutReceiver | null,
    error: string | null,
    at = this.d.clock.now(),
  ): void {
    try {
      this.d.onDelivery?.({
        entry,
        state,
        receiver: where(r),
        nextReceiver: next ? where(next) : null,
        error,
        at,
      });
    } catch (err) {
      this.d.log.error({ err, accountId: entry.accountId }, 'alarm-centre delivery listener failed');
    }
  }

  private async receiver(a: OutAccount, run: AccountRun): Promise<OutReceiver | undefined> {
    const list = await this.d.accounts.receivers(a.id);
    if (list.length === 0) return undefined;
    const now = this.d.clock.now();
    // back to the primary once it has had time to recover [docs/alarm-centre.md §Out]
    if (
      run.receiverIdx % list.length !== 0 &&
      run.failedOverAt !== null &&
      now - run.failedOverAt >= PRIMARY_RETRY_MS
    ) {
      run.receiverIdx = 0;
      run.failures = 0;
      run.failedOverAt = null;
    }
    return list[run.receiverIdx % list.length];
  }

  /** Sends one frame to `r` and reads the answer; a NAK with a timestamp corrects the offset. */
  private async send(a: OutAccount, run: AccountRun, r: OutReceiver, m: Dc09Message): Promise<Outcome> {
    const key = a.keyBits === null ? undefined : ((await this.d.accounts.key(a.id)) ?? undefined);
    const frame = dc09Encode(
      { ...m, timestamp: this.d.clock.now() + run.status.clockOffsetMs },
      { key, random: (n) => new Uint8Array(randomBytes(n)) },
    );
    if (!frame.ok) return { kind: 'fail', error: `encode:${frame.error.code}` };
    const res = await this.exchange(
      this.d.clock,
      r,
      frame.value,
      this.d.policy.ackTimeoutMs,
      this.abort.signal,
    );
    run.status.receiverId = r.id;
    if (!res.ok) return { kind: 'fail', error: res.error };
    const reply = dc09ReadReply(res.reply, m, key);
    if (!reply.ok) return { kind: 'fail', error: `bad_reply:${reply.error.code}` };
    const v = reply.value;
    if (v.kind === 'ack' || v.kind === 'duh') {
      this.linkUp(a, run);
      return v.kind === 'ack' ? { kind: 'ack' } : { kind: 'duh' };
    }
    if (v.timestamp !== undefined) {
      const offset = v.timestamp - this.d.clock.now();
      // [DC09 SPEC] the NAK carries the receiver's time: a refusal for our timestamp, not the link.
      if (Math.abs(offset - run.status.clockOffsetMs) > 1000) {
        this.d.log.warn({ accountId: a.id, offsetMs: offset }, 'alarm centre clock differs; correcting');
        run.status.clockOffsetMs = offset;
        return { kind: 'fail', error: 'nak_clock' };
      }
    }
    return { kind: 'fail', error: 'nak' };
  }

  private linkUp(a: OutAccount, run: AccountRun): void {
    const wasDown = run.status.up === false;
    run.status.up = true;
    run.status.lastAckAt = this.d.clock.now();
    run.failures = 0;
    if (wasDown) this.d.onAlert?.({ accountId: a.id, kind: 'link_up', detail: run.status.receiverId ?? '' });
  }

  /** Counts a failed try; true when the sender moved on to the next receiver. */
  private failed(a: OutAccount, run: AccountRun, error: string): boolean {
    run.status.lastFailureAt = this.d.clock.now();
    run.status.lastFailure = error;
    run.failures++;
    if (run.failures >= this.d.policy.attemptsPerReceiver) {
      run.failures = 0;
      run.receiverIdx++;
      run.failedOverAt = this.d.clock.now();
      const wasUp = run.status.up !== false;
      run.status.up = false;
      this.d.log.warn({ accountId: a.id, error }, 'alarm centre receiver not answering; trying the next');
      if (wasUp) this.d.onAlert?.({ accountId: a.id, kind: 'link_down', detail: error });
      return true;
    }
    return false;
  }

  private scheduleRetry(accountId: string, run: AccountRun): void {
    if (run.retryTimer || this.stopped) return;
    run.retryTimer = this.d.clock.setTimeout(() => {
      run.retryTimer = null;
      this.kick(accountId);
    }, this.d.policy.retryDelayMs);
  }

  /** A supervision `NULL` when nothing else is in flight [DC09 SPEC]. */
  private async supervise(accountId: string): Promise<void> {
    const run = this.runs.get(accountId);
    if (!run || run.busy || this.stopped) return;
    run.busy = true;
    try {
      const a = await this.d.accounts.get(accountId);
      if (!a || this.stopped) return;
      if (await this.d.outbox.nextPending(accountId)) {
        run.again = true;
        return;
      }
      const r = await this.receiver(a, run);
      if (!r) return;
      const seq = await this.d.accounts.takeSeq(a.id);
      if (seq === null) return;
      const msg = message(a, 'NULL', seq, '');
      let out = await this.send(a, run, r, msg);
      if (out.kind === 'fail' && out.error === 'nak_clock') out = await this.send(a, run, r, msg);
      if (out.kind === 'fail') this.failed(a, run, out.error);
    } catch (err) {
      this.d.log.error({ err, accountId }, 'alarm-centre supervision failed');
    } finally {
      run.busy = false;
    }
    if (run.again) this.kick(accountId);
  }
}
