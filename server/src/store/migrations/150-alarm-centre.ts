import type { Migration } from './index.js';

/**
 * The alarm-centre link [docs/alarm-centre.md]: per home one outbound DC-09 account with its
 * receivers and a persisted outbound queue (a message leaves it only on the centre's ACK), and the
 * inbound accounts of third-party home units with what they sent and what was refused (bounded).
 * AES keys are stored sealed under the server's master key, never in clear.
 */
export const m150AlarmCentre: Migration = {
  version: 150,
  name: 'alarm-centre',
  up: `
CREATE TABLE dc09_out_accounts (
  id TEXT PRIMARY KEY,
  home_id TEXT NOT NULL UNIQUE REFERENCES homes(id) ON DELETE CASCADE,
  receiver TEXT,
  line TEXT,
  account TEXT NOT NULL,
  key_sealed TEXT,
  key_bits INTEGER CHECK (key_bits IS NULL OR key_bits IN (128, 192, 256)),
  content TEXT NOT NULL CHECK (content IN ('ADM-CID', 'SIA-DCS')),
  supervision_s INTEGER NOT NULL DEFAULT 0,
  next_seq INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE dc09_out_receivers (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES dc09_out_accounts(id) ON DELETE CASCADE,
  priority INTEGER NOT NULL,
  host TEXT NOT NULL,
  port INTEGER NOT NULL,
  transport TEXT NOT NULL CHECK (transport IN ('tcp', 'udp')),
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, priority)
);

CREATE TABLE dc09_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL REFERENCES dc09_out_accounts(id) ON DELETE CASCADE,
  home_id TEXT NOT NULL,
  source_key TEXT NOT NULL,
  event_id TEXT,
  kind TEXT NOT NULL,
  seq INTEGER NOT NULL,
  content TEXT NOT NULL,
  data TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'refused')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_attempt_at INTEGER,
  last_error TEXT,
  receiver_id TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  UNIQUE (account_id, source_key)
);
CREATE INDEX dc09_outbox_pending ON dc09_outbox(state, account_id, id);
CREATE INDEX dc09_outbox_event ON dc09_outbox(event_id);

CREATE TABLE dc09_in_accounts (
  id TEXT PRIMARY KEY,
  home_id TEXT NOT NULL REFERENCES homes(id) ON DELETE CASCADE,
  gateway_id TEXT NOT NULL UNIQUE,
  receiver TEXT,
  line TEXT,
  account TEXT NOT NULL,
  key_sealed TEXT,
  key_bits INTEGER CHECK (key_bits IS NULL OR key_bits IN (128, 192, 256)),
  window_past_s INTEGER NOT NULL,
  window_future_s INTEGER NOT NULL,
  supervision_s INTEGER NOT NULL,
  last_seq INTEGER,
  last_seq_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account, receiver, line)
);

CREATE TABLE dc09_in_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL REFERENCES dc09_in_accounts(id) ON DELETE CASCADE,
  home_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  content TEXT NOT NULL,
  code TEXT NOT NULL,
  zone TEXT,
  mapped TEXT,
  event_id TEXT,
  message_at INTEGER,
  received_at INTEGER NOT NULL
);
CREATE INDEX dc09_in_events_account ON dc09_in_events(account_id, received_at);

CREATE TABLE dc09_rejected (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  peer TEXT NOT NULL,
  transport TEXT NOT NULL,
  reason TEXT NOT NULL,
  answer TEXT NOT NULL,
  account TEXT,
  raw TEXT NOT NULL
);
`,
};
