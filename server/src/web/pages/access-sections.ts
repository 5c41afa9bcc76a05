import { hasMessage, type MessageKey, t, word } from '../../i18n/index.js';
import type { ApiResult } from '../api-client.js';
import { emptyRow, notAvailable } from '../components.js';
import { timeTag, toMs } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { th } from '../i18n-html.js';
import { type Json, list, num, obj, pick, str } from '../read.js';

/** Situations of the access matrix in plain words (access/README.md). */
export const situationLabel = (s: string): string => word('situation', s);

/** The access log's `how` comes from the API as an English phrase; shown in the page's language. */
const HOW: Record<string, MessageKey> = {
  'one-time code': 'access.how.one_time_code',
  'opened remotely by the alarm centre': 'access.how.remote_open',
  'code given by phone by the alarm centre': 'access.how.by_phone',
  'former employee': 'access.formerEmployee',
};
const phrase = (s: string | undefined): string => {
  const key = HOW[s ?? ''];
  return key ? t(key) : (s ?? '');
};
const weekday = (d: number): string => word('weekday', String(d));
const hhmm = (min: number) =>
  `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

function hours(from: number, to: number): string {
  return from === 0 && to >= 1440 ? t('access.allDay') : `${hhmm(from)}–${hhmm(Math.min(to, 1440))}`;
}

/**
 * Weekly windows (ISO weekday 1–7, `[fromMinute, toMinute)`, local time) in words, days with the
 * same hours grouped: `Every day all day`, `Mon–Fri 07:00–22:00; Sat 09:00–17:00`.
 */
export function windowsText(ws: Json[]): string {
  const byHours = new Map<string, { from: number; to: number; days: Set<number> }>();
  for (const w of ws) {
    const from = num(w, 'fromMinute') ?? 0;
    const to = num(w, 'toMinute') ?? 0;
    const k = `${from}-${to}`;
    const g = byHours.get(k) ?? { from, to, days: new Set<number>() };
    g.days.add(num(w, 'weekday') ?? 0);
    byHours.set(k, g);
  }
  return [...byHours.values()]
    .map((g) => `${dayRanges([...g.days].sort((a, b) => a - b))} ${hours(g.from, g.to)}`)
    .join('; ');
}

function dayRanges(days: number[]): string {
  if (days.length === 7) return t('access.everyDay');
  const parts: string[] = [];
  let i = 0;
  while (i < days.length) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === (days[j] ?? 0) + 1) j++;
    const a = weekday(days[i] ?? 0);
    const b = weekday(days[j] ?? 0);
    parts.push(j === i ? a : j === i + 1 ? `${a}, ${b}` : `${a}–${b}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** Why someone in the matrix cannot get a code now (overviews.ts `inactiveReason`). */
export const inactive = (reason: string | undefined): string =>
  hasMessage(`access.inactive.${reason}`) ? word('access.inactive', reason) : t('access.inactive.other');

function whenText(functions: Json[]): SafeHtml {
  const lines: SafeHtml[] = [];
  for (const f of functions) {
    const windows = obj(pick(f, 'windows'));
    for (const [situation, ws] of Object.entries(windows)) {
      const items = Array.isArray(ws) ? ws : [];
      if (items.length === 0) continue;
      lines.push(
        html`<li><strong>${situationLabel(situation)}</strong> (${str(f, 'name') ?? t('access.function')}): ${windowsText(items)}</li>`,
      );
    }
  }
  return lines.length > 0
    ? html`<ul class="plain">${lines}</ul>`
    : html`<span class="muted">${t('access.noHours')}</span>`;
}

