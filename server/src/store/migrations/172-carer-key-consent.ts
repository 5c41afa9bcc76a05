import type { Migration } from './index.js';

/**
 * The client's consent that an informal carer may get a key-safe code for their home
 * [REQUIREMENTS §9.6], with weekly windows; withdrawn, never deleted (the access log shows it).
 */
export const m172CarerKeyConsent: Migration = {
  version: 172,
  name: 'carer-key-consent',
  up: `
CREATE TABLE access_carer_consents (
  id TEXT PRIMARY KEY,
  home_id TEXT NOT NULL REFERENCES homes(id) ON DELETE CASCADE,
  carer_user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  windows TEXT NOT NULL,
  alarm_only INTEGER NOT NULL DEFAULT 1,
  granted_at INTEGER NOT NULL,
  granted_by TEXT NOT NULL,
  withdrawn_at INTEGER,
  withdrawn_by TEXT
);
CREATE INDEX access_carer_consents_home ON access_carer_consents(home_id, carer_user_id);
`,
};
