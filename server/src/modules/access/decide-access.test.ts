import { describe, expect, it } from 'vitest';
import {
  type AccessFacts,
  type AccessRequest,
  decideAccess,
  type FunctionFacts,
  windowAt,
} from './decide-access.js';

const TZ = 'Europe/Amsterdam';
/** Monday 2025-03-03, in Amsterdam (UTC+1 in March before DST). */
const at = (hh: number, mm: number, day = 3) => Date.UTC(2025, 2, day, hh - 1, mm);

const weekdays = (from: number, to: number) =>
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, fromMinute: from, toMinute: to }));
const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 }));

const FUNCTIONS: Record<string, FunctionFacts> = {
  district_nurse: {
    id: 'fn-nurse',
    name: 'district nurse',
    windows: { planned_care: weekdays(7 * 60, 22 * 60), alarm: allWeek },
  },
  alarm_responder: { id: 'fn-resp', name: 'alarm responder', windows: { alarm: allWeek } },
  home_care_worker: {
    id: 'fn-hcw',
    name: 'home-care worker',
    windows: { planned_care: weekdays(8 * 60, 17 * 60) },
  },
  cleaner: { id: 'fn-none', name: 'no access', windows: {} },
};

function facts(over: Partial<AccessFacts> & { fn?: keyof typeof FUNCTIONS } = {}): AccessFacts {
  const { fn = 'district_nurse', ...rest } = over;
  return {
    person: {
      userId: 'u1',
      role: 'care_worker',
      disabled: false,
      validUntil: null,
      declarationSignedAt: at(0, 0, 1),
      blocked: false,
    },
    functions: [FUNCTIONS[fn]!],
    teamIds: ['team-a'],
    servingTeamIds: ['team-a'],
    home: { id: 'h1', keysafeBlocked: false },
    blockedTeamIds: [],
    openAlarms: [{ id: 'al1', assignedTeamId: 'team-a' }],
    timeZone: TZ,
    ...rest,
  };
}
const person = (p: Partial<AccessFacts['person']>) => ({ person: { ...facts().person, ...p } });

const planned: AccessRequest = { situation: 'planned_care' };
const alarm: AccessRequest = { situation: 'alarm', alarmId: 'al1' };

type Row = [string, Partial<AccessFacts> & { fn?: keyof typeof FUNCTIONS }, AccessRequest, number, string];

