import type { KeyBits } from './secret-box.js';

/**
 * A third-party home unit that reports to Baken's DC-09 receiver [docs/alarm-centre.md §In]. It is
 * a home unit like Baken's own: `gatewayId` names it in events, health and incidents.
 */
export interface InAccount {
  id: string;
  homeId: string;
  gatewayId: string;
  receiver: string | null;
  line: string | null;
  account: string;
  keyBits: KeyBits | null;
  /** The accepted timestamp window around our clock [DC09 SPEC §5]. */
  windowPastS: number;
  windowFutureS: number;
  /** The unit's supervision/test interval: silent longer than this (with grace) is an incident. */
  supervisionS: number;
  createdAt: number;
}

export interface InAccountInput {
  homeId: string;
  gatewayId: string;
  receiver: string | null;
  line: string | null;
  account: string;
  /** The AES key in clear, sealed before it is stored; null = plain DC-09. */
  key: Uint8Array | null;
  windowPastS: number;
  windowFutureS: number;
  supervisionS: number;
}

export interface InAccountPatch {
  /** A new key (null: plain); absent keeps the key. */
  key?: Uint8Array | null;
  windowPastS?: number;
  windowFutureS?: number;
  supervisionS?: number;
}

/** How long a sequence number counts as "just seen": a repeat within it is a retransmission. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

/**
 * Inbound accounts (`dc09_in_accounts`), keyed by account number and optional receiver/line. Keys
 * are stored sealed, bound to the account (`dc09-in/<id>`). Bindings: SQLite
 * (`sqlite-in-accounts.ts`) and PostgreSQL (`pg-in-accounts.ts`), built by `inAccountsOn`; the
 * contract is `testing/in-accounts-contract.ts`.
 */
export interface InAccounts {
  /** Registers a unit; a taken gateway id or account (with receiver and line) is the driver's unique violation. */
  create(input: InAccountInput, now: number): Promise<InAccount>;
  /** Changes the key, the timestamp window or the supervision interval (one statement); null when unknown. */
  update(id: string, p: InAccountPatch, now: number): Promise<InAccount | null>;
  get(id: string): Promise<InAccount | null>;
  /** Every unit, oldest first. */
  all(): Promise<InAccount[]>;
  remove(id: string): Promise<boolean>;
  /** Whether an account with this number (and receiver/line, null matching null) exists already. */
  exists(account: string, receiver: string | null, line: string | null): Promise<boolean>;
  /**
   * The account a frame names, the number compared without ASCII case: the exact receiver/line
   * match first, else one registered without receiver or line (panels differ in which prefixes
   * they send) [DC09 SPEC §2.4].
   */
  find(account: string, receiver: string | undefined, line: string | undefined): Promise<InAccount | null>;
  /** The unit's AES key in clear, for the receiver only; null for a plain unit. */
  key(id: string): Promise<Uint8Array | null>;
  /**
   * True when the message repeats the account's last accepted one within the duplicate window: the
   * same sequence number and the same content (`digest` of token and data). A new message under a
   * reused sequence number is not a repeat.
   */
  isDuplicate(id: string, seq: number, digest: string, now: number): Promise<boolean>;
  /** Remembers the last accepted message (in the transaction that stores its events). */
  accepted(id: string, seq: number, digest: string, now: number): Promise<void>;
}
