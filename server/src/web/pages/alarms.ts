import { t } from '../../i18n/index.js';
import type { Role } from '../../store/repositories/index.js';
import { deliveryLine, withDeliveries } from '../alarm-delivery.js';
import {
  type AlarmState,
  actionLabel,
  alarmStateLabel,
  allowedActions,
  asAlarmState,
  RESPONSE_TARGET_MS,
} from '../alarm-states.js';
import { type AssignChoices, assignChoices, assignForm } from '../assign-choices.js';
import { notAvailable } from '../components.js';
import { duration, timeTag, toMs } from '../format.js';
import { type HomeLabel, homeLabels } from '../home-labels.js';
import { html, type SafeHtml, seg } from '../html.js';
import { th } from '../i18n-html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, pick, str } from '../read.js';

/**
 * Elapsed time against the 30-minute target; `app.js` keeps it ticking between refreshes. With
 * `end` the step is done: the time it took, no ticking.
 */
function targetMeter(label: string, start: number, end: number | undefined, now: number): SafeHtml {
  const elapsed = (end ?? now) - start;
  const over = elapsed > RESPONSE_TARGET_MS;
  const mins = Math.min(30, Math.floor(elapsed / 60_000));
  const d = { label, duration: duration(elapsed) };
  const text = over
    ? t('alarms.target.over', { ...d, label: end === undefined ? `${label}:` : label })
    : end === undefined
      ? t('alarms.target.running', d)
      : t('alarms.target.within', d);
  return html`<div class="target ${over ? 'target-over' : ''}"${end === undefined ? html` data-elapsed-since="${start}" data-label="${label}"` : ''}>
    <span class="target-text">${over ? html`<span aria-hidden="true">⚠ </span>` : ''}${text}</span>
    <progress max="30" value="${mins}" aria-hidden="true"></progress>
  </div>`;
}

/**
 * The step the alarm waits for, timed against the target: acknowledgement, then someone on site.
 * Once someone is on site the clock stops and says how long it took (the 30-minute target, health API.md).
 */
function responseMeter(created: number, acked: number | undefined, onSite: number | undefined, now: number) {
  if (onSite !== undefined) return targetMeter(t('alarms.target.onSiteAfter'), created, onSite, now);
  if (acked === undefined) return targetMeter(t('alarms.target.waitAck'), created, undefined, now);
  return targetMeter(t('alarms.target.waitOnSite'), created, undefined, now);
}

/**
 * A cancel from the pendant [PENDANT SPEC §5.1]: an authenticated one is stated; one from a pendant
 * that cannot be authenticated (it may be forged) is an unverified cancel that the centre confirms
 * after calling the client — until then it counts for nothing.
 */
function cancelNotice(a: Json, id: string, role: Role): SafeHtml | '' {
  const cancelled = toMs(pick(a, 'cancelledAt'));
  const unverified = toMs(pick(a, 'unverifiedCancelAt'));
  if (cancelled !== undefined)
    return html`<p class="meta cancel-note">${th(str(a, 'cancelConfirmedBy') ? 'alarms.cancelledConfirmed' : 'alarms.cancelled', { when: timeTag(cancelled) })}</p>`;
  if (unverified === undefined) return '';
  const confirm = role === 'admin' || role === 'monitor';
  return html`<div class="notice notice-warn unverified-cancel" role="note"><p><span aria-hidden="true">⚠ </span><strong>${t('alarms.unverifiedCancel')}</strong> ${th('alarms.unverifiedCancelText', { when: timeTag(unverified) })}</p>${confirm ? html`<div class="actions"><button type="button" class="btn" data-action="confirm-cancel" data-alarm-id="${id}">${t('alarms.confirmCancel')}</button></div>` : ''}</div>`;
}

/**
 * One alarm. With `choices` (admin/monitor), an acknowledged alarm is assigned to a team and
 * optionally a member through a form (REQUIREMENTS §9.5); without them the card offers "Assign to me".
 */