// [case, facts, request, now, expected: 'allow' or the deny reason]
const TABLE: Row[] = [
  ['nurse, planned, inside window', {}, planned, at(10, 0), 'allow'],
  ['nurse, planned, window start is inclusive', {}, planned, at(7, 0), 'allow'],
  ['nurse, planned, one minute before start', {}, planned, at(6, 59), 'outside_window'],
  ['nurse, planned, window end is exclusive', {}, planned, at(22, 0), 'outside_window'],
  ['nurse, planned, last minute of window', {}, planned, at(21, 59), 'allow'],
  ['nurse, planned, Saturday has no window', {}, planned, at(10, 0, 8), 'outside_window'],
  ['nurse, alarm at night', {}, alarm, at(3, 0), 'allow'],
  ['nurse, alarm on Sunday', {}, alarm, at(3, 0, 9), 'allow'],
  ['responder, alarm', { fn: 'alarm_responder' }, alarm, at(3, 0), 'allow'],
  [
    'responder, planned care not in function',
    { fn: 'alarm_responder' },
    planned,
    at(10, 0),
    'no_function_for_situation',
  ],
  ['home-care, planned inside', { fn: 'home_care_worker' }, planned, at(16, 59), 'allow'],
  ['home-care, planned at 17:00', { fn: 'home_care_worker' }, planned, at(17, 0), 'outside_window'],
  [
    'home-care, alarm not in function',
    { fn: 'home_care_worker' },
    alarm,
    at(10, 0),
    'no_function_for_situation',
  ],
  ['function without any situation', { fn: 'cleaner' }, planned, at(10, 0), 'no_function_for_situation'],
  [
    'planned care, team does not serve the client',
    { servingTeamIds: ['team-b'] },
    planned,
    at(10, 0),
    'team_not_serving_client',
  ],
  [
    'alarm, assigned to another team',
    { openAlarms: [{ id: 'al1', assignedTeamId: 'team-b' }] },
    alarm,
    at(10, 0),
    'alarm_not_assigned_to_team',
  ],
  [
    'alarm, not yet assigned',
    { openAlarms: [{ id: 'al1', assignedTeamId: null }] },
    alarm,
    at(10, 0),
    'alarm_not_assigned_to_team',
  ],
  ['alarm, none open', { openAlarms: [] }, alarm, at(10, 0), 'no_open_alarm'],
  [
    'alarm, id of an alarm elsewhere',
    {},
    { situation: 'alarm', alarmId: 'other' },
    at(10, 0),
    'no_open_alarm',
  ],
  ['alarm, team blocked', { blockedTeamIds: ['team-a'] }, alarm, at(10, 0), 'team_blocked'],
  ['planned, team blocked', { blockedTeamIds: ['team-a'] }, planned, at(10, 0), 'team_blocked'],
  ['no declaration', person({ declarationSignedAt: null }), planned, at(10, 0), 'no_declaration'],
  [
    'declaration recorded later',
    person({ declarationSignedAt: at(11, 0) }),
    planned,
    at(10, 0),
    'no_declaration',
  ],
  ['temporary staff before end date', person({ validUntil: at(10, 1) }), planned, at(10, 0), 'allow'],
  ['temporary staff at end date', person({ validUntil: at(10, 0) }), planned, at(10, 0), 'person_expired'],
  ['disabled', person({ disabled: true }), planned, at(10, 0), 'person_disabled'],
  ['client role never gets access', person({ role: 'client' }), planned, at(10, 0), 'person_disabled'],
  ['person blocked', person({ blocked: true }), alarm, at(10, 0), 'person_blocked'],
  ['key safe blocked', { home: { id: 'h1', keysafeBlocked: true } }, alarm, at(10, 0), 'keysafe_blocked'],
];

describe('decideAccess — the function access matrix', () => {
  it.each(TABLE)('%s', (_name, f, req, now, expected) => {
    const d = decideAccess(facts(f), req, now);
    expect(d.allow ? 'allow' : d.reason).toBe(expected);
  });

  it('an allowed planned-care access carries the window occurrence, cut at a temporary end date', () => {
    const d = decideAccess(facts(), planned, at(10, 0));
    expect(d).toMatchObject({ allow: true, teamId: 'team-a', functionId: 'fn-nurse', alarmId: null });
    if (d.allow) expect(d.window).toEqual({ from: at(7, 0), to: at(22, 0) });
    const t = decideAccess(facts(person({ validUntil: at(12, 0) })), planned, at(10, 0));
    if (!t.allow) throw new Error('expected allow');
    expect(t.window.to).toBe(at(12, 0));
  });

  it('an alarm access names the alarm, and with no id picks the one assigned to my team', () => {
    const f = facts({
      openAlarms: [
        { id: 'x', assignedTeamId: 'team-b' },
        { id: 'y', assignedTeamId: 'team-a' },
      ],
    });
    expect(decideAccess(f, { situation: 'alarm' }, at(10, 0))).toMatchObject({ allow: true, alarmId: 'y' });
    expect(decideAccess(f, { situation: 'alarm', alarmId: 'x' }, at(10, 0))).toEqual({
      allow: false,
      reason: 'alarm_not_assigned_to_team',
    });
  });

  it('windows follow local time across daylight saving (summer: UTC+2)', () => {
    const summer = Date.UTC(2025, 6, 7, 5, 0); // Monday 07:00 in Amsterdam
    expect(windowAt(weekdays(7 * 60, 8 * 60), summer, TZ)).toEqual({ from: summer, to: summer + 3_600_000 });
    expect(windowAt(weekdays(7 * 60, 8 * 60), summer - 1000, TZ)).toBeNull();
  });
});
