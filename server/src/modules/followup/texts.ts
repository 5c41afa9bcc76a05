import type { I18n } from '../../i18n/index.js';
import type { AlarmCentreDeliveryBody } from '../ingest/domain-events.js';
import type { Offer } from './chain.js';
import type { StepKind } from './followup-store.js';

const CENTRE_NOTES = {
  centre_sent: 'followup.note.centreSent',
  centre_acked: 'followup.note.centreAcked',
  centre_no_link: 'followup.note.centreNoLink',
  centre_refused: 'followup.note.centreRefused',
  centre_failed: 'followup.note.centreFailed',
  centre_failover: 'followup.note.centreFailover',
} as const;

/**
 * The words the follow-up chain writes (notifications and the alarm timeline), in the
 * deployment's language (`i18n.locale`, Dutch unless set) from the catalogues.
 */
export function followupTexts(i: I18n) {
  const minutes = (o: Exclude<Offer, { kind: 'centre' }>) => Math.round(o.seconds / 60);
  return {
    pushTitle: (address: string) => i.t('followup.push.title', { address }),
    pushBody: (m: number) => i.t('followup.push.carer', { minutes: m }),
    pushBodyTeam: (m: number) => i.t('followup.push.team', { minutes: m }),
    pushTest: () => i.t('followup.push.test'),
    asked: (o: Offer) =>
      o.kind === 'centre'
        ? i.t('followup.note.centre')
        : i.t(o.kind === 'carer' ? 'followup.note.askedCarer' : 'followup.note.askedTeam', {
            name: o.name,
            minutes: minutes(o),
          }),
    noAnswer: (o: Offer) =>
      o.kind === 'centre' ? i.t('followup.note.centre') : i.t('followup.note.noAnswer', { name: o.name }),
    declined: (name: string) => i.t('followup.note.declined', { name }),
    accepted: (name: string) => i.t('followup.note.accepted', { name }),
    stopped: (why: string) => i.t('followup.note.ended', { why }),
    /** The alarm timeline's line for a report from the DC-09 link (`centre-steps.ts`). */
    centre: (kind: StepKind, d: AlarmCentreDeliveryBody) =>
      i.t(CENTRE_NOTES[kind as keyof typeof CENTRE_NOTES] ?? 'followup.note.centre', {
        seq: String(d.seq ?? ''),
        receiver: d.receiver ?? '',
        next: d.nextReceiver ?? '',
        error: d.error ?? '',
      }),
    ending: {
      close: i.t('followup.end.closed'),
      cancel: i.t('followup.end.cancel'),
      'confirm-cancel': i.t('followup.end.confirmCancel'),
      assign: i.t('followup.end.assign'),
    } as Record<string, string>,
  };
}
export type FollowupTexts = ReturnType<typeof followupTexts>;
