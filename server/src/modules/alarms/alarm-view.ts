import type { AlarmRow } from './alarm-store.js';

/** REQUIREMENTS §A: help on site within 30 minutes of the alarm. */
export const ALARM_TARGET_MS = 30 * 60_000;

/** The API view of an alarm with its response times measured against the 30-minute target. */
export function alarmView(a: AlarmRow) {
  const timeToAckMs = a.acknowledgedAt === null ? null : a.acknowledgedAt - a.raisedAt;
  const timeToOnSiteMs = a.onSiteAt === null ? null : a.onSiteAt - a.raisedAt;
  return {
    ...a,
    timeToAckMs,
    timeToOnSiteMs,
    targetMs: ALARM_TARGET_MS,
    ackWithinTarget: timeToAckMs === null ? null : timeToAckMs <= ALARM_TARGET_MS,
    onSiteWithinTarget: timeToOnSiteMs === null ? null : timeToOnSiteMs <= ALARM_TARGET_MS,
  };
}
export type AlarmView = ReturnType<typeof alarmView>;
