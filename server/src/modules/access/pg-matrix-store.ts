import { randomUUID } from 'node:crypto';
import type { PgHandle } from '../../store/pg/pg-database.js';
import type { Situation, WeeklyWindow } from './decide-access.js';
import type { AccessFunction, Declaration, MatrixStore, Team } from './matrix-store.js';

type Windows = Partial<Record<Situation, WeeklyWindow[]>>;
interface WindowRow {
  function_id: string;
  situation: Situation;
  weekday: number;
  from_minute: number;
  to_minute: number;
}

/** The PostgreSQL binding of {@link MatrixStore} (migration 021). */
export class PgMatrixStore implements MatrixStore {
  constructor(private readonly db: PgHandle) {}

  async createFunction(
    f: { name: string; description?: string; windows: Windows },
    now: number,
  ): Promise<AccessFunction> {
    const id = `fn-${randomUUID()}`;
    await this.db.transaction(async (tx) => {
      await tx.sql.query(
        'INSERT INTO access_functions (id, name, description, created_at) VALUES ($1, $2, $3, $4)',
        [id, f.name, f.description ?? '', now],
      );
      await writeWindows(tx, id, f.windows);
    });
    return (await this.getFunction(id))!;
  }

  async setFunctionWindows(id: string, windows: Windows): Promise<AccessFunction | null> {
    const found = await this.db.transaction(async (tx) => {
      const f = await tx.sql.query('SELECT 1 FROM access_functions WHERE id = $1 FOR UPDATE', [id]);
      if (f.rows.length === 0) return false;
      await tx.sql.query('DELETE FROM access_windows WHERE function_id = $1', [id]);
      await writeWindows(tx, id, windows);
      return true;
    });
    return found ? this.getFunction(id) : null;
  }

  async getFunction(id: string): Promise<AccessFunction | null> {
    return (await this.listFunctions([id]))[0] ?? null;
  }

  async listFunctions(ids?: string[]): Promise<AccessFunction[]> {
    const fns =
      ids === undefined
        ? await this.db.sql.query<{ id: string; name: string; description: string }>(
            'SELECT id, name, description FROM access_functions ORDER BY name',
          )
        : await this.db.sql.query<{ id: string; name: string; description: string }>(
            'SELECT id, name, description FROM access_functions WHERE id = ANY($1::text[]) ORDER BY name',
            [ids],
          );
    if (fns.rows.length === 0) return [];
    const windows = await this.db.sql.query<WindowRow>(
      `SELECT function_id, situation, weekday, from_minute, to_minute FROM access_windows
       WHERE function_id = ANY($1::text[]) ORDER BY weekday, from_minute, id`,
      [fns.rows.map((r) => r.id)],
    );
    return fns.rows.map((r) => {
      const w: Windows = {};
      for (const x of windows.rows.filter((x) => x.function_id === r.id)) {
        const list = w[x.situation] ?? [];
        w[x.situation] = list;
        list.push({ weekday: x.weekday, fromMinute: x.from_minute, toMinute: x.to_minute });
      }
      return { id: r.id, name: r.name, description: r.description, windows: w };
    });
  }

  async createTeam(t: { name: string; id?: string }, now: number): Promise<Team> {
    const id = t.id ?? `team-${randomUUID()}`;
    await this.db.sql.query('INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3)', [
      id,
      t.name,
      now,
    ]);
    return (await this.getTeam(id))!;
  }

  async updateTeam(
    id: string,
    p: { clientIds?: string[]; regions?: string[]; memberIds?: string[] },
  ): Promise<Team | null> {
    const found = await this.db.transaction(async (tx) => {
      const t = await tx.sql.query('SELECT 1 FROM teams WHERE id = $1 FOR UPDATE', [id]);
      if (t.rows.length === 0) return false;
      const replace = async (table: string, col: string, values: string[] | undefined) => {
        if (!values) return;
        await tx.sql.query(`DELETE FROM ${table} WHERE team_id = $1`, [id]);
        await tx.sql.query(
          `INSERT INTO ${table} (team_id, ${col}) SELECT $1, v FROM unnest($2::text[]) AS v ON CONFLICT DO NOTHING`,
          [id, values],
        );
      };
      await replace('team_clients', 'client_id', p.clientIds);
      await replace('team_regions', 'region', p.regions);
      await replace('team_members', 'user_id', p.memberIds);
      return true;
    });
    return found ? this.getTeam(id) : null;
  }

  async getTeam(id: string): Promise<Team | null> {
    return (await this.teams(id))[0] ?? null;
  }

  listTeams(): Promise<Team[]> {
    return this.teams();
  }

