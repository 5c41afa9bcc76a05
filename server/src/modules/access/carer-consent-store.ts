import type { CarerConsent } from './carer-consent.js';

/**
 * Storage of the clients' consents for their informal carers [REQUIREMENTS §9.6]. Consents are never
 * edited: a change withdraws the active one and grants a new one, so the client's history stays.
 */
export interface CarerConsentStore {
  /** The active consent of a carer for a home, or null. */
  active(homeId: string, carerUserId: string): Promise<CarerConsent | null>;
  /** Every consent of a home, newest first (the client's history). */
  ofHome(homeId: string): Promise<CarerConsent[]>;
  /**
   * Withdraws the active consent (if any) and grants the new one, in one transaction: a home and
   * carer never have two active consents, also under two grants at once.
   */
  grant(
    c: Pick<CarerConsent, 'homeId' | 'carerUserId' | 'windows' | 'alarmOnly' | 'grantedBy'>,
    now: number,
  ): Promise<CarerConsent>;
  /** Withdraws the active consent; false when there was none. */
  withdraw(homeId: string, carerUserId: string, by: string, now: number): Promise<boolean>;
}
