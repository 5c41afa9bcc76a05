import type { AlarmService } from '../alarms/alarm-service.js';

/**
 * What the follow-up chain needs from the other modules, and nothing more: the alarm (read, and a
 * step on its timeline — followup/README.md), the care teams of the access matrix, and homes.
 */
export interface AlarmPort {
  get(
    id: string,
  ): Promise<
    | { id: string; homeId: string | null; state: string; cancelledAt: number | null; raisedAt: number }
    | undefined
  >;
  chainStep: AlarmService['chainStep'];
  /** Alarms not closed (at most `limit`). */
  open(limit: number): Promise<
    Array<{
      id: string;
      homeId: string | null;
      state: string;
      cancelledAt: number | null;
      assignedUserId: string | null;
    }>
  >;
}

export interface TeamDirectory {
  /** The team's name, or null when it does not exist. */
  name(teamId: string): Promise<string | null>;
  memberIds(teamId: string): Promise<string[]>;
}

export interface HomeDirectory {
  get(homeId: string): Promise<{ id: string; clientId: string; address: string } | null>;
}
