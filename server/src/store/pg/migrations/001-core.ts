import type { PgMigration } from './index.js';

/**
 * The core tables of SQLite's `001-core` (with `170-informal-carers`' widened roles), in
 * PostgreSQL's types: instants are `BIGINT` epoch milliseconds as in SQLite, flags `BOOLEAN`.
 * Text that is sorted (`username`, names, addresses, serials) is `COLLATE "C"`: code-point order,
 * as SQLite's BINARY, whatever locale the database was created with. `users.username` is unique
 * case-insensitively like SQLite's `COLLATE NOCASE`; `lower()` under "C" folds ASCII only, as NOCASE does.
 */
export const pg001Core: PgMigration = {
  version: 1,
  name: 'core',
  up: `
CREATE TABLE clients (
  id TEXT PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  phone TEXT,
  notes TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT COLLATE "C" NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','technician','monitor','care_worker','client','informal_carer')),
  password_hash TEXT NOT NULL,
  client_id TEXT REFERENCES clients(id) ON DELETE SET NULL,
  valid_until BIGINT,
  disabled BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE homes (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE RESTRICT,
  address TEXT COLLATE "C" NOT NULL,
  postal_code TEXT,
  city TEXT,
  region TEXT,
  access_procedure TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX homes_client ON homes(client_id);
CREATE INDEX homes_region ON homes(region);

CREATE TABLE contact_persons (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  relation TEXT NOT NULL,
  phone TEXT,
  email TEXT,
  priority INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contact_persons_client ON contact_persons(client_id);

CREATE TABLE gateways (
  id TEXT PRIMARY KEY,
  home_id TEXT REFERENCES homes(id) ON DELETE SET NULL,
  mqtt_password_hash TEXT NOT NULL,
  serial TEXT,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX gateways_home ON gateways(home_id);

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  serial TEXT COLLATE "C" NOT NULL UNIQUE,
  type TEXT NOT NULL CHECK (type IN ('pendant','keysafe','gateway')),
  model TEXT NOT NULL DEFAULT '',
  firmware TEXT NOT NULL DEFAULT '',
  home_id TEXT REFERENCES homes(id) ON DELETE SET NULL,
  gateway_id TEXT REFERENCES gateways(id) ON DELETE SET NULL,
  install_date TEXT,
  status TEXT NOT NULL CHECK (status IN ('in_stock','installed','faulty','returned','reconditioned')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX devices_home ON devices(home_id);

CREATE TABLE device_status_history (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  from_status TEXT,
  to_status TEXT NOT NULL,
  at BIGINT NOT NULL,
  by_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  note TEXT
);
CREATE INDEX device_status_history_device ON device_status_history(device_id, at);

CREATE TABLE enrolment_tokens (
  id TEXT PRIMARY KEY,
  home_id TEXT NOT NULL REFERENCES homes(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  gateway_id TEXT REFERENCES gateways(id) ON DELETE SET NULL
);
CREATE INDEX enrolment_tokens_home ON enrolment_tokens(home_id);
`,
};
