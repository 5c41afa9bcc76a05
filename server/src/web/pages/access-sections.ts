import type { ApiResult } from '../api-client.js';
import { emptyRow, notAvailable } from '../components.js';
import { timeTag, toMs } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { type Json, list, num, obj, pick, str } from '../read.js';

/** Situations of the access matrix in plain words (access/README.md). */
export const SITUATION_LABEL: Record<string, string> = {
  planned_care: 'Planned care',
  alarm: 'Alarm follow-up',
};

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const hhmm = (min: number) =>
  `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

function hours(from: number, to: number): string {
  return from === 0 && to >= 1440 ? 'all day' : `${hhmm(from)}–${hhmm(Math.min(to, 1440))}`;
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
  if (days.length === 7) return 'Every day';
  const parts: string[] = [];
  let i = 0;
  while (i < days.length) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === (days[j] ?? 0) + 1) j++;
    const a = WEEKDAYS[(days[i] ?? 0) - 1] ?? '?';
    const b = WEEKDAYS[(days[j] ?? 0) - 1] ?? '?';
    parts.push(j === i ? a : j === i + 1 ? `${a}, ${b}` : `${a}–${b}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** Why someone in the matrix cannot get a code now (overviews.ts `inactiveReason`). */
const INACTIVE: Record<string, string> = {
  disabled: 'Account disabled',
  expired: 'Temporary access ended',
  no_declaration: 'No signed declaration yet',
  blocked: 'Blocked',
};

function whenText(functions: Json[]): SafeHtml {
  const lines: SafeHtml[] = [];
  for (const f of functions) {
    const windows = obj(pick(f, 'windows'));
    for (const [situation, ws] of Object.entries(windows)) {
      const items = Array.isArray(ws) ? ws : [];
      if (items.length === 0) continue;
      lines.push(
        html`<li><strong>${SITUATION_LABEL[situation] ?? situation}</strong> (${str(f, 'name') ?? 'function'}): ${windowsText(items)}</li>`,
      );
    }
  }
  return lines.length > 0
    ? html`<ul class="plain">${lines}</ul>`
    : html`<span class="muted">No access hours</span>`;
}

function personRow(p: Json): SafeHtml {
  const active = pick(p, 'active') === true;
  const reason = str(p, 'inactiveReason');
  const until = toMs(pick(p, 'validUntil'));
  const teams = list(p, 'teams')
    .map((t) => str(t, 'name', 'id') ?? '')
    .join(', ');
  return html`<tr data-person="${str(p, 'userId') ?? ''}">
    <td>${str(p, 'displayName') ?? 'Unknown'}${until !== undefined ? html`<br><span class="muted">temporary, until ${timeTag(until)}</span>` : ''}</td>
    <td data-label="Why">${teams ? html`Member of ${teams}` : html`<span class="muted">no team</span>`}</td>
    <td data-label="When">${whenText(list(p, 'functions'))}</td>
    <td data-label="Now">${
      active
        ? html`<span class="badge state-online"><span aria-hidden="true">●</span> Can get a code</span>`
        : html`<span class="badge state-offline"><span aria-hidden="true">✕</span> ${INACTIVE[reason ?? ''] ?? 'Cannot get a code'}</span>`
    }</td>
  </tr>`;
}

/** "Who may enter this home, when and why" (REQUIREMENTS §9.4) from `/homes/:id/access-overview`. */
export function whoMayEnterSection(r: ApiResult): SafeHtml {
  const people = r.ok ? list(r.data, 'people') : [];
  return html`<section aria-labelledby="h-who" data-section="who-may-enter"><h2 id="h-who">Who may enter this home</h2>
  ${
    r.ok
      ? html`<p class="muted">Care workers of the teams that serve this home, the hours in which they can get a one-time code, and whether they can get one now.</p>
  <div class="table-wrap"><table class="list"><thead><tr><th scope="col">Who</th><th scope="col">Why</th><th scope="col">When</th><th scope="col">Now</th></tr></thead>
  <tbody>${people.length > 0 ? people.map(personRow) : emptyRow(4, 'Nobody may enter this home with a code.')}</tbody></table></div>`
      : notAvailable('who may enter', r)
  }
</section>`;
}

function entryRow(e: Json): SafeHtml {
  const entered = toMs(pick(e, 'enteredAt'));
  const situation = str(e, 'situation') ?? '';
  const revoked = pick(e, 'revoked') === true;
  return html`<tr data-entry>
    <td>${entered !== undefined ? timeTag(entered) : html`<span class="muted">${revoked ? 'code withdrawn' : 'not used'}</span>`}</td>
    <td data-label="Who">${str(e, 'who') ?? 'Unknown'}</td>
    <td data-label="Situation">${SITUATION_LABEL[situation] ?? situation}</td>
    <td data-label="How">${str(e, 'how') ?? ''}${str(e, 'releasedBy') && str(e, 'releasedBy') !== str(e, 'who') ? html` <span class="muted">(by ${str(e, 'releasedBy')})</span>` : ''}</td>
    <td data-label="Code given">${timeTag(toMs(pick(e, 'releasedAt')))}</td>
  </tr>`;
}

/** Who entered when, under which situation (REQUIREMENTS §9.6) from `/homes/:id/access-log`. */
export function accessLogSection(r: ApiResult): SafeHtml {
  const entries = r.ok ? list(r.data, 'entries') : [];
  const unmatched = r.ok ? list(r.data, 'openingsWithoutRelease') : [];
  return html`<section aria-labelledby="h-log" data-section="access-log"><h2 id="h-log">Access log</h2>
  ${
    r.ok
      ? html`${
          unmatched.length > 0
            ? html`<div class="notice notice-error" role="alert"><strong><span aria-hidden="true">⚠ </span>The key safe opened without a released code:</strong>
    <ul>${unmatched.map((u) => html`<li>${timeTag(toMs(pick(u, 'at')))} — ${str(u, 'message') ?? ''}</li>`)}</ul></div>`
            : ''
        }
  <div class="table-wrap"><table class="list"><thead><tr><th scope="col">Entered</th><th scope="col">Who</th><th scope="col">Situation</th><th scope="col">How</th><th scope="col">Code given</th></tr></thead>
  <tbody>${entries.length > 0 ? entries.map(entryRow) : emptyRow(5, 'Nobody has been given access yet.')}</tbody></table></div>`
      : notAvailable('the access log', r)
  }
</section>`;
}
