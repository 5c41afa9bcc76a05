import type { PgMigration } from './index.js';

/**
 * The alarm-centre link's inbound side (SQLite's `150-alarm-centre` and `158-dc09-repeat-digest`:
 * `dc09_in_accounts`, `dc09_in_events`, `dc09_rejected`), in PostgreSQL's types. Keys stay sealed
 * under the server's master key, as in SQLite.
 */
export const pg014AlarmCentreIn: PgMigration = {
  version: 14,
  name: 'alarm-centre-in',
  up: `
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
  last_seq_at BIGINT,
  last_digest TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (account, receiver, line)
);

CREATE TABLE dc09_in_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES dc09_in_accounts(id) ON DELETE CASCADE,
  home_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  content TEXT NOT NULL,
  code TEXT NOT NULL,
  zone TEXT,
  mapped TEXT,
  event_id TEXT,
  message_at BIGINT,
  received_at BIGINT NOT NULL
);
CREATE INDEX dc09_in_events_account ON dc09_in_events(account_id, received_at);

CREATE TABLE dc09_rejected (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  peer TEXT NOT NULL,
  transport TEXT NOT NULL,
  reason TEXT NOT NULL,
  answer TEXT NOT NULL,
  account TEXT,
  raw TEXT NOT NULL
);
`,
};
