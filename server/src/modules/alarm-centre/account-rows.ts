import { DUPLICATE_WINDOW_MS, type InAccount } from './in-account-store.js';
import type { ContentFormat, OutAccount } from './out-account-store.js';
import { type KeyBits, keyBits, type SecretBox } from './secret-box.js';

/**
 * The rows of the alarm-centre accounts as both bindings read them (store README, "Rows"): the
 * column lists use quoted aliases, which SQLite and PostgreSQL read alike.
 */
export interface OutAccountRow {
  id: string;
  home_id: string;
  receiver: string | null;
  line: string | null;
  account: string;
  key_bits: number | null;
  content: ContentFormat;
  supervision_s: number;
  created_at: number;
  updated_at: number;
}

export const OUT_ACCOUNT_COLUMNS =
  'id, home_id, receiver, line, account, key_bits, content, supervision_s, created_at, updated_at';

export const toOutAccount = (r: OutAccountRow): OutAccount => ({
  id: r.id,
  homeId: r.home_id,
  receiver: r.receiver,
  line: r.line,
  account: r.account,
  keyBits: r.key_bits as KeyBits | null,
  content: r.content,
  supervisionS: r.supervision_s,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const OUT_RECEIVER_COLUMNS = 'id, account_id AS "accountId", priority, host, port, transport';

export const IN_ACCOUNT_COLUMNS = `id, home_id AS "homeId", gateway_id AS "gatewayId", receiver, line, account,
  key_bits AS "keyBits", window_past_s AS "windowPastS", window_future_s AS "windowFutureS",
  supervision_s AS "supervisionS", created_at AS "createdAt"`;

export const IN_EVENT_COLUMNS = `id, account_id AS "accountId", home_id AS "homeId", seq, content, code, zone,
  mapped, event_id AS "eventId", message_at AS "messageAt", received_at AS "receivedAt"`;

/** A key as stored: sealed under the master key and bound to its account (the AAD), with its size. */
export function sealedKey(
  box: SecretBox,
  aad: string,
  key: Uint8Array | null,
): { sealed: string | null; bits: KeyBits | null } {
  return key === null ? { sealed: null, bits: null } : { sealed: box.seal(aad, key), bits: keyBits(key) };
}

export const outKeyAad = (accountId: string) => `dc09-out/${accountId}`;
export const inKeyAad = (accountId: string) => `dc09-in/${accountId}`;

/**
 * The account a frame names among those with its number [DC09 SPEC §2.4]: the exact receiver/line
 * match (without ASCII case) first, else one registered without the prefix the frame leaves out.
 */
export function pickInAccount(
  rows: readonly InAccount[],
  receiver: string | undefined,
  line: string | undefined,
): InAccount | null {
  const eq = (a: string | null, b: string | undefined) =>
    a === null || (b !== undefined && a.toUpperCase() === b.toUpperCase());
  const exact = rows.find(
    (r) =>
      r.receiver?.toUpperCase() === receiver?.toUpperCase() && r.line?.toUpperCase() === line?.toUpperCase(),
  );
  return exact ?? rows.find((r) => eq(r.receiver, receiver) && eq(r.line, line)) ?? null;
}

/** The account's last accepted message, as both bindings read it. */
export interface LastAccepted {
  last_seq: number | null;
  last_seq_at: number | null;
  last_digest: string | null;
}

/** Whether `seq`/`digest` repeats the last accepted message within the duplicate window. */
export function isRepeat(r: LastAccepted | undefined, seq: number, digest: string, now: number): boolean {
  return (
    r?.last_seq === seq &&
    r.last_digest === digest &&
    r.last_seq_at !== null &&
    now - r.last_seq_at <= DUPLICATE_WINDOW_MS
  );
}
