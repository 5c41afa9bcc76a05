import { median } from '../../median.js';
import type { FollowupStore } from './followup-store.js';

/** REQUIREMENTS §A: help on site within 30 minutes. */
const TARGET_MS = 30 * 60_000;

/**
 * The follow-up part of the response report: per kind of responder (informal carer, care team),
 * how often asked, accepted, left unanswered or declined, and the median time from being asked to
 * accepting; how many alarms reached the alarm centre and how many had help on site within target;
 * of those handed to the centre, how many were sent over DC-09, acknowledged (and the median time
 * from hand-over to the centre's ACK), refused, or had no link, and how often the link failed over.
 */
export async function followupReport(store: FollowupStore, since: number, until: number) {
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
  const runs = await store.runsBetween(since, until);
  let handedToCentre = 0;
  let onSiteWithinTarget = 0;
  const centre = { sent: 0, acknowledged: 0, refused: 0, noLink: 0, failovers: 0, waits: [] as number[] };
  for (const run of runs) {
    const askedAt = new Map<number, number>();
    let handedAt: number | null = null;
    for (const s of await store.steps(run.alarmId)) {
      const k = s.targetKind === 'carer' ? 'informal_carer' : s.targetKind === 'team' ? 'care_team' : null;
      if (s.kind === 'handed_to_centre') {
        handedToCentre++;
        handedAt = s.at;
      }
      if (s.kind === 'centre_sent') centre.sent++;
      if (s.kind === 'centre_refused') centre.refused++;
      if (s.kind === 'centre_no_link') centre.noLink++;
      if (s.kind === 'centre_failover') centre.failovers++;
      if (s.kind === 'centre_acked') {
        centre.acknowledged++;
        if (handedAt !== null) centre.waits.push(Math.max(0, s.at - handedAt));
      }
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
    alarmCentre: {
      sent: centre.sent,
      acknowledged: centre.acknowledged,
      refused: centre.refused,
      noLink: centre.noLink,
      failovers: centre.failovers,
      medianHandToAckMs: median(centre.waits),
    },
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