  private async teams(only?: string): Promise<Team[]> {
    const teams =
      only === undefined
        ? await this.db.sql.query<{ id: string; name: string }>('SELECT id, name FROM teams ORDER BY name')
        : await this.db.sql.query<{ id: string; name: string }>('SELECT id, name FROM teams WHERE id = $1', [
            only,
          ]);
    if (teams.rows.length === 0) return [];
    const ids = teams.rows.map((t) => t.id);
    const col = async (sql: string) => {
      const m = new Map<string, string[]>();
      for (const r of (await this.db.sql.query<{ t: string; v: string }>(sql, [ids])).rows)
        m.set(r.t, [...(m.get(r.t) ?? []), r.v]);
      return (id: string) => (m.get(id) ?? []).sort();
    };
    const clients = await col(
      'SELECT team_id AS t, client_id AS v FROM team_clients WHERE team_id = ANY($1)',
    );
    const regions = await col('SELECT team_id AS t, region AS v FROM team_regions WHERE team_id = ANY($1)');
    const members = await col('SELECT team_id AS t, user_id AS v FROM team_members WHERE team_id = ANY($1)');
    return teams.rows.map((t) => ({
      ...t,
      clientIds: clients(t.id),
      regions: regions(t.id),
      memberIds: members(t.id),
    }));
  }

  async setEmployeeFunctions(userId: string, functionIds: string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.sql.query('DELETE FROM employee_functions WHERE user_id = $1', [userId]);
      await tx.sql.query(
        `INSERT INTO employee_functions (user_id, function_id) SELECT $1, f FROM unnest($2::text[]) AS f
         ON CONFLICT DO NOTHING`,
        [userId, functionIds],
      );
    });
  }

  async employeeFunctionIds(userId: string): Promise<string[]> {
    const r = await this.db.sql.query<{ v: string }>(
      'SELECT function_id AS v FROM employee_functions WHERE user_id = $1 ORDER BY function_id COLLATE "C"',
      [userId],
    );
    return r.rows.map((x) => x.v);
  }

  async employeeTeamIds(userId: string): Promise<string[]> {
    const r = await this.db.sql.query<{ v: string }>(
      'SELECT team_id AS v FROM team_members WHERE user_id = $1 ORDER BY team_id COLLATE "C"',
      [userId],
    );
    return r.rows.map((x) => x.v);
  }

  async servingTeamIds(clientId: string, region: string | null): Promise<string[]> {
    const r = await this.db.sql.query<{ v: string }>(
      `SELECT v FROM (SELECT team_id AS v FROM team_clients WHERE client_id = $1
       UNION SELECT team_id AS v FROM team_regions WHERE $2::text IS NOT NULL AND region = $2) AS s
       ORDER BY v COLLATE "C"`,
      [clientId, region],
    );
    return r.rows.map((x) => x.v);
  }

  async recordDeclaration(
    d: { userId: string; signedAt: number; documentRef: string },
    by: string | null,
    now: number,
  ): Promise<Declaration> {
    const id = randomUUID();
    await this.db.sql.query(
      `INSERT INTO access_declarations (id, user_id, signed_at, document_ref, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, d.userId, d.signedAt, d.documentRef, by, now],
    );
    return { id, ...d, recordedBy: by, recordedAt: now };
  }

  async declarationSignedAt(userId: string): Promise<number | null> {
    const r = await this.db.sql.query<{ t: number | null }>(
      'SELECT MAX(signed_at) AS t FROM access_declarations WHERE user_id = $1',
      [userId],
    );
    return r.rows[0]?.t ?? null;
  }

  async recordReview(by: string, note: string, now: number): Promise<void> {
    await this.db.sql.query(
      'INSERT INTO access_matrix_reviews (reviewed_at, reviewed_by, note) VALUES ($1, $2, $3)',
      [now, by, note],
    );
  }

  async lastReview(): Promise<{ reviewedAt: number; reviewedBy: string; note: string } | null> {
    const r = await this.db.sql.query<{ reviewedAt: number; reviewedBy: string; note: string }>(
      `SELECT reviewed_at AS "reviewedAt", reviewed_by AS "reviewedBy", note FROM access_matrix_reviews
       ORDER BY reviewed_at DESC, id DESC LIMIT 1`,
    );
    return r.rows[0] ?? null;
  }

  // Allocated once even when asked for at once: the unique user id decides, the loser reads it.
  async holderId(userId: string): Promise<number> {
    await this.db.sql.query(
      'INSERT INTO access_holders (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING',
      [userId],
    );
    const r = await this.db.sql.query<{ h: number }>(
      'SELECT holder_id AS h FROM access_holders WHERE user_id = $1',
      [userId],
    );
    return r.rows[0]!.h;
  }

  async userForHolder(holderId: number): Promise<string | null> {
    const r = await this.db.sql.query<{ u: string }>(
      'SELECT user_id AS u FROM access_holders WHERE holder_id = $1',
      [holderId],
    );
    return r.rows[0]?.u ?? null;
  }
}

async function writeWindows(tx: PgHandle, id: string, windows: Windows): Promise<void> {
  for (const [situation, list] of Object.entries(windows))
    for (const w of list ?? [])
      await tx.sql.query(
        `INSERT INTO access_windows (function_id, situation, weekday, from_minute, to_minute)
         VALUES ($1, $2, $3, $4, $5)`,
        [id, situation, w.weekday, w.fromMinute, w.toMinute],
      );
}
