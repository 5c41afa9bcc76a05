import type { AlarmCentreDeliveryBody } from '../ingest/domain-events.js';
import type { FollowupStore, StepKind } from './followup-store.js';
import type { AlarmPort } from './ports.js';
import type { FollowupTexts } from './texts.js';

/** What is recorded for a delivery report, and the alarm timeline action that goes with it. */
function stepOf(d: AlarmCentreDeliveryBody): { kind: StepKind; action: string } | null {
  switch (d.state) {
    case 'queued':
      return { kind: 'centre_sent', action: 'followup.centre-sent' };
    case 'no_account':
      return { kind: 'centre_no_link', action: 'followup.centre-no-link' };
    case 'delivered':
      return { kind: 'centre_acked', action: 'followup.centre-acked' };
    case 'refused':
      return { kind: 'centre_refused', action: 'followup.centre-refused' };
    case 'failed':
      // the first failed try, and every move to another receiver; not every retry of a dead link
      if (d.nextReceiver !== null) return { kind: 'centre_failover', action: 'followup.centre-failover' };
      return d.attempts <= 1 ? { kind: 'centre_failed', action: 'followup.centre-failed' } : null;
  }
}

/**
 * The alarm-centre step of a run [followup/README.md §The alarm centre]: once the chain handed an
 * alarm to the centre, what the DC-09 link reports (`alarm-centre.delivery` on the bus) becomes steps
 * of the run — sent, acknowledged by the centre, refused, a failed try, a failover — and entries on
 * the alarm's timeline. Reports for alarms whose chain did not reach the centre are ignored.
 */
export class CentreSteps {
  constructor(
    private readonly store: FollowupStore,
    private readonly alarms: AlarmPort,
    private readonly texts: FollowupTexts,
  ) {}

  async record(d: AlarmCentreDeliveryBody): Promise<void> {
    const run = await this.store.run(d.alarmId);
    if (!run) return;
    if (run.plan[run.position]?.kind !== 'centre') return;
    const s = stepOf(d);
    if (!s) return;
    if (
      s.kind === 'centre_acked' &&
      (await this.store.steps(d.alarmId)).some((x) => x.kind === 'centre_acked')
    )
      return;
    await this.store.addStep({
      alarmId: d.alarmId,
      at: d.at,
      kind: s.kind,
      offer: run.position,
      targetKind: 'centre',
      targetId: null,
      targetName: null,
      userId: null,
      detail: JSON.stringify({
        seq: d.seq,
        receiver: d.receiver,
        nextReceiver: d.nextReceiver,
        error: d.error,
      }),
    });
    await this.alarms.chainStep(d.alarmId, { action: s.action, note: this.texts.centre(s.kind, d) });
  }
}
