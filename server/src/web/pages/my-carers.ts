import { type MessageKey, t } from '../../i18n/index.js';
import { notAvailable } from '../components.js';
import { timeTag } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import { th } from '../i18n-html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, pick, str } from '../read.js';

const STEP_KINDS = new Set([
  'asked',
  'notified',
  'not_notified',
  'no_answer',
  'declined',
  'accepted',
  'handed_to_centre',
  'on_site',
  'ended',
  'centre_sent',
  'centre_acked',
  'centre_no_link',
  'centre_refused',
  'centre_failed',
  'centre_failover',
]);

function carerRow(clientId: string, c: Json, i: number, n: number): SafeHtml {
  const id = str(c, 'id') ?? '';
  const status = str(c, 'status') ?? 'not_invited';
  return html`<li class="carer" data-carer-id="${id}">
  <strong>${i + 1}. ${str(c, 'name') ?? ''}</strong> <span class="muted">${str(c, 'relation') ?? ''} · ${t(`myCarers.status.${status}` as MessageKey)}</span>
  <span class="actions">
    ${i > 0 ? html`<button type="button" class="btn btn-quiet" data-carer-move="-1" data-client-id="${clientId}">${t('myCarers.up')}</button>` : ''}
    ${i < n - 1 ? html`<button type="button" class="btn btn-quiet" data-carer-move="1" data-client-id="${clientId}">${t('myCarers.down')}</button>` : ''}
    ${status !== 'active' ? html`<button type="button" class="btn btn-quiet" data-carer-invite data-client-id="${clientId}">${t('myCarers.invite')}</button>` : ''}
    <button type="button" class="btn btn-quiet" data-carer-remove data-client-id="${clientId}">${t('myCarers.remove')}</button>
  </span>
</li>`;
}

/** Which preset the consent matches: `never`, `always` (all week) or `day` (08:00–22:00). */
function preset(consent: Json): string {
  if (!consent) return 'never';
  const w = list(consent, 'windows');
  return w.every((x) => num(x, 'fromMinute') === 0 && num(x, 'toMinute') === 1440) ? 'always' : 'day';
}

function keyRow(homeId: string, c: Json): SafeHtml {
  const userId = str(c, 'userId') ?? '';
  const p = preset(pick(c, 'consent'));
  const opt = (v: string, label: string) =>
    html`<label><input type="radio" name="key-${userId}" value="${v}"${p === v ? html` checked` : ''}> ${label}</label>`;
  return html`<fieldset class="key-consent" data-user-id="${userId}" data-home-id="${homeId}">
  <legend>${str(c, 'name') ?? ''}</legend>
  ${opt('never', t('myCarers.never'))} ${opt('always', t('myCarers.alarmAlways'))} ${opt('day', t('myCarers.alarmDay'))}
  <button type="button" class="btn btn-primary" data-consent-save>${t('myCarers.save')}</button>
</fieldset>`;
}

function stepLine(s: Json): SafeHtml {
  const kind = str(s, 'kind') ?? '';
  if (!STEP_KINDS.has(kind)) return html``;
  const name = str(s, 'who') ?? str(s, 'targetName') ?? '';
  return html`<li data-step="${kind}">${th(`followup.step.${kind}` as MessageKey, { when: timeTag(num(s, 'at')), name, detail: str(s, 'detail') ?? '' })}</li>`;
}

function stepsBlock(runs: Json[]): SafeHtml {
  if (runs.length === 0) return html`<p class="muted">${t('myCarers.noAlarms')}</p>`;
  return html`${runs.map(
    (r) =>
      html`<ol class="followup-steps card" data-alarm-id="${str(r, 'alarmId') ?? ''}">${list(r, 'steps').map(stepLine)}</ol>`,
  )}`;
}

function historyBlock(access: Json): SafeHtml {
  const h = list(access, 'history');
  if (h.length === 0) return html``;
  return html`<h3>${t('myCarers.history')}</h3><ul class="consent-history">${h.map(
    (x) =>
      html`<li>${th('myCarers.granted', { when: timeTag(num(x, 'grantedAt')), carer: str(x, 'carer') ?? '' })}${
        num(x, 'withdrawnAt') !== undefined
          ? html` — ${th('myCarers.withdrawn', { when: timeTag(num(x, 'withdrawnAt')) })}`
          : ''
      }</li>`,
  )}</ul>`;
}

/**
 * The client's own page for the people around them [REQUIREMENTS §9.6]: name and order their
 * informal carers (each gets a one-time invitation link), decide who may get the key-safe code and
 * when, and see what happened after each alarm — who was asked, who answered, who came.
 */
export async function myCarersPage(c: PageContext): Promise<PageResult> {
  const clientId = c.principal.user.clientId ?? '';
  const [carers, homes] = await Promise.all([
    c.api.get(`/api/v1/clients/${seg(clientId)}/carers`),
    c.api.get('/api/v1/homes', { limit: 5 }),
  ]);
  const homeIds = homes.ok ? list(homes.data).map((h) => str(h, 'id') ?? '') : [];
  const perHome = await Promise.all(
    homeIds.map(async (id) => ({
      id,
      access: await c.api.get(`/api/v1/homes/${seg(id)}/carer-access`),
      followup: await c.api.get(`/api/v1/homes/${seg(id)}/followup`, { limit: 5 }),
    })),
  );
  const items = carers.ok ? list(carers.data) : [];
  return {
    title: t('myCarers.title'),
    scripts: ['my-carers.js'],
    controls: html`<form id="add-carer" class="card narrow" data-client-id="${clientId}" data-msg-invitation="${t('myCarers.js.invitation', { until: '{until}' })}">
  <h2>${t('myCarers.add')}</h2>
  <label for="carer-name">${t('myCarers.name')}</label><input id="carer-name" name="name" required maxlength="200">
  <label for="carer-relation">${t('myCarers.relation')}</label><input id="carer-relation" name="relation" maxlength="100">
  <button type="submit" class="btn btn-primary">${t('myCarers.addButton')}</button>
  <div id="invitation" role="status" aria-live="polite" hidden></div>
</form>`,
    body: html`<section class="narrow" aria-labelledby="h-order"><h2 id="h-order">${t('myCarers.order')}</h2>
  <p class="muted">${t('myCarers.orderHelp')}</p>
  ${carers.ok ? (items.length > 0 ? html`<ol class="plain carers">${items.map((x, i) => carerRow(clientId, x, i, items.length))}</ol>` : html`<p>${t('myCarers.none')}</p>`) : notAvailable(t('myCarers.yourCarers'), carers)}
</section>
${perHome.map(
  (
    h,
  ) => html`<section class="narrow" aria-labelledby="h-keys-${h.id}"><h2 id="h-keys-${h.id}">${t('myCarers.keys')}</h2>
  <p class="muted">${t('myCarers.keysHelp')}</p>
  ${h.access.ok ? html`${list(h.access.data, 'carers').map((x) => keyRow(h.id, x))}${historyBlock(h.access.data)}` : notAvailable(t('myCarers.keyAccess'), h.access)}
</section>
<section class="narrow" aria-labelledby="h-steps-${h.id}"><h2 id="h-steps-${h.id}">${t('myCarers.steps')}</h2>
  ${h.followup.ok ? stepsBlock(list(h.followup.data)) : notAvailable(t('myCarers.recentAlarms'), h.followup)}
</section>`,
)}`,
  };
}
