import type { Clock } from '../../clock.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CarerConsentStore } from './carer-consent-store.js';
import type { Situation, WeeklyWindow } from './decide-access.js';
import { windowAt } from './decide-access.js';

/**
 * The client's consent that one of their informal carers may get a key-safe code for their home
 * [REQUIREMENTS §9.6]: weekly windows (the organisation's time zone), and whether only for an
 * alarm the carer accepted (`alarmOnly`, the default) or also for a planned visit. The client grants
 * and withdraws it on their own page; every change is audited and shown in their access log.
 */
export interface CarerConsent {
  id: string;
  homeId: string;
  carerUserId: string;
  windows: WeeklyWindow[];
  alarmOnly: boolean;
  grantedAt: number;
  grantedBy: string;
  withdrawnAt: number | null;
  withdrawnBy: string | null;
}

export type CarerDenyReason =
  | 'person_disabled'
  | 'person_blocked'
  | 'keysafe_blocked'
  | 'no_consent'
  | 'consent_alarm_only'
  | 'no_open_alarm'
  | 'alarm_not_accepted_by_you'
  | 'outside_window';

export interface CarerFacts {
  person: { userId: string; disabled: boolean; blocked: boolean };
  keysafeBlocked: boolean;
  consent: CarerConsent | null;
  /** Open alarms at the home and who they are assigned to. */
  openAlarms: Array<{ id: string; assignedUserId: string | null }>;
  timeZone: string;
}

export type CarerDecision =
  | { allow: true; situation: Situation; alarmId: string | null; window: { from: number; to: number } }
  | { allow: false; reason: CarerDenyReason };

/**
 * Pure, like `decideAccess`: the person, the key safe, the client's consent, then the situation
 * (an alarm: one the carer accepted, so assigned to them; planned: only if the consent allows it),
 * then a consent window containing `now`; codes never outlive that window.
 */
export function decideCarerAccess(
  f: CarerFacts,
  req: { situation: Situation; alarmId?: string | undefined },
  now: number,
): CarerDecision {
  const deny = (reason: CarerDenyReason): CarerDecision => ({ allow: false, reason });
  if (f.person.disabled) return deny('person_disabled');
  if (f.person.blocked) return deny('person_blocked');
  if (f.keysafeBlocked) return deny('keysafe_blocked');
  if (!f.consent) return deny('no_consent');
  let alarmId: string | null = null;
  if (req.situation === 'alarm') {
    const open = f.openAlarms.filter((a) => req.alarmId === undefined || a.id === req.alarmId);
    if (open.length === 0) return deny('no_open_alarm');
    const mine = open.find((a) => a.assignedUserId === f.person.userId);
    if (!mine) return deny('alarm_not_accepted_by_you');
    alarmId = mine.id;
  } else if (f.consent.alarmOnly) return deny('consent_alarm_only');
  const window = windowAt(f.consent.windows, now, f.timeZone);
  if (!window) return deny('outside_window');
  return { allow: true, situation: req.situation, alarmId, window };
}

/** Grants and withdrawals with their audit entries (`access.carer_consent_granted` / `_withdrawn`, subject the home). */
export class CarerConsentService {
  constructor(
    readonly store: CarerConsentStore,
    private readonly audit: Pick<AuditLog, 'append'>,
    private readonly clock: Clock,
    /** Voids the carer's outstanding codes for the home (REVOKE on the key safe, offline key rotated). */
    private readonly revokeCodes: (homeId: string, carerUserId: string) => Promise<void>,
  ) {}

  async grant(
    homeId: string,
    carerUserId: string,
    p: { windows: WeeklyWindow[]; alarmOnly: boolean },
    by: string,
  ): Promise<CarerConsent> {
    const now = this.clock.now();
    const c = await this.store.grant({ homeId, carerUserId, ...p, grantedBy: by }, now);
    await this.audit.append({
      at: now,
      actor: `user:${by}`,
      action: 'access.carer_consent_granted',
      subject: `home:${homeId}`,
      details: { carerUserId, windows: p.windows, alarmOnly: p.alarmOnly },
    });
    return c;
  }

  /**
   * Withdraws the consent and voids every code the carer still holds for the home, so a withdrawn
   * carer keeps no access (MISSION: "revoked guests keep access" must not work against Baken).
   */
  async withdraw(homeId: string, carerUserId: string, by: string): Promise<boolean> {
    const now = this.clock.now();
    const had = await this.store.withdraw(homeId, carerUserId, by, now);
    await this.revokeCodes(homeId, carerUserId);
    if (had)
      await this.audit.append({
        at: now,
        actor: `user:${by}`,
        action: 'access.carer_consent_withdrawn',
        subject: `home:${homeId}`,
        details: { carerUserId },
      });
    return had;
  }
}
