import type { Offer } from './chain.js';

/**
 * The words the follow-up chain writes (notifications and the alarm timeline), in one place so they
 * move to the translation catalogues as they are. English now; the pages translate step kinds.
 */
export const texts = {
  pushTitle: (address: string) => `Alarm at ${address}`,
  pushBody: (minutes: number) =>
    `Can you go? Open Baken and accept within ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  pushBodyTeam: (minutes: number) =>
    `Alarm for your team. Open Baken and accept within ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  asked: (o: Offer) =>
    o.kind === 'carer'
      ? `Follow-up: informal carer ${o.name} asked (${Math.round(o.seconds / 60)} min)`
      : o.kind === 'team'
        ? `Follow-up: care team ${o.name} asked (${Math.round(o.seconds / 60)} min)`
        : 'Follow-up: handed to the alarm centre',
  noAnswer: (o: Offer) => `Follow-up: no answer from ${o.kind === 'centre' ? 'the alarm centre' : o.name}`,
  declined: (name: string) => `Follow-up: ${name} cannot go`,
  accepted: (name: string) => `Follow-up: ${name} accepted and is on the way`,
  notified: (delivered: number, failed: number) =>
    `Follow-up: notification sent to ${delivered} device(s)${failed > 0 ? `, ${failed} failed` : ''}`,
  notNotified: 'Follow-up: no device to notify (no app installed)',
  stopped: (why: string) => `Follow-up ended: ${why}`,
} as const;
