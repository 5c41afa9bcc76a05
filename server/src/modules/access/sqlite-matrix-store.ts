import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';
import { sqliteHandle } from '../../store/sqlite-async.js';
import type { Situation, WeeklyWindow } from './decide-access.js';
import type { AccessFunction, Declaration, MatrixStore, Team } from './matrix-store.js';
import { gated } from './sqlite-access-stores.js';

interface WindowRow {
  function_id: string;
  situation: Situation;
  weekday: number;
  from_minute: number;
  to_minute: number;
}

/**
 * The matrix over an SQLite connection's shared async handle (store README, "Async stores on
 * SQLite"): a call waits while another caller's transaction is open instead of joining it.
 */
export function sqliteMatrixStore(db: Db): MatrixStore {
  return gated(new SqliteMatrixStore(db), sqliteHandle(db));
}

/**
 * The SQLite binding of {@link MatrixStore}. Every method runs whole in one turn (no `await` inside),
 * so {@link sqliteMatrixStore} can run each call on the connection's shared async handle.
 */
export class SqliteMatrixStore implements MatrixStore {
  constructor(private readonly db: Db) {}

  async createFunction(
    f: { name: string; description?: string; windows: Partial<Record<Situation, WeeklyWindow[]>> },
    now: number,
  ): Promise<AccessFunction> {
    const id = `fn-${randomUUID()}`;
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO access_functions (id, name, description, created_at) VALUES (?,?,?,?)')
        .run(id, f.name, f.description ?? '', now);
      this.writeWindows(id, f.windows);
    })();
    return this.listFunctionsNow([id])[0]!;
  }

  async setFunctionWindows(
    id: string,
    windows: Partial<Record<Situation, WeeklyWindow[]>>,
  ): Promise<AccessFunction | null> {
    if (!this.listFunctionsNow([id])[0]) return null;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM access_windows WHERE function_id = ?').run(id);
      this.writeWindows(id, windows);
    })();
    return this.listFunctionsNow([id])[0] ?? null;
  }

  async getFunction(id: string): Promise<AccessFunction | null> {
    return this.listFunctionsNow([id])[0] ?? null;
  }

  async listFunctions(ids?: string[]): Promise<AccessFunction[]> {
    return this.listFunctionsNow(ids);
  }

  private listFunctionsNow(ids?: string[]): AccessFunction[] {
    const rows = (
      ids
        ? this.db
            .prepare(
              `SELECT * FROM access_functions WHERE id IN (${ids.map(() => '?').join(',') || "''"}) ORDER BY name`,
            )
            .all(...ids)
        : this.db.prepare('SELECT * FROM access_functions ORDER BY name').all()
    ) as Array<{ id: string; name: string; description: string }>;
    const windows = this.db
      .prepare('SELECT * FROM access_windows ORDER BY weekday, from_minute')
      .all() as WindowRow[];
    return rows.map((r) => {
      const w: Partial<Record<Situation, WeeklyWindow[]>> = {};
      for (const x of windows.filter((x) => x.function_id === r.id)) {
        const list = w[x.situation] ?? [];
        w[x.situation] = list;
        list.push({
          weekday: x.weekday,
          fromMinute: x.from_minute,
          toMinute: x.to_minute,
        });
      }
      return { id: r.id, name: r.name, description: r.description, windows: w };
    });
  }

  async createTeam(t: { name: string; id?: string }, now: number): Promise<Team> {
    const id = t.id ?? `team-${randomUUID()}`;
    this.db.prepare('INSERT INTO teams (id, name, created_at) VALUES (?,?,?)').run(id, t.name, now);
    return this.getTeamNow(id)!;
  }

  /** Replaces what a team serves and who is in it (any field left out is kept). */
  async updateTeam(
    id: string,
    p: { clientIds?: string[]; regions?: string[]; memberIds?: string[] },
  ): Promise<Team | null> {
    if (!this.getTeamNow(id)) return null;
    this.db.transaction(() => {
      if (p.clientIds) {
        this.db.prepare('DELETE FROM team_clients WHERE team_id = ?').run(id);
        for (const c of p.clientIds) this.db.prepare('INSERT INTO team_clients VALUES (?, ?)').run(id, c);
      }
      if (p.regions) {
        this.db.prepare('DELETE FROM team_regions WHERE team_id = ?').run(id);
        for (const r of p.regions) this.db.prepare('INSERT INTO team_regions VALUES (?, ?)').run(id, r);
      }
      if (p.memberIds) {
        this.db.prepare('DELETE FROM team_members WHERE team_id = ?').run(id);
        for (const u of p.memberIds)
          this.db.prepare('INSERT INTO team_members (user_id, team_id) VALUES (?, ?)').run(u, id);
      }
    })();
    return this.getTeamNow(id);
  }

  async getTeam(id: string): Promise<Team | null> {
    return this.getTeamNow(id);
  }

  async listTeams(): Promise<Team[]> {
    return this.listTeamsNow();
  }

  private getTeamNow(id: string): Team | null {
    return this.listTeamsNow().find((t) => t.id === id) ?? null;
  }

  private listTeamsNow(): Team[] {
    const teams = this.db.prepare('SELECT id, name FROM teams ORDER BY name').all() as Array<{
      id: string;
      name: string;
    }>;
    const col = (sql: string, id: string) =>
      (this.db.prepare(sql).all(id) as Array<{ v: string }>).map((r) => r.v).sort();
    return teams.map((t) => ({
      ...t,
      clientIds: col('SELECT client_id AS v FROM team_clients WHERE team_id = ?', t.id),
      regions: col('SELECT region AS v FROM team_regions WHERE team_id = ?', t.id),
      memberIds: col('SELECT user_id AS v FROM team_members WHERE team_id = ?', t.id),
    }));
  }

  async setEmployeeFunctions(userId: string, functionIds: string[]): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM employee_functions WHERE user_id = ?').run(userId);
      for (const f of functionIds)
        this.db.prepare('INSERT INTO employee_functions (user_id, function_id) VALUES (?, ?)').run(userId, f);
    })();
  }

  async employeeFunctionIds(userId: string): Promise<string[]> {
    return (
      this.db
        .prepare('SELECT function_id AS v FROM employee_functions WHERE user_id = ? ORDER BY function_id')
        .all(userId) as Array<{
        v: string;
      }>
    ).map((r) => r.v);
  }

  async employeeTeamIds(userId: string): Promise<string[]> {
    return (
      this.db
        .prepare('SELECT team_id AS v FROM team_members WHERE user_id = ? ORDER BY team_id')
        .all(userId) as Array<{
        v: string;
      }>
    ).map((r) => r.v);
  }

  /** Teams serving the client of a home, directly or through the home's region. */
  async servingTeamIds(clientId: string, region: string | null): Promise<string[]> {
    return (
      this.db
        .prepare(
          `SELECT team_id AS v FROM team_clients WHERE client_id = ?
           UNION SELECT team_id AS v FROM team_regions WHERE region = ? ORDER BY v`,
        )
        .all(clientId, region ?? '\u0000') as Array<{ v: string }>
    ).map((r) => r.v);
  }

  async recordDeclaration(
    d: { userId: string; signedAt: number; documentRef: string },
    by: string | null,
    now: number,
  ): Promise<Declaration> {
    const id = randomUUID();
    this.db
      .prepare(
        'INSERT INTO access_declarations (id, user_id, signed_at, document_ref, recorded_by, recorded_at) VALUES (?,?,?,?,?,?)',
      )
      .run(id, d.userId, d.signedAt, d.documentRef, by, now);
    return { id, ...d, recordedBy: by, recordedAt: now };
  }

  /** The latest declaration's signing time, or null. */
  async declarationSignedAt(userId: string): Promise<number | null> {
    const r = this.db
      .prepare('SELECT MAX(signed_at) AS t FROM access_declarations WHERE user_id = ?')
      .get(userId) as { t: number | null };
    return r.t;
  }

  async recordReview(by: string, note: string, now: number): Promise<void> {
    this.db
      .prepare('INSERT INTO access_matrix_reviews (reviewed_at, reviewed_by, note) VALUES (?,?,?)')
      .run(now, by, note);
  }

  async lastReview(): Promise<{ reviewedAt: number; reviewedBy: string; note: string } | null> {
    const r = this.db
      .prepare(
        'SELECT reviewed_at, reviewed_by, note FROM access_matrix_reviews ORDER BY reviewed_at DESC, id DESC LIMIT 1',
      )
      .get() as { reviewed_at: number; reviewed_by: string; note: string } | undefined;
    return r ? { reviewedAt: r.reviewed_at, reviewedBy: r.reviewed_by, note: r.note } : null;
  }

  /** The u32 HOLDER_ID a person has on every key safe (KS-SERIAL §8.2), allocated once. */
  async holderId(userId: string): Promise<number> {
    this.db.prepare('INSERT OR IGNORE INTO access_holders (user_id) VALUES (?)').run(userId);
    return (
      this.db.prepare('SELECT holder_id FROM access_holders WHERE user_id = ?').get(userId) as {
        holder_id: number;
      }
    ).holder_id;
  }

  async userForHolder(holderId: number): Promise<string | null> {
    const r = this.db.prepare('SELECT user_id FROM access_holders WHERE holder_id = ?').get(holderId) as
      | { user_id: string }
      | undefined;
    return r?.user_id ?? null;
  }

  private writeWindows(id: string, windows: Partial<Record<Situation, WeeklyWindow[]>>): void {
    const ins = this.db.prepare(
      'INSERT INTO access_windows (function_id, situation, weekday, from_minute, to_minute) VALUES (?,?,?,?,?)',
    );
    for (const [situation, list] of Object.entries(windows)) {
      for (const w of list ?? []) ins.run(id, situation, w.weekday, w.fromMinute, w.toMinute);
    }
  }
}
