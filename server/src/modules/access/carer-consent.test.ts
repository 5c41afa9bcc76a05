import { describe, expect, it } from 'vitest';
import { type CarerFacts, decideCarerAccess } from './carer-consent.js';

const MONDAY_NOON = Date.UTC(2026, 0, 5, 11, 0); // 12:00 in Amsterdam
const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 }));
const facts = (over: Partial<CarerFacts> = {}): CarerFacts => ({
  person: { userId: 'piet', disabled: false, blocked: false },
  keysafeBlocked: false,
  consent: {
    id: 'c',
    homeId: 'h',
    carerUserId: 'piet',
    windows: allWeek,
    alarmOnly: true,
    grantedAt: 0,
    grantedBy: 'client',
    withdrawnAt: null,
    withdrawnBy: null,
  },
  openAlarms: [{ id: 'a1', assignedUserId: 'piet' }],
  timeZone: 'Europe/Amsterdam',
  ...over,
});

describe('an informal carer asking for the key-safe code', () => {
  it('is allowed for an alarm they accepted, inside the consent window, and the code ends with the window', () => {
    const d = decideCarerAccess(facts(), { situation: 'alarm', alarmId: 'a1' }, MONDAY_NOON);
    expect(d).toMatchObject({ allow: true, alarmId: 'a1' });
    const evening = facts({
      consent: { ...facts().consent!, windows: [{ weekday: 1, fromMinute: 480, toMinute: 13 * 60 }] },
    });
    const w = decideCarerAccess(evening, { situation: 'alarm' }, MONDAY_NOON);
    expect(w.allow && w.window.to).toBe(Date.UTC(2026, 0, 5, 12, 0));
  });

  it('is refused without the client’s consent, for an alarm not theirs, outside the window, or for a visit when only alarms', () => {
    const at = (f: CarerFacts, situation: 'alarm' | 'planned_care' = 'alarm') =>
      decideCarerAccess(f, { situation }, MONDAY_NOON);
    expect(at(facts({ consent: null }))).toEqual({ allow: false, reason: 'no_consent' });
    expect(at(facts({ openAlarms: [{ id: 'a1', assignedUserId: 'someone' }] }))).toEqual({
      allow: false,
      reason: 'alarm_not_accepted_by_you',
    });
    expect(at(facts({ openAlarms: [] }))).toEqual({ allow: false, reason: 'no_open_alarm' });
    expect(at(facts(), 'planned_care')).toEqual({ allow: false, reason: 'consent_alarm_only' });
    expect(
      at(
        facts({ consent: { ...facts().consent!, windows: [{ weekday: 2, fromMinute: 0, toMinute: 1440 }] } }),
      ),
    ).toEqual({ allow: false, reason: 'outside_window' });
    expect(at(facts({ keysafeBlocked: true }))).toEqual({ allow: false, reason: 'keysafe_blocked' });
    expect(at(facts({ person: { userId: 'piet', disabled: false, blocked: true } }))).toEqual({
      allow: false,
      reason: 'person_blocked',
    });
  });
});
