import { t } from '../i18n/index.js';

/**
 * The alarm inbox's states and the step each button takes:
 * new → acknowledged → assigned → on_site → closed. The API is the authority; when it lists
 * `allowedActions` on an alarm, the page shows exactly those.
 */
export const ALARM_STATES = ['new', 'acknowledged', 'assigned', 'on_site', 'closed'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];
export type AlarmAction = 'ack' | 'assign' | 'on-site' | 'close';

/** The state in words, in the request's language. */
export const alarmStateLabel = (s: AlarmState | undefined): string =>
  t(s ? `alarmState.${s}` : 'alarmState.unknown');

/** The button text of an action. */
export const actionLabel = (a: AlarmAction): string => t(`action.${a}`);

const NEXT: Record<AlarmState, AlarmAction[]> = {
  new: ['ack'],
  acknowledged: ['assign', 'close'],
  assigned: ['on-site', 'close'],
  on_site: ['close'],
  closed: [],
};

/** Response target for acknowledge and on-site, from REQUIREMENTS §A: 30 minutes. */
export const RESPONSE_TARGET_MS = 30 * 60_000;

export function asAlarmState(v: unknown): AlarmState | undefined {
  const s = typeof v === 'string' ? v.replace('-', '_') : '';
  return ALARM_STATES.find((x) => x === s);
}

export function allowedActions(state: AlarmState | undefined, fromApi: unknown): AlarmAction[] {
  const all: AlarmAction[] = ['ack', 'assign', 'on-site', 'close'];
  if (Array.isArray(fromApi))
    return all.filter((a) => fromApi.some((x) => typeof x === 'string' && x.replace('_', '-') === a));
  return state ? NEXT[state] : [];
}
