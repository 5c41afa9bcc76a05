import type { Migration } from './index.js';

/**
 * The language of each device registered for notifications (`nl`, `en`; null = the deployment's
 * default): a push reaches a person in the language they chose on that phone
 * [server/src/modules/followup/README.md §Notifications].
 */
export const m240PushLanguage: Migration = {
  version: 240,
  name: 'push-language',
  up: `ALTER TABLE push_subscriptions ADD COLUMN lang TEXT CHECK (lang IN ('nl', 'en'));`,
};
