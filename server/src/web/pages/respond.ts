import { notAvailable } from '../components.js';
import { timeTag, toMs } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, str } from '../read.js';

/** The words of the responder's phone page, in one place (followup/README.md). */
const T = {
  title: 'Alarms for you',
  none: 'Nobody needs you right now. When an alarm comes, your phone shows it here and as a notification.',
  alarmAt: 'Alarm at',
  since: 'since',
  answerBefore: 'Answer before',
  askedBefore: 'You were asked earlier; nobody has accepted yet. You can still go.',
  accept: 'Accept — I am going',
  decline: 'I cannot go',
  accepted: 'You accepted. Go to:',
  howToGetIn: 'How to get in',
  getCode: 'Get the key safe code',
  notifications: 'Notifications on this phone',
  enablePush: 'Turn on notifications',
  pushHelp: 'So that an alarm reaches you even when this page is closed.',
  team: 'for your team',
} as const;

function offerItem(o: Json): SafeHtml {
  const status = str(o, 'status');
  const alarmId = str(o, 'alarmId') ?? '';
  const homeId = str(o, 'homeId') ?? '';
  const deadline = num(o, 'deadlineAt');
  return html`<li class="card offer offer-${status ?? ''}" data-alarm-id="${alarmId}" data-status="${status ?? ''}">
  <h2>${T.alarmAt} ${str(o, 'address') ?? ''}</h2>
  <p class="muted">${str(o, 'kind') === 'team' ? html`${T.team} · ` : ''}${T.since} ${timeTag(toMs(num(o, 'raisedAt')))}</p>
  ${
    status === 'accepted'
      ? html`<p>${T.accepted} <strong>${str(o, 'address') ?? ''}</strong></p>
  ${str(o, 'accessProcedure') ? html`<p><strong>${T.howToGetIn}:</strong> ${str(o, 'accessProcedure') ?? ''}</p>` : ''}
  <button type="button" class="btn btn-primary btn-block" data-request-code data-home-id="${homeId}" data-alarm-id="${alarmId}">${T.getCode}</button>
`
      : html`${status === 'open' && deadline !== undefined ? html`<p>${T.answerBefore} ${timeTag(deadline)}</p>` : html`<p>${T.askedBefore}</p>`}
  <button type="button" class="btn btn-primary btn-block" data-offer-action="accept" data-alarm-id="${alarmId}">${T.accept}</button>
  ${status === 'open' ? html`<button type="button" class="btn btn-quiet btn-block" data-offer-action="decline" data-alarm-id="${alarmId}">${T.decline}</button>` : ''}`
  }
</li>`;
}

/**
 * The phone page of whoever the follow-up chain asks (an informal carer or a care worker): the
 * alarms waiting for their answer, accept or decline, then the address, how to get in, and a
 * key-safe code when the matrix or the client's consent allows it. Installable (manifest and
 * service worker) so notifications arrive with the page closed.
 */
export async function respondPage(c: PageContext): Promise<PageResult> {
  const r = await c.api.get('/api/v1/followup/offers');
  const offers = r.ok ? list(r.data) : [];
  const open = offers.filter((o) => str(o, 'status') !== 'accepted').length;
  return {
    title: T.title,
    scripts: ['respond.js'],
    // Outside the live region: a live refresh must not wipe a code being shown.
    controls: html`<div id="code-result" class="narrow" role="status" aria-live="polite" hidden></div>
<section class="narrow card push-box" aria-labelledby="h-push">
  <h2 id="h-push">${T.notifications}</h2>
  <p class="muted">${T.pushHelp}</p>
  <p id="push-state" role="status" aria-live="polite"></p>
  <button type="button" class="btn btn-quiet" id="enable-push">${T.enablePush}</button>
</section>`,
    body: html`<section class="narrow" data-open-alarms="${open}">
  ${r.ok ? (offers.length > 0 ? html`<ul class="plain offers">${offers.map(offerItem)}</ul>` : html`<p>${T.none}</p>`) : notAvailable('your alarms', r)}
</section>`,
  };
}
