import { t } from '../../i18n/index.js';
import { notAvailable } from '../components.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, str } from '../read.js';

function stepRow(s: Json, teams: Json[]): SafeHtml {
  const kind = str(s, 'kind') ?? 'informal_carers';
  const minutes = num(s, 'minutesEach') ?? num(s, 'minutes') ?? 3;
  const sel = (v: string) => (kind === v ? html` selected` : '');
  return html`<li class="chain-step card">
  <label>${t('chain.kind')} <select name="kind">
    <option value="informal_carers"${sel('informal_carers')}>${t('chain.carers')}</option>
    <option value="care_team"${sel('care_team')}>${t('chain.team')}</option>
    <option value="alarm_centre"${sel('alarm_centre')}>${t('chain.centre')}</option>
  </select></label>
  <label>${t('chain.minutes')} <input name="minutes" type="number" min="1" max="60" value="${minutes}"></label>
  <label>${t('chain.teamName')} <select name="teamId">${teams.map((x) => html`<option value="${str(x, 'id') ?? ''}"${str(x, 'id') === str(s, 'teamId') ? html` selected` : ''}>${str(x, 'name') ?? ''}</option>`)}</select></label>
  <button type="button" class="btn btn-quiet" data-step-remove>${t('chain.remove')}</button>
</li>`;
}

/** The chain editor of one home, for monitoring staff and admins (followup/README.md). */
export async function followupChainPage(c: PageContext): Promise<PageResult> {
  const id = c.params['id'] ?? '';
  const [chain, teams, home] = await Promise.all([
    c.api.get(`/api/v1/homes/${seg(id)}/followup-chain`),
    c.api.get('/api/v1/access/teams'),
    c.api.get(`/api/v1/homes/${seg(id)}`),
  ]);
  const address = (home.ok ? str(home.data, 'address') : undefined) ?? '';
  if (!chain.ok)
    return {
      title: t('chain.title', { address }),
      status: chain.status,
      body: notAvailable(t('chain.theChain'), chain),
    };
  const teamList = teams.ok ? list(teams.data) : [];
  const steps = list(chain.data, 'steps');
  return {
    title: t('chain.title', { address }),
    scripts: ['followup-chain.js'],
    body: html`<form id="chain-form" class="narrow" data-home-id="${id}" data-msg-saved="${t('chain.saved')}">
  <p class="muted">${t('chain.help')}</p>
  ${steps.length === 0 ? html`<p id="no-chain">${t('chain.none')}</p>` : ''}
  <ol class="plain chain-steps">${steps.map((s) => stepRow(s, teamList))}</ol>
  <template id="step-template">${stepRow({ kind: 'informal_carers', minutesEach: 3 }, teamList)}</template>
  <button type="button" class="btn btn-quiet" id="add-step">${t('chain.add')}</button>
  <button type="submit" class="btn btn-primary">${t('chain.save')}</button>
  <button type="button" class="btn btn-quiet" id="clear-chain">${t('chain.clear')}</button>
  <p id="chain-result" role="status" aria-live="polite"></p>
</form>`,
  };
}
