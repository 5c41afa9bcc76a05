import type { PgMigration } from './index.js';

/**
 * The alarm-centre link's outbound side (SQLite's `150-alarm-centre`, its `dc09_out_*` and
 * `dc09_outbox` tables), in PostgreSQL's types. A message is queued once per account and cause
 * (`UNIQUE (account_id, source_key)`, inserted `ON CONFLICT DO NOTHING`). The inbound tables
 * (`dc09_in_*`, `dc09_rejected`) follow with their store, which is still synchronous (the store
 * README, "Module stores on PostgreSQL").
 */
export const pg013AlarmCentreOut: PgMigration = {
  version: 13,
  name: 'alarm-centre-out',
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
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE dc09_out_receivers (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES dc09_out_accounts(id) ON DELETE CASCADE,
  priority INTEGER NOT NULL,
  host TEXT NOT NULL,
  port INTEGER NOT NULL,
  transport TEXT NOT NULL CHECK (transport IN ('tcp', 'udp')),
  created_at BIGINT NOT NULL,
  UNIQUE (account_id, priority)
);

CREATE TABLE dc09_outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
  last_attempt_at BIGINT,
  last_error TEXT,
  receiver_id TEXT,
  created_at BIGINT NOT NULL,
  delivered_at BIGINT,
  UNIQUE (account_id, source_key)
);
CREATE INDEX dc09_outbox_pending ON dc09_outbox(state, account_id, id);
CREATE INDEX dc09_outbox_event ON dc09_outbox(event_id);
`,
};
