import type { Migration } from './index.js';

/** Users and auth, clients and homes (§8.5), gateways, devices with lifecycle history (§11.4), enrolment. */
export const m001Core: Migration = {
  version: 1,
  name: 'core',
  up: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','technician','monitor','care_worker','client')),
  password_hash TEXT NOT NULL,
  client_id TEXT REFERENCES clients(id) ON DELETE SET NULL,
  valid_until INTEGER,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER,
  revoked_at INTEGER
);

CREATE TABLE clients (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  phone TEXT,
  notes TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE homes (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE RESTRICT,
  address TEXT NOT NULL,
  postal_code TEXT,
  city TEXT,
  region TEXT,
  access_procedure TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX homes_client ON homes(client_id);
CREATE INDEX homes_region ON homes(region);

CREATE TABLE contact_persons (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
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
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX gateways_home ON gateways(home_id);

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  serial TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL CHECK (type IN ('pendant','keysafe','gateway')),
  model TEXT NOT NULL DEFAULT '',
  firmware TEXT NOT NULL DEFAULT '',
  home_id TEXT REFERENCES homes(id) ON DELETE SET NULL,
  gateway_id TEXT REFERENCES gateways(id) ON DELETE SET NULL,
  install_date TEXT,
  status TEXT NOT NULL CHECK (status IN ('in_stock','installed','faulty','returned','reconditioned')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX devices_home ON devices(home_id);

CREATE TABLE device_status_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  from_status TEXT,
  to_status TEXT NOT NULL,
  at INTEGER NOT NULL,
  by_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  note TEXT
);
CREATE INDEX device_status_history_device ON device_status_history(device_id, at);

CREATE TABLE enrolment_tokens (
  id TEXT PRIMARY KEY,
  home_id TEXT NOT NULL REFERENCES homes(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  gateway_id TEXT REFERENCES gateways(id) ON DELETE SET NULL
);
`,
};
