import type { Home, User } from '../../store/repositories/index.js';
import type { AccessQueries } from './access-queries.js';
import type { AccessDeps } from './access-service.js';
import type { Situation, WeeklyWindow } from './decide-access.js';

export interface PersonAccess {
  userId: string;
  displayName: string;
  teams: Array<{ id: string; name: string }>;
  functions: Array<{ id: string; name: string; windows: Partial<Record<Situation, WeeklyWindow[]>> }>;
  validUntil: number | null;
  declarationSignedAt: number | null;
  blocked: boolean;
  /** False when the person is in the matrix but cannot currently get a code (and why). */
  active: boolean;
  inactiveReason: 'disabled' | 'expired' | 'no_declaration' | 'blocked' | null;
}

/** What the "who may enter" overviews use. */
export type OverviewDeps = Pick<AccessDeps, 'matrix' | 'clock' | 'repos'> & Pick<AccessQueries, 'isBlocked'>;

async function personAccess(
  d: OverviewDeps,
  u: User,
  teamIds: string[],
  teamNames: Map<string, string>,
  now: number,
): Promise<PersonAccess> {
  const m = d.matrix;
  const declarationSignedAt = await m.declarationSignedAt(u.id);
  // blocked through teams only when every team they are in is blocked (no team is no team block)
  let teamsBlocked = teamIds.length > 0;
  for (const t of teamIds) if (teamsBlocked && !(await d.isBlocked('team', t))) teamsBlocked = false;
  const blocked = (await d.isBlocked('person', u.id)) || teamsBlocked;
  const inactiveReason = u.disabled
    ? 'disabled'
    : u.validUntil !== null && u.validUntil <= now
      ? 'expired'
      : declarationSignedAt === null
        ? 'no_declaration'
        : blocked
          ? 'blocked'
          : null;
  return {
    userId: u.id,
    displayName: u.displayName,
    teams: teamIds.map((id) => ({ id, name: teamNames.get(id) ?? id })),
    functions: (await m.listFunctions(await m.employeeFunctionIds(u.id))).map((f) => ({
      id: f.id,
      name: f.name,
      windows: f.windows,
    })),
    validUntil: u.validUntil,
    declarationSignedAt,
    blocked,
    active: inactiveReason === null,
    inactiveReason,
  };
}

/**
 * "Who may enter this home, when and why" (REQUIREMENTS §9.4): every member of a team that serves the
 * client (planned care, with the windows of their functions) and of teams that respond to alarms
 * there, with the state that decides whether they can get a code now.
 */
export async function whoMayEnter(d: OverviewDeps, home: Home): Promise<PersonAccess[]> {
  const m = d.matrix;
  const now = d.clock.now();
  const teams = await m.listTeams();
  const names = new Map(teams.map((t) => [t.id, t.name]));
  const serving = new Set(await m.servingTeamIds(home.clientId, home.region));
  const members = new Map<string, string[]>();
  for (const t of teams.filter((t) => serving.has(t.id)))
    for (const u of t.memberIds) members.set(u, [...(members.get(u) ?? []), t.id]);
  const out: PersonAccess[] = [];
  for (const [userId, teamIds] of members) {
    const u = await d.repos.users.get(userId);
    if (u) out.push(await personAccess(d, u, teamIds, names, now));
  }
  return out.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** Roles that are in the access matrix: staff who may be given functions and team places. */
const MATRIX_ROLES = new Set(['admin', 'monitor', 'technician', 'care_worker']);

/**
 * Every employee in the matrix (staff, not clients or informal carers) with their teams, functions,
 * declaration and whether they can get a code now, by name.
 */
export async function employees(d: OverviewDeps): Promise<PersonAccess[]> {
  const m = d.matrix;
  const now = d.clock.now();
  const teams = await m.listTeams();
  const names = new Map(teams.map((t) => [t.id, t.name]));
  const staff = (await d.repos.users.list()).filter((u) => MATRIX_ROLES.has(u.role));
  const out: PersonAccess[] = [];
  for (const u of staff) {
    const teamIds = teams.filter((t) => t.memberIds.includes(u.id)).map((t) => t.id);
    out.push(await personAccess(d, u, teamIds, names, now));
  }
  return out.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** "Which homes may this person enter": the homes of the clients and regions their teams serve. */
export async function homesForPerson(
  d: OverviewDeps,
  user: User,
): Promise<{ person: PersonAccess; homes: Array<{ homeId: string; address: string; teamIds: string[] }> }> {
  const m = d.matrix;
  const teams = await m.listTeams();
  const mine = teams.filter((t) => t.memberIds.includes(user.id));
  const names = new Map(teams.map((t) => [t.id, t.name]));
  const homes = new Map<string, { homeId: string; address: string; teamIds: string[] }>();
  const all = await d.repos.clients.listHomes({ limit: 100_000, offset: 0 });
  for (const h of all) {
    const by = mine.filter(
      (t) => t.clientIds.includes(h.clientId) || (h.region !== null && t.regions.includes(h.region)),
    );
    if (by.length > 0) homes.set(h.id, { homeId: h.id, address: h.address, teamIds: by.map((t) => t.id) });
  }
  return {
    person: await personAccess(
      d,
      user,
      mine.map((t) => t.id),
      names,
      d.clock.now(),
    ),
    homes: [...homes.values()],
  };
}
