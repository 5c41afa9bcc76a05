/**
 * What a cancel from an unauthenticated pendant (plaintext BTHome: anyone in radio range can forge
 * it) does to an open alarm, per home [PENDANT SPEC §5.1]:
 * - `refuse` (default): nothing; the refusal is recorded in the alarm's history only. The safe
 *   default: an unauthenticated source has no say in how an alarm is handled.
 * - `confirm`: it is shown on the alarm as an *unverified cancel*; staff confirm it (after calling
 *   the client) before it counts. The alarm stays open either way.
 * A cancel from an authenticated pendant (Baken, encrypted BTHome) is recorded as before.
 */
export type UnverifiedCancelPolicy = 'refuse' | 'confirm';
export const UNVERIFIED_CANCEL_POLICIES: readonly UnverifiedCancelPolicy[] = ['refuse', 'confirm'];
export const DEFAULT_UNVERIFIED_CANCEL_POLICY: UnverifiedCancelPolicy = 'refuse';

export interface HomeAlarmPolicy {
  homeId: string;
  unverifiedCancel: UnverifiedCancelPolicy;
  /** Null while the home uses the default. */
  updatedAt: number | null;
  updatedBy: string | null;
}

/**
 * The per-home alarm policies (`home_alarm_policies`). Bindings: `sqlite-cancel-policies.ts`,
 * `pg-cancel-policies.ts`; `cancelPoliciesOn(handle)` picks one.
 */
export interface CancelPolicies {
  /** The home's policy; the default (with null `updatedAt`) while none is set. */
  get(homeId: string): Promise<HomeAlarmPolicy>;
  /** The policy for a cancel at this home; an event without a home gets the default. */
  unverifiedCancel(homeId: string | null): Promise<UnverifiedCancelPolicy>;
  set(
    homeId: string,
    unverifiedCancel: UnverifiedCancelPolicy,
    by: string,
    now: number,
  ): Promise<HomeAlarmPolicy>;
}