export function alarmCard(
  a: Json,
  now: number,
  labels: Map<string, HomeLabel>,
  role: Role,
  choices?: AssignChoices,
): SafeHtml {
  const id = str(a, 'id') ?? '';
  const state = asAlarmState(pick(a, 'state', 'status'));
  const created = toMs(pick(a, 'raisedAt', 'createdAt', 'receivedAt'));
  const acked = toMs(pick(a, 'acknowledgedAt', 'ackedAt', 'times.acknowledgedAt'));
  const onSite = toMs(pick(a, 'onSiteAt', 'times.onSiteAt'));
  const closed = toMs(pick(a, 'closedAt', 'times.closedAt'));
  const homeId = str(a, 'homeId', 'home.id');
  const where = (homeId ? labels.get(homeId)?.address : undefined) ?? homeId ?? t('alarms.unknownHome');
  const kind = str(a, 'kind', 'type') ?? 'alarm';
  // [health/API.md] care workers may only report on-site and close; acknowledging is for the centre.
  const actions = allowedActions(state, pick(a, 'allowedActions', 'actions')).filter(
    (act) => role !== 'care_worker' || act === 'on-site' || act === 'close',
  );
  const stateCls: AlarmState | 'unknown' = state ?? 'unknown';
  const form = choices && actions.includes('assign') ? assignForm(id, homeId, choices) : undefined;
  const buttons = form ? actions.filter((act) => act !== 'assign') : actions;
  const teamId = str(a, 'assignedTeamId');
  const team = str(a, 'assignedTeam.name') ?? choices?.teams.find((t) => t.id === teamId)?.name ?? teamId;
  const userId = str(a, 'assignedUserId');
  const user =
    str(a, 'assignedUserName', 'assignedUser.displayName') ??
    (userId ? choices?.names.get(userId) : undefined) ??
    userId;
  return html`<article class="alarm alarm-${stateCls}" data-alarm-id="${id}" data-state="${stateCls}" aria-labelledby="al-${id}">
  <header>
    <h3 id="al-${id}"><span class="kind">${kind === 'fall' || kind === 'alarm' ? t(`alarms.kind.${kind}`) : kind}</span> — ${homeId ? html`<a href="/app/homes/${seg(homeId)}">${where}</a>` : where}</h3>
    <span class="badge alarm-state alarm-state-${stateCls}">${alarmStateLabel(state)}</span>
  </header>
  <p class="meta">${th('alarms.raised', { when: timeTag(created, t('alarms.raisedUnknown')) })}${str(a, 'deviceId') ? html` ${t('alarms.byDevice')} <span class="mono">${str(a, 'deviceId')}</span>` : ''}${team ? html` · <span class="assigned-team">${t('alarms.team', { team })}</span>` : ''}${user ? html` · ${t('alarms.assignedTo', { name: user })}` : ''}</p>
  ${deliveryLine(pick(a, 'centreDelivery'))}
  ${created !== undefined && state !== 'closed' ? responseMeter(created, acked, onSite, now) : ''}
  ${created !== undefined && acked !== undefined ? html`<p class="meta">${t('alarms.ackAfter', { duration: duration(acked - created) })}${onSite !== undefined ? html` · ${t('alarms.onSiteAfterShort', { duration: duration(onSite - created) })}` : ''}${closed !== undefined ? html` · ${th('alarms.closedAt', { when: timeTag(closed) })}` : ''}</p>` : ''}
  ${pick(a, 'authenticated') === false ? html`<p class="meta unauthenticated"><span aria-hidden="true">⚠ </span>${t('alarms.unauthenticated')}</p>` : ''}
  ${cancelNotice(a, id, role)}
  ${form ?? ''}
  ${
    buttons.length > 0
      ? html`<div class="actions">${buttons.map(
          (act, i) =>
            html`<button type="button" class="btn ${i === 0 && !form ? 'btn-primary' : ''}" data-action="${act}" data-alarm-id="${id}">${actionLabel(act)}</button>`,
        )}</div>`
      : ''
  }
</article>`;
}

/** Alarm inbox: open alarms first, oldest first, with the allowed next steps. */
export async function alarmsPage(c: PageContext): Promise<PageResult> {
  const [r, rc] = await Promise.all([
    c.api.get('/api/v1/alarms', { open: 'true', limit: 200 }),
    c.api.get('/api/v1/alarms', { state: 'closed', limit: 20 }),
  ]);
  const role = c.principal.user.role;
  let body: SafeHtml;
  if (!r.ok) body = notAvailable(t('alarms.inbox'), r);
  else {
    const open = await withDeliveries(
      c.api,
      list(r.data).filter((a) => asAlarmState(pick(a, 'state', 'status')) !== 'closed'),
    );
    const closed = rc.ok
      ? list(rc.data).filter((a) => asAlarmState(pick(a, 'state', 'status')) === 'closed')
      : [];
    const [labels, choices] = await Promise.all([
      homeLabels(
        c.api,
        [...open, ...closed].map((a) => str(a, 'homeId')),
      ),
      assignChoices(c.api, role, open),
    ]);
    const byAge = (x: Json, y: Json) =>
      (toMs(pick(x, 'raisedAt', 'createdAt')) ?? 0) - (toMs(pick(y, 'raisedAt', 'createdAt')) ?? 0);
    open.sort(byAge);
    closed.sort((x, y) => byAge(y, x));
    body = html`<section aria-labelledby="h-open" data-open-alarms="${open.length}"><h2 id="h-open">${t('alarms.open', { count: open.length })}</h2>
  ${open.length > 0 ? html`<div class="alarm-list">${open.map((a) => alarmCard(a, c.now, labels, role, choices))}</div>` : html`<p class="notice notice-ok" role="status"><span aria-hidden="true">✓ </span>${t('alarms.noneOpen')}</p>`}
</section>
<section aria-labelledby="h-closed"><h2 id="h-closed">${t('alarms.recentlyClosed', { count: closed.length })}</h2>
  ${closed.length > 0 ? html`<div class="alarm-list">${closed.slice(0, 20).map((a) => alarmCard(a, c.now, labels, role, choices))}</div>` : html`<p class="muted">${t('common.none')}</p>`}
</section>`;
  }
  return {
    title: t('alarms.title'),
    scripts: ['alarms.js'],
    controls: html`<p id="action-status" class="notice" role="status" hidden></p>`,
    body,
  };
}
