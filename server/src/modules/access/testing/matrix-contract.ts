import { describe, expect, it } from 'vitest';
import type { Repositories } from '../../../store/repositories/index.js';
import type { CarerConsentStore } from '../carer-consent-store.js';
import type { MatrixStore } from '../matrix-store.js';
import { T0 } from './access-fixture.js';

export interface MatrixUnderTest {
  matrix: MatrixStore;
  consents: CarerConsentStore;
  repos: Repositories;
  dispose(): Promise<void>;
}

const week = (from: number, to: number) =>
  [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: from, toMinute: to }));

/**
 * The contract of {@link MatrixStore} and {@link CarerConsentStore} on every binding: functions and
 * windows, teams, employees, declarations, reviews, holder ids (one per person, also when asked for
 * at once) and consents (one active per home and carer, also under two grants at once).
 */
export function matrixContract(name: string, make: () => Promise<MatrixUnderTest>): void {
  describe(`MatrixStore and CarerConsentStore (${name})`, () => {
    let s: MatrixUnderTest;
    const fresh = async () => {
      s = await make();
      const c = await s.repos.clients.createClient({ name: 'Client' }, T0);
      const h = await s.repos.clients.createHome({ clientId: c.id, address: 'A 1', region: 'noord' }, T0);
      const u = await s.repos.users.create(
        { username: 'w1', displayName: 'W', role: 'care_worker', passwordHash: 'h' },
        T0,
      );
      const u2 = await s.repos.users.create(
        { username: 'w2', displayName: 'W2', role: 'informal_carer', passwordHash: 'h' },
        T0,
      );
      return { client: c, home: h, user: u, carer: u2 };
    };

    it('functions with windows per situation, by name; windows replaced; unknown ones null', async () => {
      await fresh();
      try {
        const { matrix } = s;
        const b = await matrix.createFunction({ name: 'b-nurse', windows: { alarm: week(0, 1440) } }, T0);
        const a = await matrix.createFunction(
          {
            name: 'B-aide',
            description: 'd',
            windows: {
              planned_care: [
                { weekday: 2, fromMinute: 480, toMinute: 600 },
                { weekday: 1, fromMinute: 60, toMinute: 120 },
              ],
            },
          },
          T0,
        );
        expect((await matrix.listFunctions()).map((f) => f.name)).toEqual(['B-aide', 'b-nurse']);
        expect(await matrix.getFunction(a.id)).toEqual({
          id: a.id,
          name: 'B-aide',
          description: 'd',
          windows: {
            planned_care: [
              { weekday: 1, fromMinute: 60, toMinute: 120 },
              { weekday: 2, fromMinute: 480, toMinute: 600 },
            ],
          },
        });
        expect(b.windows.alarm).toHaveLength(7);
        const changed = await matrix.setFunctionWindows(b.id, { planned_care: week(60, 90).slice(0, 1) });
        expect(changed?.windows).toEqual({ planned_care: [{ weekday: 1, fromMinute: 60, toMinute: 90 }] });
        expect(await matrix.setFunctionWindows('nope', {})).toBeNull();
        expect(await matrix.getFunction('nope')).toBeNull();
        expect((await matrix.listFunctions([b.id])).map((f) => f.id)).toEqual([b.id]);
        expect(await matrix.listFunctions([])).toEqual([]);
        await expect(matrix.createFunction({ name: 'b-nurse', windows: {} }, T0)).rejects.toBeTruthy();
      } finally {
        await s.dispose();
      }
    });

    it('teams serve clients and regions and have members; employees have functions; declarations, reviews', async () => {
      const { client, user } = await fresh();
      try {
        const { matrix } = s;
        const t1 = await matrix.createTeam({ name: 'Team Zuid', id: 'team-zuid' }, T0);
        const t2 = await matrix.createTeam({ name: 'Team Noord', id: 'team-noord' }, T0);
        expect(t1).toEqual({ id: 'team-zuid', name: 'Team Zuid', clientIds: [], regions: [], memberIds: [] });
        await matrix.updateTeam(t1.id, { clientIds: [client.id], memberIds: [user.id] });
        await matrix.updateTeam(t2.id, { regions: ['zuid', 'noord'], memberIds: [user.id] });
        await matrix.updateTeam(t2.id, { regions: ['noord'] });
        expect(await matrix.getTeam(t2.id)).toEqual({
          id: 'team-noord',
          name: 'Team Noord',
          clientIds: [],
          regions: ['noord'],
          memberIds: [user.id],
        });
        expect(await matrix.updateTeam('nope', { regions: [] })).toBeNull();
        expect((await matrix.listTeams()).map((t) => t.id)).toEqual(['team-noord', 'team-zuid']);
        expect(await matrix.employeeTeamIds(user.id)).toEqual(['team-noord', 'team-zuid']);
        expect(await matrix.servingTeamIds(client.id, 'noord')).toEqual(['team-noord', 'team-zuid']);
        expect(await matrix.servingTeamIds(client.id, null)).toEqual(['team-zuid']);
        const f = await matrix.createFunction({ name: 'nurse', windows: {} }, T0);
        await matrix.setEmployeeFunctions(user.id, [f.id]);
        expect(await matrix.employeeFunctionIds(user.id)).toEqual([f.id]);
        await matrix.setEmployeeFunctions(user.id, []);
        expect(await matrix.employeeFunctionIds(user.id)).toEqual([]);
        expect(await matrix.declarationSignedAt(user.id)).toBeNull();
        await matrix.recordDeclaration({ userId: user.id, signedAt: T0 - 5, documentRef: 'd1' }, null, T0);
        const d = await matrix.recordDeclaration(
          { userId: user.id, signedAt: T0, documentRef: 'd2' },
          'adm',
          T0,
        );
        expect(d).toMatchObject({
          userId: user.id,
          signedAt: T0,
          documentRef: 'd2',
          recordedBy: 'adm',
          recordedAt: T0,
        });
        expect(await matrix.declarationSignedAt(user.id)).toBe(T0);
        expect(await matrix.lastReview()).toBeNull();
        await matrix.recordReview('adm', 'first', T0);
        await matrix.recordReview('adm2', 'second', T0 + 1);
        expect(await matrix.lastReview()).toEqual({ reviewedAt: T0 + 1, reviewedBy: 'adm2', note: 'second' });
      } finally {
        await s.dispose();
      }
    });

    it('a person has one holder id, allocated once even when asked for at once', async () => {
      await fresh();
      try {
        const { matrix } = s;
        const ids = await Promise.all([
          matrix.holderId('u-a'),
          matrix.holderId('u-a'),
          matrix.holderId('u-a'),
        ]);
        expect(new Set(ids).size).toBe(1);
        const other = await matrix.holderId('u-b');
        expect(other).not.toBe(ids[0]);
        expect(await matrix.userForHolder(ids[0]!)).toBe('u-a');
        expect(await matrix.userForHolder(999_999)).toBeNull();
      } finally {
        await s.dispose();
      }
    });

    it('consents: a grant replaces the active one (one active even under grants at once), withdrawn once, history newest first', async () => {
      const { home, carer } = await fresh();
      try {
        const { consents } = s;
        expect(await consents.active(home.id, carer.id)).toBeNull();
        const w = [{ weekday: 3, fromMinute: 0, toMinute: 1440 }];
        const first = await consents.grant(
          { homeId: home.id, carerUserId: carer.id, windows: w, alarmOnly: true, grantedBy: 'client-1' },
          T0,
        );
        expect(first).toMatchObject({
          windows: w,
          alarmOnly: true,
          grantedAt: T0,
          withdrawnAt: null,
          withdrawnBy: null,
        });
        await Promise.all([
          consents.grant(
            { homeId: home.id, carerUserId: carer.id, windows: [], alarmOnly: false, grantedBy: 'c' },
            T0 + 1,
          ),
          consents.grant(
            { homeId: home.id, carerUserId: carer.id, windows: [], alarmOnly: false, grantedBy: 'c' },
            T0 + 1,
          ),
        ]);
        const all = await consents.ofHome(home.id);
        expect(all).toHaveLength(3);
        expect(all.filter((c) => c.withdrawnAt === null)).toHaveLength(1);
        expect(all[2]).toMatchObject({ id: first.id, withdrawnAt: T0 + 1, withdrawnBy: 'c' });
        expect((await consents.active(home.id, carer.id))?.alarmOnly).toBe(false);
        expect(await consents.withdraw(home.id, carer.id, 'client-1', T0 + 2)).toBe(true);
        expect(await consents.withdraw(home.id, carer.id, 'client-1', T0 + 3)).toBe(false);
        expect(await consents.active(home.id, carer.id)).toBeNull();
      } finally {
        await s.dispose();
      }
    });
  });
}
