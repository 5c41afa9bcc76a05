import type { KeyBits } from './secret-box.js';

export type ContentFormat = 'ADM-CID' | 'SIA-DCS';
export type Transport = 'tcp' | 'udp';

/** A home's account at its alarm centre [docs/alarm-centre.md §Out]. The key never leaves as text. */
export interface OutAccount {
  id: string;
  homeId: string;
  receiver: string | null;
  line: string | null;
  account: string;
  keyBits: KeyBits | null;
  content: ContentFormat;
  /** Seconds between supervision `NULL` messages; 0 = none. */
  supervisionS: number;
  createdAt: number;
  updatedAt: number;
}

/** A centre's receiver; priority 0 is the primary, higher numbers the backups in order. */
export interface OutReceiver {
  id: string;
  accountId: string;
  priority: number;
  host: string;
  port: number;
  transport: Transport;
}

export interface OutAccountInput {
  receiver: string | null;
  line: string | null;
  account: string;
  /** The AES key in clear (16, 24 or 32 bytes), sealed before it is stored; null = plain DC-09. */
  key: Uint8Array | null;
  content: ContentFormat;
  supervisionS: number;
  receivers: Array<Omit<OutReceiver, 'id' | 'accountId' | 'priority'>>;
}

/** DC-09 sequence numbers run 0001…9999 and wrap to 0001 [DC09 SPEC]. */
export const nextSeq = (seq: number): number => (seq >= 9999 ? 1 : seq + 1);

/**
 * Outbound accounts and their receivers (`dc09_out_accounts`, `dc09_out_receivers`). Keys are
 * stored sealed under the server's master key, bound to the account (`dc09-out/<id>`), and handed
 * out in clear only by {@link OutAccounts.key}, for the sender. Bindings: SQLite
 * (`sqlite-out-accounts.ts`) and PostgreSQL (`pg-out-accounts.ts`), built by `outAccountsOn`; the
 * contract is `testing/out-accounts-contract.ts`.
 */
export interface OutAccounts {
  /**
   * Creates or replaces the home's account and its receivers in one step; keeps the account's id,
   * creation time and sequence counter. Two at once for one home leave one account.
   */
  put(homeId: string, input: OutAccountInput, now: number): Promise<OutAccount>;
  byHome(homeId: string): Promise<OutAccount | null>;
  /** The accounts of the homes among `homeIds`, by home (one read for an ingest turn's homes). */
  byHomes(homeIds: readonly string[]): Promise<Map<string, OutAccount>>;
  get(id: string): Promise<OutAccount | null>;
  /** Every account, oldest first. */
  all(): Promise<OutAccount[]>;
  /** Removes the home's account (its receivers and queue with it); true when there was one. */
  remove(homeId: string): Promise<boolean>;
  /** The account's receivers by priority. */
  receivers(accountId: string): Promise<OutReceiver[]>;
  /** The account's AES key in clear, for the sender only; null for a plain account. */
  key(accountId: string): Promise<Uint8Array | null>;
  /**
   * Takes the account's next sequence number (one statement: two callers never get the same
   * number); null when the account is gone. Inside the enqueue transaction for a queued message.
   */
  takeSeq(accountId: string): Promise<number | null>;
}
