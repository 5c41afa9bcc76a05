import { t } from '../i18n/index.js';
import type { Role } from '../store/repositories/index.js';
import type { ApiClient } from './api-client.js';
import { html, type SafeHtml } from './html.js';
import { type Json, list, str } from './read.js';

export interface AssignTeam {
  id: string;
  name: string;
  memberIds: string[];
}

/**
 * What the monitoring centre may assign an open alarm to (REQUIREMENTS §9.5): the care teams, the
 * teams serving each alarm's home (shown first), and the names of the people known to the page.
 */
export interface AssignChoices {
  teams: AssignTeam[];
  servingByHome: Map<string, Set<string>>;
  names: Map<string, string>;
}

/**
 * Loads the choices for the open alarms on one page. Teams come from `GET /api/v1/access/teams`
 * (admin, monitor); serving teams and member names from each home's access overview; an admin
 * also gets every name from `GET /api/v1/users`. Undefined when the caller cannot assign or no
 * team is available — the card then keeps "Assign to me".
 */
export async function assignChoices(
  api: ApiClient,
  role: Role,
  alarms: Json[],
): Promise<AssignChoices | undefined> {
  if (role !== 'admin' && role !== 'monitor') return undefined;
  const r = await api.get('/api/v1/access/teams');
  if (!r.ok) return undefined;
  const teams: AssignTeam[] = [];
  for (const t of list(r.data)) {
    const id = str(t, 'id');
    const raw = (t as { memberIds?: unknown }).memberIds;
    const memberIds = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
    if (id) teams.push({ id, name: str(t, 'name') ?? id, memberIds });
  }
  if (teams.length === 0) return undefined;
  const names = new Map<string, string>();
  const servingByHome = new Map<string, Set<string>>();
  // Overviews only where they are needed: an alarm to assign, or a member's name to show.
  const homes = new Set(
    alarms
      .filter((a) => str(a, 'state', 'status') === 'acknowledged' || str(a, 'assignedUserId') !== undefined)
      .map((a) => str(a, 'homeId'))
      .filter((x): x is string => !!x),
  );
  await Promise.all([
    ...[...homes].map(async (homeId) => {
      const o = await api.get(`/api/v1/homes/${encodeURIComponent(homeId)}/access-overview`);
      if (!o.ok) return;
      const serving = new Set<string>();
      for (const p of list(o.data, 'people')) {
        const userId = str(p, 'userId');
        const name = str(p, 'displayName');
        if (userId && name) names.set(userId, name);
        for (const t of list(p, 'teams')) {
          const id = str(t, 'id');
          if (id) serving.add(id);
        }
      }
      servingByHome.set(homeId, serving);
    }),
    role === 'admin'
      ? api.get('/api/v1/users').then((u) => {
          if (u.ok)
            for (const x of list(u.data)) {
              const id = str(x, 'id');
              const name = str(x, 'displayName', 'username');
              if (id && name && !names.has(id)) names.set(id, name);
            }
        })
      : Promise.resolve(),
  ]);
  teams.sort((a, b) => a.name.localeCompare(b.name));
  return { teams, servingByHome, names };
}

/**
 * The assign form of one acknowledged alarm: a team (serving teams first) and optionally one of
 * its members. `alarms.js` narrows the member list to the chosen team and posts
 * `{ teamId, userId? }` to `/api/v1/alarms/:id/assign`.
 */
export function assignForm(alarmId: string, homeId: string | undefined, c: AssignChoices): SafeHtml {
  const serving = (homeId ? c.servingByHome.get(homeId) : undefined) ?? new Set<string>();
  const first = c.teams.filter((t) => serving.has(t.id));
  const rest = c.teams.filter((t) => !serving.has(t.id));
  const opt = (t: AssignTeam) => html`<option value="${t.id}">${t.name}</option>`;
  const members = new Map<string, string[]>();
  for (const t of c.teams) for (const u of t.memberIds) members.set(u, [...(members.get(u) ?? []), t.id]);
  const people = [...members]
    .map(([id, teamIds]) => ({ id, teamIds, name: c.names.get(id) ?? id }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const teamId = `as-team-${alarmId}`;
  const userId = `as-user-${alarmId}`;
  return html`<form class="assign-form" data-assign-alarm="${alarmId}">
    <div class="field"><label for="${teamId}">${t('assign.team')}</label>
    <select id="${teamId}" name="teamId" required>
      <option value="">${t('assign.chooseTeam')}</option>
      ${first.length > 0 ? html`<optgroup label="${t('assign.serving')}">${first.map(opt)}</optgroup>${rest.length > 0 ? html`<optgroup label="${t('assign.otherTeams')}">${rest.map(opt)}</optgroup>` : ''}` : c.teams.map(opt)}
    </select></div>
    <div class="field"><label for="${userId}">${t('assign.member')}</label>
    <select id="${userId}" name="userId">
      <option value="">${t('assign.wholeTeam')}</option>
      ${people.map((p) => html`<option value="${p.id}" data-teams="${p.teamIds.join(' ')}">${p.name}</option>`)}
    </select></div>
    <button type="submit" class="btn btn-primary">${t('assign.submit')}</button>
  </form>`;
}
