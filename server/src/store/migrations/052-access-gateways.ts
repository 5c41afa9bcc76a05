import type { Migration } from './index.js';

/**
 * Home-unit reachability as the access module sees it (from `availability`, MQTT-MAP §4.4), the
 * generation of each key safe's offline-code key (rotated to void outstanding offline codes) and an
 * index for the refusal / wrong-code alert counts.
 */
export const m052AccessGateways: Migration = {
  version: 52,
  name: 'access-gateways',
  up: `
CREATE TABLE access_gateway_state (
  gateway_id TEXT PRIMARY KEY,
  online INTEGER NOT NULL,
  at INTEGER NOT NULL
);
ALTER TABLE keysafe_state ADD COLUMN offline_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE keysafe_state ADD COLUMN offline_delivered_generation INTEGER;
CREATE INDEX audit_log_actor_action ON audit_log(actor, action, at);
CREATE INDEX audit_log_subject_action ON audit_log(subject, action, at);
`,
};