function personRow(p: Json): SafeHtml {
  const active = pick(p, 'active') === true;
  const reason = str(p, 'inactiveReason');
  const until = toMs(pick(p, 'validUntil'));
  const teams = list(p, 'teams')
    .map((t) => str(t, 'name', 'id') ?? '')
    .join(', ');
  return html`<tr data-person="${str(p, 'userId') ?? ''}">
    <td>${str(p, 'displayName') ?? t('access.unknownPerson')}${until !== undefined ? html`<br><span class="muted">${th('access.temporaryUntil', { when: timeTag(until) })}</span>` : ''}</td>
    <td data-label="${t('access.col.why')}">${teams ? t('access.memberOf', { teams }) : html`<span class="muted">${t('access.noTeam')}</span>`}</td>
    <td data-label="${t('access.col.when')}">${whenText(list(p, 'functions'))}</td>
    <td data-label="${t('access.col.now')}">${
      active
        ? html`<span class="badge state-online"><span aria-hidden="true">●</span> ${t('access.canGetCode')}</span>`
        : html`<span class="badge state-offline"><span aria-hidden="true">✕</span> ${inactive(reason)}</span>`
    }</td>
  </tr>`;
}

/** "Who may enter this home, when and why" (REQUIREMENTS §9.4) from `/homes/:id/access-overview`. */
export function whoMayEnterSection(r: ApiResult): SafeHtml {
  const people = r.ok ? list(r.data, 'people') : [];
  return html`<section aria-labelledby="h-who" data-section="who-may-enter"><h2 id="h-who">${t('access.whoMayEnter')}</h2>
  ${
    r.ok
      ? html`<p class="muted">${t('access.whoMayEnterIntro')}</p>
  <div class="table-wrap"><table class="list"><thead><tr><th scope="col">${t('access.col.who')}</th><th scope="col">${t('access.col.why')}</th><th scope="col">${t('access.col.when')}</th><th scope="col">${t('access.col.now')}</th></tr></thead>
  <tbody>${people.length > 0 ? people.map(personRow) : emptyRow(4, t('access.nobodyMayEnter'))}</tbody></table></div>`
      : notAvailable(t('access.whoMayEnterWhat'), r)
  }
</section>`;
}

function entryRow(e: Json): SafeHtml {
  const entered = toMs(pick(e, 'enteredAt'));
  const situation = str(e, 'situation') ?? '';
  const revoked = pick(e, 'revoked') === true;
  return html`<tr data-entry>
    <td>${entered !== undefined ? timeTag(entered) : html`<span class="muted">${t(revoked ? 'access.codeWithdrawn' : 'access.notUsed')}</span>`}</td>
    <td data-label="${t('access.col.who')}">${phrase(str(e, 'who')) || t('access.unknownPerson')}</td>
    <td data-label="${t('access.col.situation')}">${situationLabel(situation)}</td>
    <td data-label="${t('access.col.how')}">${phrase(str(e, 'how'))}${str(e, 'releasedBy') && str(e, 'releasedBy') !== str(e, 'who') ? html` <span class="muted">${t('access.by', { name: phrase(str(e, 'releasedBy')) })}</span>` : ''}</td>
    <td data-label="${t('access.col.codeGiven')}">${timeTag(toMs(pick(e, 'releasedAt')))}</td>
  </tr>`;
}

/** Who entered when, under which situation (REQUIREMENTS §9.6) from `/homes/:id/access-log`. */
export function accessLogSection(r: ApiResult): SafeHtml {
  const entries = r.ok ? list(r.data, 'entries') : [];
  const unmatched = r.ok ? list(r.data, 'openingsWithoutRelease') : [];
  return html`<section aria-labelledby="h-log" data-section="access-log"><h2 id="h-log">${t('access.log')}</h2>
  ${
    r.ok
      ? html`${
          unmatched.length > 0
            ? html`<div class="notice notice-error" role="alert"><strong><span aria-hidden="true">⚠ </span>${t('access.openedWithoutRelease')}</strong>
    <ul>${unmatched.map((u) => html`<li>${timeTag(toMs(pick(u, 'at')))} — ${str(u, 'message') ?? ''}</li>`)}</ul></div>`
            : ''
        }
  <div class="table-wrap"><table class="list"><thead><tr><th scope="col">${t('access.col.entered')}</th><th scope="col">${t('access.col.who')}</th><th scope="col">${t('access.col.situation')}</th><th scope="col">${t('access.col.how')}</th><th scope="col">${t('access.col.codeGiven')}</th></tr></thead>
  <tbody>${entries.length > 0 ? entries.map(entryRow) : emptyRow(5, t('access.nobodyYet'))}</tbody></table></div>`
      : notAvailable(t('access.logWhat'), r)
  }
</section>`;
}
