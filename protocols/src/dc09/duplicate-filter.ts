/**
 * Duplicate suppression for a DC-09 receiver — [DC09 SPEC §4.4]. A sender repeats a message with the
 * same sequence number when it did not get the ACK; the receiver ACKs the repeat again but must not
 * raise the event twice. A message is a repeat when account, token, sequence and data block all
 * match one accepted within `windowMs` (the data is compared so that a sequence number reused after
 * wrapping, or after a sender restart, is not mistaken for a repeat). Pure: `now` is an argument.
 */
export interface Dc09DuplicateFilterOptions {
  /** How long an accepted message is remembered (default 10 minutes). */
  windowMs?: number;
  /** Remembered messages per account; the oldest is forgotten first (default 64). */
  perAccount?: number;
}

interface Seen {
  key: string;
  at: number;
}

export class Dc09DuplicateFilter {
  private readonly windowMs: number;
  private readonly perAccount: number;
  private readonly accounts = new Map<string, Seen[]>();

  constructor(options: Dc09DuplicateFilterOptions = {}) {
    this.windowMs = options.windowMs ?? 600_000;
    this.perAccount = options.perAccount ?? 64;
  }

  /** Records the message and says whether it repeats one seen within the window. */
  check(
    m: { account: string; token: string; sequence: number; data: string },
    now: number,
  ): 'new' | 'repeat' {
    const key = `${m.token}\u0000${m.sequence}\u0000${m.data}`;
    const list = (this.accounts.get(m.account) ?? []).filter(
      (s) => now - s.at <= this.windowMs && s.at <= now,
    );
    const repeat = list.some((s) => s.key === key);
    if (!repeat) {
      list.push({ key, at: now });
      if (list.length > this.perAccount) list.shift();
    }
    this.accounts.set(m.account, list);
    return repeat ? 'repeat' : 'new';
  }

  /** Accounts with remembered messages (for tests and metrics). */
  get size(): number {
    return this.accounts.size;
  }
}
