import { type MessageKey, t } from '../../i18n/index.js';
import { notAvailable } from '../components.js';
import { timeTag, toMs } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { th } from '../i18n-html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, str } from '../read.js';

const REASONS = [
  'no_consent',
  'consent_alarm_only',
  'outside_window',
  'alarm_not_accepted_by_you',
  'alarm_not_assigned_to_team',
  'no_open_alarm',
  'keysafe_blocked',
  'person_blocked',
] as const;

/** The words the page script shows, in the request's language (it reads them from `data-msgs`). */
function scriptMessages(): string {
  const m: Record<string, string> = {};
  // Placeholders stay as `{name}` for the script to fill in.
  for (const k of [
    'codeIntro',
    'codeWindow',
    'noCode',
    'pushOn',
    'pushUnsupported',
    'pushDenied',
    'pushRefused',
    'pushUnreachable',
  ])
    m[k] = t(`respond.js.${k}` as MessageKey, { from: '{from}', to: '{to}', reason: '{reason}' });
  for (const r of REASONS) m[`reason.${r}`] = t(`respond.reason.${r}`);
  return JSON.stringify(m);
}

function offerItem(o: Json): SafeHtml {
  const status = str(o, 'status');
  const alarmId = str(o, 'alarmId') ?? '';
  const homeId = str(o, 'homeId') ?? '';
  const address = str(o, 'address') ?? '';
  const deadline = num(o, 'deadlineAt');
  const procedure = str(o, 'accessProcedure');
  return html`<li class="card offer offer-${status ?? ''}" data-alarm-id="${alarmId}" data-status="${status ?? ''}">
  <h2>${t('respond.alarmAt', { address })}</h2>
  <p class="muted">${str(o, 'kind') === 'team' ? html`${t('respond.forTeam')} · ` : ''}${th('respond.since', { when: timeTag(toMs(num(o, 'raisedAt'))) })}</p>
  ${
    status === 'accepted'
      ? html`<p>${th('respond.accepted', { address: html`<strong>${address}</strong>` })}</p>
  ${procedure ? html`<p>${t('respond.howToGetIn', { procedure })}</p>` : ''}
  <button type="button" class="btn btn-primary btn-block" data-request-code data-home-id="${homeId}" data-alarm-id="${alarmId}">${t('respond.getCode')}</button>`
      : html`${status === 'open' && deadline !== undefined ? html`<p>${th('respond.answerBefore', { when: timeTag(deadline) })}</p>` : html`<p>${t('respond.askedBefore')}</p>`}
  <button type="button" class="btn btn-primary btn-block" data-offer-action="accept" data-alarm-id="${alarmId}">${t('respond.accept')}</button>
  ${status === 'open' ? html`<button type="button" class="btn btn-quiet btn-block" data-offer-action="decline" data-alarm-id="${alarmId}">${t('respond.decline')}</button>` : ''}`
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
    title: t('respond.title'),
    scripts: ['respond.js'],
    // Outside the live region: a live refresh must not wipe a code being shown.
    controls: html`<div id="page-msgs" hidden data-msgs="${scriptMessages()}"></div>
<div id="code-result" class="narrow" role="status" aria-live="polite" hidden></div>
<section class="narrow card push-box" aria-labelledby="h-push">
  <h2 id="h-push">${t('respond.notifications')}</h2>
  <p class="muted">${t('respond.pushHelp')}</p>
  <p id="push-state" role="status" aria-live="polite"></p>
  <button type="button" class="btn btn-quiet" id="enable-push">${t('respond.enablePush')}</button>
</section>`,
    body: html`<section class="narrow" data-open-alarms="${open}">
  ${r.ok ? (offers.length > 0 ? html`<ul class="plain offers">${offers.map(offerItem)}</ul>` : html`<p>${t('respond.none')}</p>`) : notAvailable(t('respond.yourAlarms'), r)}
</section>`,
  };
}
