import { t } from '../../i18n/index.js';
import { notAvailable } from '../components.js';
import { timeTag } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import { th } from '../i18n-html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, obj, pick, str } from '../read.js';
import { windowsText } from './access-sections.js';
import { employeesSection } from './functions-employees.js';
import { SITUATIONS, says, windowsEditor } from './functions-windows.js';

function functionCard(f: Json): SafeHtml {
  const id = str(f, 'id') ?? '';
  const windows = obj(pick(f, 'windows'));
  const of = (s: string) => list(windows[s]);
  return html`<article class="card" data-function="${id}"><h3>${str(f, 'name') ?? '?'}</h3>
${str(f, 'description') ? html`<p class="muted">${str(f, 'description')}</p>` : ''}
<dl class="facts">${SITUATIONS.map(
    (s) =>
      html`<dt>${t(`situation.${s}`)}</dt><dd data-hours="${s}">${of(s).length === 0 ? html`<span class="muted">${t('matrix.noHoursFor')}</span>` : windowsText(of(s))}</dd>`,
  )}</dl>
<details data-edit-hours><summary>${t('matrix.changeHours')}</summary>
<form class="stack-form windows-form" data-api="/api/v1/access/functions/${seg(id)}/windows" data-method="PUT"${says()}>
${SITUATIONS.map((s) => windowsEditor(s, s, of(s)))}
<p class="muted">${t('matrix.untilHint')}</p>
<button type="submit" class="btn btn-primary">${t('matrix.saveHours')}</button>
</form></details></article>`;
}

function newFunction(): SafeHtml {
  return html`<details class="card" data-function-new><summary><strong>${t('matrix.functionNew')}</strong></summary>
<form class="stack-form windows-form" data-api="/api/v1/access/functions" data-method="POST"${says()} data-err-conflict="${t('matrix.nameTaken')}">
  <label>${t('matrix.field.name')} <input name="name" required maxlength="100" autocomplete="off"></label>
  <label>${t('matrix.field.description')} <input name="description" maxlength="500" autocomplete="off"></label>
  ${SITUATIONS.map((s) => windowsEditor(`windows.${s}`, s, []))}
  <p class="muted">${t('matrix.untilHint')}</p>
  <button type="submit" class="btn btn-primary">${t('matrix.create')}</button>
</form></details>`;
}

function reviewSection(r: Json, names: Map<string, string>): SafeHtml {
  const last = pick(r, 'lastReview');
  const due = num(r, 'dueAt');
  const by = str(last, 'reviewedBy') ?? '';
  return html`<section aria-labelledby="review-h" data-section="review"><h2 id="review-h">${t('matrix.review')}</h2>
${
  last
    ? html`<p data-review-last>${th('matrix.reviewLast', { when: timeTag(num(last, 'reviewedAt')), who: names.get(by) ?? by, note: str(last, 'note') ?? '' })}</p>`
    : html`<p>${t('matrix.reviewNever')}</p>`
}
${
  pick(r, 'overdue') === true
    ? html`<p class="notice notice-error" data-review-overdue>${t('matrix.reviewOverdue')}</p>`
    : due !== undefined
      ? html`<p>${th('matrix.reviewDue', { when: timeTag(due) })}</p>`
      : ''
}
<form class="stack-form" data-api="/api/v1/access/matrix/reviews" data-method="POST"${says()} data-review>
  <label>${t('matrix.field.note')} <textarea name="note" required maxlength="2000" rows="2"></textarea></label>
  <button type="submit" class="btn btn-secondary">${t('matrix.recordReview')}</button>
</form></section>`;
}

/**
 * Functions and the access matrix for admins (REQUIREMENTS §9.3, access/README.md): each
 * function's access hours per situation, who has which functions and a signed declaration, and
 * the yearly review — what was API-only.
 */
export async function functionsPage(c: PageContext): Promise<PageResult> {
  const [functions, employees, review, settings, users] = await Promise.all([
    c.api.get('/api/v1/access/functions'),
    c.api.get('/api/v1/access/employees'),
    c.api.get('/api/v1/access/matrix/review-status'),
    c.api.get('/api/v1/access/settings'),
    c.api.get('/api/v1/users'),
  ]);
  const fs = functions.ok ? list(functions.data) : [];
  const people = users.ok ? list(users.data) : [];
  const names = new Map(people.map((u) => [str(u, 'id') ?? '', str(u, 'displayName') ?? '?']));
  const roles = new Map(people.map((u) => [str(u, 'id') ?? '', str(u, 'role') ?? '']));
  const timeZone = (settings.ok ? str(settings.data, 'timeZone') : undefined) ?? c.i18n.timeZone;
  const body = html`<p class="muted">${th('matrix.intro', {
    teamsLink: html`<a href="/app/manage-access">${t('matrix.teamsLink')}</a>`,
    timeZone,
  })}</p>
<section aria-labelledby="functions-h" data-section="functions"><h2 id="functions-h">${t('matrix.functions')}</h2>
${
  functions.ok
    ? fs.length === 0
      ? html`<p class="muted">${t('matrix.noFunctions')}</p>`
      : fs.map(functionCard)
    : notAvailable(t('matrix.functions'), functions)
}
${newFunction()}
</section>
${employees.ok ? employeesSection(list(employees.data), fs, roles) : notAvailable(t('matrix.employees'), employees)}
${review.ok ? reviewSection(review.data, names) : notAvailable(t('matrix.review'), review)}`;
  return {
    title: t('matrix.title'),
    controls: html`<p id="action-status" class="notice" role="status" hidden></p>`,
    body,
    scripts: ['forms.js'],
  };
}
