import { i18n, type MessageKey, t } from '../../i18n/index.js';
import { emptyRow } from '../components.js';
import { html, type SafeHtml, seg } from '../html.js';
import { type Json, list, num, pick, str } from '../read.js';
import { inactive } from './access-sections.js';
import { says } from './functions-windows.js';

const COLS = ['person', 'teams', 'functions', 'declaration', 'now'] as const;
const col = (k: (typeof COLS)[number]) => t(`matrix.col.${k}` as MessageKey);

function functionsForm(userId: string, name: string, has: Set<string>, functions: Json[]): SafeHtml {
  if (functions.length === 0) return html`<span class="muted">${t('matrix.noFunctions')}</span>`;
  return html`<form class="inline-form" data-api="/api/v1/access/employees/${seg(userId)}/functions" data-method="PUT" data-keep${says()} data-employee-functions>
<fieldset class="checks"><legend class="visually-hidden">${t('matrix.functionsOf', { name })}</legend>${functions.map(
    (f) => {
      const id = str(f, 'id') ?? '';
      return html`<label><input type="checkbox" name="functionIds" value="${id}" data-many${has.has(id) ? html` checked` : ''}> ${str(f, 'name') ?? id}</label>`;
    },
  )}</fieldset>
<button type="submit" class="btn btn-secondary">${t('matrix.saveFunctions')}</button>
</form>`;
}

function declaration(userId: string, p: Json): SafeHtml {
  const signed = num(p, 'declarationSignedAt');
  return html`${signed === undefined ? html`<span class="muted">${t('matrix.noDeclaration')}</span>` : t('matrix.signedOn', { when: i18n().date(signed) })}
<details data-declaration><summary>${t('matrix.recordDeclaration')}</summary>
<form class="stack-form" data-api="/api/v1/access/employees/${seg(userId)}/declarations" data-method="POST"${says()}>
  <label>${t('matrix.field.signedAt')} <input type="date" name="signedAt" data-type="date-ms" required></label>
  <label>${t('matrix.field.documentRef')} <input name="documentRef" required maxlength="200" autocomplete="off"></label>
  <button type="submit" class="btn btn-secondary">${t('matrix.record')}</button>
</form></details>`;
}

function row(p: Json, functions: Json[], roles: Map<string, string>): SafeHtml {
  const id = str(p, 'userId') ?? '';
  const name = str(p, 'displayName') ?? '?';
  const role = roles.get(id);
  const teams = list(p, 'teams')
    .map((x) => str(x, 'name', 'id') ?? '')
    .join(', ');
  const has = new Set(list(p, 'functions').map((f) => str(f, 'id') ?? ''));
  return html`<tr data-employee="${id}">
<td data-label="${col('person')}">${name}${role ? html`<br><span class="muted">${t(`role.${role}` as MessageKey)}</span>` : ''}</td>
<td data-label="${col('teams')}">${teams || html`<span class="muted">${t('matrix.noTeams')}</span>`}</td>
<td data-label="${col('functions')}">${functionsForm(id, name, has, functions)}</td>
<td data-label="${col('declaration')}">${declaration(id, p)}</td>
<td data-label="${col('now')}">${
    pick(p, 'active') === true
      ? html`<span class="badge state-online"><span aria-hidden="true">●</span> ${t('access.canGetCode')}</span>`
      : html`<span class="badge state-offline"><span aria-hidden="true">✕</span> ${inactive(str(p, 'inactiveReason'))}</span>`
  }</td></tr>`;
}

/** Every employee with their teams, functions (tick and save), declaration (record one) and state. */
export function employeesSection(people: Json[], functions: Json[], roles: Map<string, string>): SafeHtml {
  return html`<section aria-labelledby="employees-h" data-section="employees"><h2 id="employees-h">${t('matrix.employees')}</h2>
<p class="muted">${t('matrix.employeesNote')}</p>
<div class="table-wrap"><table class="list" data-employees><caption class="visually-hidden">${t('matrix.employees')}</caption>
<thead><tr>${COLS.map((k) => html`<th scope="col">${col(k)}</th>`)}</tr></thead>
<tbody>${people.length === 0 ? emptyRow(COLS.length, t('matrix.noEmployees')) : people.map((p) => row(p, functions, roles))}</tbody></table></div>
</section>`;
}
