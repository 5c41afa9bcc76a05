import type { Situation } from './decide-access.js';

export const RELEASE_MODES = ['online_pin', 'offline_window', 'remote_open', 'phone_code'] as const;
export type ReleaseMode = (typeof RELEASE_MODES)[number];

/** One released access: a code (or a remote opening) bound to one key safe, one person, one window. */
export interface Release {
  id: string;
  homeId: string;
  deviceId: string;
  userId: string;
  teamId: string | null;
  functionId: string | null;
  situation: Situation;
  alarmId: string | null;
  mode: ReleaseMode;
  holderId: number;
  /** Key-safe slot: the PIN slot, or the window-code slot (0..3) for offline codes. */
  slot: number;
  validFrom: number;
  validUntil: number;
  issuedAt: number;
  /** Who released it: the person themself, or the monitoring staff member (phone code, remote open). */
  issuedBy: string;
  alarmRaisedAt: number | null;
  openedAt: number | null;
  revokedAt: number | null;
}

export interface ReleaseStore {
  insert(r: Release): void;
  get(id: string): Release | null;
  /** Releases still able to open: not revoked, not used (one-time), window not over. */
  outstanding(filter: { deviceId?: string; userId?: string; teamId?: string }, now: number): Release[];
  /** The offline release of one window and window slot of a key safe (issued once each, OTC SPEC §2). */
  byWindow(deviceId: string, w: { validFrom: number; validUntil: number; slot: number }): Release | null;
  markOpened(id: string, at: number): void;
  markRevoked(ids: string[], at: number): void;
  switchToOffline(id: string, slot: number, validFrom: number, validUntil: number): void;
  list(filter: {
    homeId?: string;
    userId?: string;
    since?: number;
    until?: number;
    limit: number;
  }): Release[];
  /** PIN slots in use on a key safe (outstanding online releases). */
  usedPinSlots(deviceId: string, now: number): Set<number>;
  /** Window-code slots taken for one window of a key safe. */
  usedWindowSlots(deviceId: string, validFrom: number, validUntil: number): Set<number>;
  /** Deletes a release that never reached the key safe (nothing was handed out). */
  delete(id: string): void;
  /** Deletes releases issued and ended before `cutoff` (retention); the count. */
  purgeEndedBefore(cutoff: number): number;
  /** Per alarm and team: the alarm's raise, the first release and the first opening. */
  alarmResponseRows(since: number, until: number): AlarmReleaseRow[];
}

/** One alarm's release timing for one team (team `''` when released without a team). */
export interface AlarmReleaseRow {
  alarmId: string;
  teamId: string;
  raised: number;
  released: number;
  opened: number | null;
}
