import type { I18n } from '../../i18n/index.js';
import type { Offer } from './chain.js';

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
    ending: {
      close: i.t('followup.end.closed'),
      cancel: i.t('followup.end.cancel'),
      'confirm-cancel': i.t('followup.end.confirmCancel'),
      assign: i.t('followup.end.assign'),
    } as Record<string, string>,
  };
}
export type FollowupTexts = ReturnType<typeof followupTexts>;
