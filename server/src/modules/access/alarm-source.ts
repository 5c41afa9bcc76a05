export interface OpenAlarm {
  id: string;
  assignedTeamId: string | null;
  /** The person it is assigned to (an informal carer who accepted it gets a code only for it). */
  assignedUserId: string | null;
  raisedAt: number;
}

/**
 * Reads open alarms of a home from the alarms module's `alarms` table (migration 012): open = not
 * closed and not cancelled. `assigned_team_id` holds a team id of this module (plain TEXT).
 */
export interface AlarmSource {
  openAtHome(homeId: string): Promise<OpenAlarm[]>;
  raisedAt(alarmId: string): Promise<number | null>;
}
