/**
 * The access decision of the function access matrix (REQUIREMENTS §9.3–9.5) as one pure
 * function: no store, no clock — the caller gathers the facts and passes `now`.
 */

export const SITUATIONS = ['planned_care', 'alarm'] as const;
export type Situation = (typeof SITUATIONS)[number];

/** A weekly window in the organisation's local time: ISO weekday 1 (Mon) … 7 (Sun), [from, to) minutes. */
export interface WeeklyWindow {
  weekday: number;
  fromMinute: number;
  toMinute: number;
}

export interface FunctionFacts {
  id: string;
  name: string;
  /** Windows per situation; a situation absent here is not allowed for this function. */
  windows: Partial<Record<Situation, WeeklyWindow[]>>;
}

export interface AccessFacts {
  person: {
    userId: string;
    role: string;
    disabled: boolean;
    /** Temporary staff: access ends at this instant (ms). */
    validUntil: number | null;
    /** When the signed declaration was recorded; null = none, so no access at all (§9.4). */
    declarationSignedAt: number | null;
    blocked: boolean;
  };
  functions: FunctionFacts[];
  /** Teams the person belongs to. */
  teamIds: string[];
  /** Teams that serve the client of this home (directly or through its area). */
  servingTeamIds: string[];
  home: { id: string; keysafeBlocked: boolean };
  /** Teams blocked as a whole ("all codes of a team"). */
  blockedTeamIds: string[];
  /** Open alarms at this home. */
  openAlarms: Array<{ id: string; assignedTeamId: string | null }>;
  /** IANA time zone the windows are written in. */
  timeZone: string;
}

export interface AccessRequest {
  situation: Situation;
  alarmId?: string | undefined;
}

export type DenyReason =
  | 'person_disabled'
  | 'person_expired'
  | 'no_declaration'
  | 'person_blocked'
  | 'keysafe_blocked'
  | 'no_function_for_situation'
  | 'team_not_serving_client'
  | 'team_blocked'
  | 'outside_window'
  | 'no_open_alarm'
  | 'alarm_not_assigned_to_team';

export type AccessDecision =
  | {
      allow: true;
      situation: Situation;
      functionId: string;
      teamId: string;
      alarmId: string | null;
      /** The matrix window the access falls in (ms, end exclusive); codes never outlive it. */
      window: { from: number; to: number };
    }
  | { allow: false; reason: DenyReason };

const CARE_ROLES = new Set(['care_worker', 'monitor', 'admin']);

/** Local weekday (1..7) and seconds since local midnight of `now` in `timeZone`. */
export function localTime(now: number, timeZone: string): { weekday: number; secondOfDay: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '0';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return {
    weekday,
    secondOfDay: Number(get('hour')) * 3600 + Number(get('minute')) * 60 + Number(get('second')),
  };
}

/** The occurrence of one of `windows` that contains `now`, as epoch ms; null when none does. */
export function windowAt(
  windows: readonly WeeklyWindow[],
  now: number,
  timeZone: string,
): { from: number; to: number } | null {
  const { weekday, secondOfDay } = localTime(now, timeZone);
  const minute = secondOfDay / 60;
  let best: { from: number; to: number } | null = null;
  for (const w of windows) {
    if (w.weekday !== weekday || minute < w.fromMinute || minute >= w.toMinute) continue;
    const midnight = now - secondOfDay * 1000 - (now % 1000);
    const cand = { from: midnight + w.fromMinute * 60_000, to: midnight + w.toMinute * 60_000 };
    if (best === null || cand.to > best.to) best = cand;
  }
  return best;
}

/**
 * Decide one access request. Order: the person (disabled, expired temporary staff, no declaration,
 * blocked), the key safe (blocked), then the situation — alarm: the named (or any) open alarm at this
 * home assigned to one of the person's unblocked teams; planned care: one of the person's unblocked
 * teams serves this client — then a function of the person that allows the situation with a window
 * containing `now`. The first failing check is the reason; the reasons are stable API values.
 */
export function decideAccess(facts: AccessFacts, req: AccessRequest, now: number): AccessDecision {
  const deny = (reason: DenyReason): AccessDecision => ({ allow: false, reason });
  const p = facts.person;
  if (p.disabled || !CARE_ROLES.has(p.role)) return deny('person_disabled');
  if (p.validUntil !== null && now >= p.validUntil) return deny('person_expired');
  if (p.declarationSignedAt === null || p.declarationSignedAt > now) return deny('no_declaration');
  if (p.blocked) return deny('person_blocked');
  if (facts.home.keysafeBlocked) return deny('keysafe_blocked');

  let teamId: string;
  let alarmId: string | null = null;
  if (req.situation === 'alarm') {
    const alarms = facts.openAlarms.filter((a) => req.alarmId === undefined || a.id === req.alarmId);
    if (alarms.length === 0) return deny('no_open_alarm');
    const mine = alarms.find((a) => a.assignedTeamId !== null && facts.teamIds.includes(a.assignedTeamId));
    if (!mine) return deny('alarm_not_assigned_to_team');
    if (facts.blockedTeamIds.includes(mine.assignedTeamId!)) return deny('team_blocked');
    teamId = mine.assignedTeamId!;
    alarmId = mine.id;
  } else {
    const serving = facts.teamIds.filter((t) => facts.servingTeamIds.includes(t));
    if (serving.length === 0) return deny('team_not_serving_client');
    const open = serving.filter((t) => !facts.blockedTeamIds.includes(t));
    if (open.length === 0) return deny('team_blocked');
    teamId = open[0]!;
  }

  const withSituation = facts.functions.filter((f) => (f.windows[req.situation]?.length ?? 0) > 0);
  if (withSituation.length === 0) return deny('no_function_for_situation');
  for (const f of withSituation) {
    const window = windowAt(f.windows[req.situation]!, now, facts.timeZone);
    if (window && p.validUntil !== null && p.validUntil < window.to) window.to = p.validUntil;
    if (window) return { allow: true, situation: req.situation, functionId: f.id, teamId, alarmId, window };
  }
  return deny('outside_window');
}
