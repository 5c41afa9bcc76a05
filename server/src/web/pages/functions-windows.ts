import { t } from '../../i18n/index.js';
import { html, type SafeHtml } from '../html.js';
import { type Json, num } from '../read.js';
import { situationLabel } from './access-sections.js';

/** The situations of the access matrix, in the order the screen shows them (access/README.md). */
export const SITUATIONS = ['planned_care', 'alarm'] as const;
/** What every form on the Functions screen says on success and failure. */
export const says = () =>
  html` data-ok="${t('matrix.ok')}" data-fail="${t('matrix.fail')}" data-err-conflict="${t('matrix.windowOrder')}"`;

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

const hhmm = (min: number) =>
  `${String(Math.floor(min / 60) % 24).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

interface Row {
  days: Set<number>;
  from: number;
  to: number;
}

/** Weekly windows grouped into rows of days with the same hours (Mon–Fri 08:00–17:00 is one row). */
export function windowRows(ws: Json[]): Row[] {
  const rows = new Map<string, Row>();
  for (const w of ws) {
    const from = num(w, 'fromMinute') ?? 0;
    const to = num(w, 'toMinute') ?? 0;
    const row = rows.get(`${from}-${to}`) ?? { days: new Set<number>(), from, to };
    row.days.add(num(w, 'weekday') ?? 0);
    rows.set(`${from}-${to}`, row);
  }
  return [...rows.values()].sort((a, b) => a.from - b.from || Math.min(...a.days) - Math.min(...b.days));
}

/**
 * One window row of the editor: day checkboxes, from and until (forms.js sends the row once per
 * ticked day: `data-spread="weekday"`).
 */
function rowEditor(r: Row | null): SafeHtml {
  return html`<div class="window-row" data-item data-spread="weekday" role="group" aria-label="${t('matrix.window')}">
<fieldset class="days"><legend>${t('matrix.days')}</legend>${DAYS.map(
    (d) =>
      html`<label><input type="checkbox" name="weekday" value="${d}" data-type="int" data-many${r?.days.has(d) ? html` checked` : ''}> ${t(`weekday.${d}`)}</label>`,
  )}</fieldset>
<label>${t('matrix.from')} <input type="time" name="fromMinute" data-type="minutes" value="${r ? hhmm(r.from) : ''}"></label>
<label>${t('matrix.until')} <input type="time" name="toMinute" data-type="end-minutes" value="${r ? hhmm(r.to) : ''}"></label>
<button type="button" class="btn btn-secondary" data-remove-item>${t('matrix.removeWindow')}</button>
</div>`;
}

/**
 * The windows of one situation as an editable list at `path` of the form's body (forms.js
 * `data-list`); with no windows yet, one empty row to fill in.
 */
export function windowsEditor(path: string, situation: string, ws: Json[]): SafeHtml {
  const rows = windowRows(ws);
  return html`<fieldset class="windows" data-list="${path}" data-situation="${situation}"><legend>${situationLabel(situation)}</legend>
${rows.length === 0 ? rowEditor(null) : rows.map(rowEditor)}
<template>${rowEditor(null)}</template>
<button type="button" class="btn btn-secondary" data-add-item>${t('matrix.addWindow')}</button>
</fieldset>`;
}
