import type { PgMigration } from './index.js';

/**
 * The follow-up chain's runs and steps name their alarm by a foreign key, as SQLite's `171-followup`
 * does, now that the alarms table is here (migration 045): removing an alarm removes its chain.
 */
export const pg046FollowupAlarmKeys: PgMigration = {
  version: 46,
  name: 'followup-alarm-keys',
  up: `
ALTER TABLE followup_runs ADD CONSTRAINT followup_runs_alarm_fk
  FOREIGN KEY (alarm_id) REFERENCES alarms(id) ON DELETE CASCADE;
ALTER TABLE followup_steps ADD CONSTRAINT followup_steps_alarm_fk
  FOREIGN KEY (alarm_id) REFERENCES alarms(id) ON DELETE CASCADE;
`,
};
