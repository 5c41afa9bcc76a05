import type { AccessAlert, AlertKind } from './alerts.js';

/** Storage of access alerts; ids are unique, so a repeated insert is a no-op. */
export interface AccessAlertStore {
  /** Stores a new open alert; false when one with this id already exists. */
  insert(a: Pick<AccessAlert, 'id' | 'at' | 'kind' | 'subject' | 'message'>): Promise<boolean>;
  /** Newest first; `open` keeps unacknowledged ones only. */
  list(opts: { open?: boolean; limit: number }): Promise<AccessAlert[]>;
  /** Marks an open alert acknowledged; false when unknown or already acknowledged. */
  acknowledge(id: string, by: string, at: number): Promise<boolean>;
  kindOf(id: string): Promise<AlertKind | undefined>;
  /** Deletes acknowledged alerts older than `cutoff` (retention); the count. */
  purgeAcknowledgedBefore(cutoff: number): Promise<number>;
  /** `opening_without_release` alerts of the key safes of a home, newest first (at most 100). */
  openingsWithoutReleaseAtHome(homeId: string): Promise<Array<{ at: number; message: string }>>;
}
