import { median } from '../../median.js';
import type { SqliteFollowupStore } from './sqlite-followup-store.js';

/** REQUIREMENTS §A: help on site within 30 minutes. */
const TARGET_MS = 30 * 60_000;

/**
 * The follow-up part of the response report: per kind of responder (informal carer, care team),
 * how often asked, accepted, left unanswered or declined, and the median time from being asked to
 * accepting; how many alarms reached the alarm centre and how many had help on site within target.
 */
export function followupReport(store: SqliteFollowupStore, since: number, until: number) {
  const rows = new Map<
    string,
    { asked: number; accepted: number; noAnswer: number; declined: number; waits: number[] }
  >();
  const row = (k: string) => {
    let r = rows.get(k);
    if (!r) {
      r = { asked: 0, accepted: 0, noAnswer: 0, declined: 0, waits: [] };
      rows.set(k, r);
    }
    return r;
  };
  const runs = store.runsBetween(since, until);
  let handedToCentre = 0;
  let onSiteWithinTarget = 0;
  for (const run of runs) {
    const askedAt = new Map<number, number>();
    for (const s of store.steps(run.alarmId)) {
      const k = s.targetKind === 'carer' ? 'informal_carer' : s.targetKind === 'team' ? 'care_team' : null;
      if (s.kind === 'handed_to_centre') handedToCentre++;
      if (s.kind === 'on_site' && s.at - run.startedAt <= TARGET_MS) onSiteWithinTarget++;
      if (k === null || s.offer === null) continue;
      if (s.kind === 'asked') {
        row(k).asked++;
        askedAt.set(s.offer, s.at);
      } else if (s.kind === 'no_answer') row(k).noAnswer++;
      else if (s.kind === 'declined') row(k).declined++;
      else if (s.kind === 'accepted') {
        row(k).accepted++;
        const t = askedAt.get(s.offer);
        if (t !== undefined) row(k).waits.push(s.at - t);
      }
    }
  }
  return {
    alarms: runs.length,
    handedToCentre,
    onSiteWithinTarget,
    rows: [...rows.entries()].map(([responder, r]) => ({
      responder,
      asked: r.asked,
      accepted: r.accepted,
      noAnswer: r.noAnswer,
      declined: r.declined,
      medianAskToAcceptMs: median(r.waits),
    })),
  };
}
