import { t } from '../../i18n/index.js';
import { html, type SafeHtml, seg } from '../html.js';
import { type Json, list, str } from '../read.js';
import { type Names, says } from './access-admin-common.js';

const strings = (v: Json, key: string): string[] =>
  list(v, key).filter((x): x is string => typeof x === 'string');

function teamCard(team: Json, names: Names): SafeHtml {
  const id = str(team, 'id') ?? '';
  const name = str(team, 'name') ?? '?';
  const api = `/api/v1/access/teams/${seg(id)}`;
  const members = strings(team, 'memberIds');
  const others = names.all('person').filter(([u]) => !members.includes(u));
  return html`<article class="card" data-team="${id}"><h3>${name}</h3>
<h4>${t('accessAdmin.members')}</h4>
${
  members.length === 0
    ? html`<p class="muted">${t('accessAdmin.noMembers')}</p>`
    : html`<ul data-team-members>${members.map((m) => {
        const who = names.of('person', m);
        const rest = JSON.stringify({ memberIds: members.filter((x) => x !== m) });
        return html`<li data-member="${m}">${who} <button type="button" class="btn btn-secondary" data-api="${api}" data-method="PATCH" data-body="${rest}" data-confirm="${t('accessAdmin.confirmRemove', { name: who, team: name })}"${says()}>${t('accessAdmin.removeMember', { name: who })}</button></li>`;
      })}</ul>`
}
${
  others.length === 0
    ? ''
    : html`<form class="inline-form" data-api="${api}" data-method="PATCH"${says()} data-team-add>
  <label>${t('accessAdmin.addMember')} <select name="memberIds" data-type="csv">${others.map(
    ([u, who]) => html`<option value="${[...members, u].join(',')}">${who}</option>`,
  )}</select></label>
  <button type="submit" class="btn btn-secondary">${t('accessAdmin.add')}</button>
</form>`
}
<form class="inline-form" data-api="${api}" data-method="PATCH"${says()} data-keep data-team-regions>
  <label>${t('accessAdmin.regions')} <input name="regions" data-type="csv" value="${strings(team, 'regions').join(', ')}" autocomplete="off"></label>
  <button type="submit" class="btn btn-secondary">${t('accessAdmin.saveRegions')}</button>
</form></article>`;
}

/** Teams with their members (add, remove) and regions, and a form to create one. */
export function teamsSection(teams: Json[], names: Names): SafeHtml {
  return html`<section aria-labelledby="teams-h" data-section="teams"><h2 id="teams-h">${t('accessAdmin.teams')}</h2>
${teams.length === 0 ? html`<p class="muted">${t('accessAdmin.noTeams')}</p>` : teams.map((x) => teamCard(x, names))}
<details class="card" data-team-new><summary><strong>${t('accessAdmin.teamNew')}</strong></summary>
<form class="stack-form" data-api="/api/v1/access/teams" data-method="POST"${says()}>
  <label>${t('accessAdmin.field.teamName')} <input name="name" required maxlength="100" autocomplete="off"></label>
  <label>${t('accessAdmin.field.teamId')} <input name="id" pattern="[a-z0-9][a-z0-9\\-]{1,63}" autocomplete="off"></label>
  <button type="submit" class="btn btn-primary">${t('accessAdmin.create')}</button>
</form></details>
</section>`;
}
