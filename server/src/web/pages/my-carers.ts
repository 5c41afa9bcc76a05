import { notAvailable } from '../components.js';
import { timeTag } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, pick, str } from '../read.js';

/** The words of the client's carers page, in one place (followup/README.md). */
const T = {
  title: 'My carers',
  order: 'Who is asked after an alarm',
  orderHelp: 'After an alarm, these people are asked one after the other, in this order. Then the care team.',
  none: 'You have not named anyone yet.',
  add: 'Add a carer',
  name: 'Name',
  relation: 'Relation (son, neighbour…)',
  addButton: 'Add and make an invitation link',
  up: 'Earlier',
  down: 'Later',
  remove: 'Remove',
  invite: 'New invitation link',
  status: {
    active: 'has the app',
    invited: 'invited, not yet accepted',
    not_invited: 'no valid invitation',
  } as Record<string, string>,
  keys: 'Key safe',
  keysHelp: 'Who of your carers may get the code of your key safe. You can change this at any time.',
  never: 'No',
  alarmAlways: 'Yes, when they accepted an alarm (day and night)',
  alarmDay: 'Yes, when they accepted an alarm, 08:00–22:00',
  save: 'Save',
  history: 'Changes you made',
  granted: 'may get the code',
  withdrawn: 'no longer',
  steps: 'Recent alarms: what happened',
  noAlarms: 'No alarms yet.',
  kinds: {
    asked: 'asked',
    notified: 'got a message on their phone',
    not_notified: 'could not be reached by phone',
    no_answer: 'did not answer in time',
    declined: 'could not go',
    accepted: 'accepted and went',
    handed_to_centre: 'the alarm centre took over',
    on_site: 'help was at your door',
    ended: 'finished',
  } as Record<string, string>,
} as const;

function carerRow(clientId: string, c: Json, i: number, n: number): SafeHtml {
  const id = str(c, 'id') ?? '';
  return html`<li class="carer" data-carer-id="${id}">
  <strong>${i + 1}. ${str(c, 'name') ?? ''}</strong> <span class="muted">${str(c, 'relation') ?? ''} · ${T.status[str(c, 'status') ?? ''] ?? ''}</span>
  <span class="actions">
    ${i > 0 ? html`<button type="button" class="btn btn-quiet" data-carer-move="-1" data-client-id="${clientId}">${T.up}</button>` : ''}
    ${i < n - 1 ? html`<button type="button" class="btn btn-quiet" data-carer-move="1" data-client-id="${clientId}">${T.down}</button>` : ''}
    ${str(c, 'status') !== 'active' ? html`<button type="button" class="btn btn-quiet" data-carer-invite data-client-id="${clientId}">${T.invite}</button>` : ''}
    <button type="button" class="btn btn-quiet" data-carer-remove data-client-id="${clientId}">${T.remove}</button>
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
  ${opt('never', T.never)} ${opt('always', T.alarmAlways)} ${opt('day', T.alarmDay)}
  <button type="button" class="btn btn-primary" data-consent-save>${T.save}</button>
</fieldset>`;
}

function stepsBlock(runs: Json[]): SafeHtml {
  if (runs.length === 0) return html`<p class="muted">${T.noAlarms}</p>`;
  return html`${runs.map(
    (r) =>
      html`<ol class="followup-steps card" data-alarm-id="${str(r, 'alarmId') ?? ''}">${list(r, 'steps').map(
        (s) =>
          html`<li data-step="${str(s, 'kind') ?? ''}">${timeTag(num(s, 'at'))} — ${str(s, 'who') ?? str(s, 'targetName') ?? ''} ${T.kinds[str(s, 'kind') ?? ''] ?? str(s, 'kind') ?? ''}</li>`,
      )}</ol>`,
  )}`;
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
    title: T.title,
    scripts: ['my-carers.js'],
    controls: html`<form id="add-carer" class="card narrow" data-client-id="${clientId}">
  <h2>${T.add}</h2>
  <label for="carer-name">${T.name}</label><input id="carer-name" name="name" required maxlength="200">
  <label for="carer-relation">${T.relation}</label><input id="carer-relation" name="relation" maxlength="100">
  <button type="submit" class="btn btn-primary">${T.addButton}</button>
  <div id="invitation" role="status" aria-live="polite" hidden></div>
</form>`,
    body: html`<section class="narrow" aria-labelledby="h-order"><h2 id="h-order">${T.order}</h2>
  <p class="muted">${T.orderHelp}</p>
  ${carers.ok ? (items.length > 0 ? html`<ol class="plain carers">${items.map((x, i) => carerRow(clientId, x, i, items.length))}</ol>` : html`<p>${T.none}</p>`) : notAvailable('your carers', carers)}
</section>
${perHome.map(
  (h) => html`<section class="narrow" aria-labelledby="h-keys-${h.id}"><h2 id="h-keys-${h.id}">${T.keys}</h2>
  <p class="muted">${T.keysHelp}</p>
  ${h.access.ok ? list(h.access.data, 'carers').map((x) => keyRow(h.id, x)) : notAvailable('key access', h.access)}
  ${
    h.access.ok && list(h.access.data, 'history').length > 0
      ? html`<h3>${T.history}</h3><ul class="consent-history">${list(h.access.data, 'history').map(
          (x) =>
            html`<li>${timeTag(num(x, 'grantedAt'))} ${str(x, 'carer') ?? ''} ${T.granted}${num(x, 'withdrawnAt') !== undefined ? html` — ${timeTag(num(x, 'withdrawnAt'))} ${T.withdrawn}` : ''}</li>`,
        )}</ul>`
      : ''
  }
</section>
<section class="narrow" aria-labelledby="h-steps-${h.id}"><h2 id="h-steps-${h.id}">${T.steps}</h2>
  ${h.followup.ok ? stepsBlock(list(h.followup.data)) : notAvailable('recent alarms', h.followup)}
</section>`,
)}`,
  };
}
