import type { Migration } from './index.js';

/**
 * An unauthenticated source never silently ends an alarm [PENDANT SPEC §5.1]: a cancel from a
 * plaintext pendant is kept apart as an unverified cancel (`unverified_cancel_at`) until staff
 * confirm it (`cancel_confirmed_by`), or is refused, by the home's policy (default `refuse`).
 * `authenticated` says whether the alarm's own event was proved by the pendant's key (1/0; null
 * for alarms stored before).
 */
export const m093PendantAuth: Migration = {
  version: 93,
  name: 'pendant-auth',
  up: `
ALTER TABLE alarms ADD COLUMN authenticated INTEGER;
ALTER TABLE alarms ADD COLUMN unverified_cancel_at INTEGER;
ALTER TABLE alarms ADD COLUMN cancel_confirmed_by TEXT REFERENCES users(id) ON DELETE SET NULL;
CREATE TABLE home_alarm_policies (
  home_id TEXT PRIMARY KEY REFERENCES homes(id) ON DELETE CASCADE,
  unverified_cancel TEXT NOT NULL CHECK (unverified_cancel IN ('refuse','confirm')),
  updated_at INTEGER NOT NULL,
  updated_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
`,
};
