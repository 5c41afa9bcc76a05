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
  insert(r: Release): Promise<void>;
  /**
   * Inserts an online release (`online_pin`) only if its PIN slot is free on its key safe at `now`:
   * no outstanding online release holds it and no unanswered REVOKE of a voided release
   * (`void_release`) is clearing it. One atomic step, so two requests never get one slot; false
   * when the slot was taken.
   */
  insertIfPinSlotFree(r: Release, now: number): Promise<boolean>;
  /**
   * Inserts an offline release only if its window and window slot were never given out on its key
   * safe (a window code works once, OTC SPEC §2): atomic, so one code is never handed out twice;
   * false when taken.
   */
  insertIfWindowSlotFree(r: Release): Promise<boolean>;
  get(id: string): Promise<Release | null>;
  /** Releases still able to open: not revoked, not used (one-time), window not over. */
  outstanding(
    filter: { deviceId?: string; userId?: string; teamId?: string },
    now: number,
  ): Promise<Release[]>;
  /** The offline release of one window and window slot of a key safe (issued once each, OTC SPEC §2). */
  byWindow(
    deviceId: string,
    w: { validFrom: number; validUntil: number; slot: number },
  ): Promise<Release | null>;
  /** Marks the first opening (a later one keeps the first time); false when it was already opened. */
  markOpened(id: string, at: number): Promise<boolean>;
  markRevoked(ids: string[], at: number): Promise<void>;
  list(filter: {
    homeId?: string;
    userId?: string;
    since?: number;
    until?: number;
    limit: number;
  }): Promise<Release[]>;
  /** PIN slots in use on a key safe (outstanding online releases). */
  usedPinSlots(deviceId: string, now: number): Promise<Set<number>>;
  /** Window-code slots taken for one window of a key safe. */
  usedWindowSlots(deviceId: string, validFrom: number, validUntil: number): Promise<Set<number>>;
  /** Deletes a release that never reached the key safe (nothing was handed out). */
  delete(id: string): Promise<void>;
  /** Deletes releases issued and ended before `cutoff` (retention); the count. */
  purgeEndedBefore(cutoff: number): Promise<number>;
  /** Per alarm and team: the alarm's raise, the first release and the first opening. */
  alarmResponseRows(since: number, until: number): Promise<AlarmReleaseRow[]>;
}

/** One alarm's release timing for one team (team `''` when released without a team). */
export interface AlarmReleaseRow {
  alarmId: string;
  teamId: string;
  raised: number;
  released: number;
  opened: number | null;
}
