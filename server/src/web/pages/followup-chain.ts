import { notAvailable } from '../components.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, str } from '../read.js';

/** The words of the chain editor, in one place (followup/README.md). */
const T = {
  title: 'Follow-up chain',
  help: 'Who is asked after an alarm at this home, in this order. When nobody accepts in time, the next is asked by itself. The alarm centre is always last.',
  none: 'No chain: alarms go to the alarm centre only.',
  kind: 'Step',
  carers: "The client's informal carers, in their order",
  team: 'A care team',
  centre: 'The alarm centre',
  minutes: 'Minutes each',
  teamName: 'Team',
  add: 'Add a step',
  remove: 'Remove step',
  save: 'Save the chain',
  clear: 'No chain',
} as const;

function stepRow(s: Json, teams: Json[]): SafeHtml {
  const kind = str(s, 'kind') ?? 'informal_carers';
  const minutes = num(s, 'minutesEach') ?? num(s, 'minutes') ?? 3;
  return html`<li class="chain-step card">
  <label>${T.kind} <select name="kind">
    <option value="informal_carers"${kind === 'informal_carers' ? html` selected` : ''}>${T.carers}</option>
    <option value="care_team"${kind === 'care_team' ? html` selected` : ''}>${T.team}</option>
    <option value="alarm_centre"${kind === 'alarm_centre' ? html` selected` : ''}>${T.centre}</option>
  </select></label>
  <label>${T.minutes} <input name="minutes" type="number" min="1" max="60" value="${minutes}"></label>
  <label>${T.teamName} <select name="teamId">${teams.map((t) => html`<option value="${str(t, 'id') ?? ''}"${str(t, 'id') === str(s, 'teamId') ? html` selected` : ''}>${str(t, 'name') ?? ''}</option>`)}</select></label>
  <button type="button" class="btn btn-quiet" data-step-remove>${T.remove}</button>
</li>`;
}

/** The chain editor of one home, for monitoring staff and admins. */
export async function followupChainPage(c: PageContext): Promise<PageResult> {
  const id = c.params['id'] ?? '';
  const [chain, teams, home] = await Promise.all([
    c.api.get(`/api/v1/homes/${seg(id)}/followup-chain`),
    c.api.get('/api/v1/access/teams'),
    c.api.get(`/api/v1/homes/${seg(id)}`),
  ]);
  if (!chain.ok) return { title: T.title, status: chain.status, body: notAvailable('the chain', chain) };
  const teamList = teams.ok ? list(teams.data) : [];
  const steps = list(chain.data, 'steps');
  return {
    title: `${T.title} · ${str(home.ok ? home.data : null, 'address') ?? id}`,
    scripts: ['followup-chain.js'],
    body: html`<form id="chain-form" class="narrow" data-home-id="${id}">
  <p class="muted">${T.help}</p>
  ${steps.length === 0 ? html`<p id="no-chain">${T.none}</p>` : ''}
  <ol class="plain chain-steps">${steps.map((s) => stepRow(s, teamList))}</ol>
  <template id="step-template">${stepRow({ kind: 'informal_carers', minutesEach: 3 }, teamList)}</template>
  <button type="button" class="btn btn-quiet" id="add-step">${T.add}</button>
  <button type="submit" class="btn btn-primary">${T.save}</button>
  <button type="button" class="btn btn-quiet" id="clear-chain">${T.clear}</button>
  <p id="chain-result" role="status" aria-live="polite"></p>
</form>`,
  };
}
