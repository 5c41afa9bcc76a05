import type { PgHandle } from '../../store/pg/pg-database.js';
import { INCIDENT_COLUMNS, spansOf } from './health-rows.js';
import type {
  Incident,
  IncidentFilter,
  IncidentStore,
  IncidentSubject,
  NewIncident,
  SubjectKind,
} from './incident-store.js';

const SELECT = `SELECT ${INCIDENT_COLUMNS} FROM incidents`;

/**
 * The PostgreSQL binding of {@link IncidentStore} (migration 050). Opening is an insert that yields
 * to the open incident (`ON CONFLICT … DO NOTHING` on `incidents_one_open`): a second instance
 * opening the same subject's incident waits for the first to commit and then finds it open.
 */
export class PgIncidentStore implements IncidentStore {
  constructor(private readonly db: PgHandle) {}

  async openFor(kind: SubjectKind, subjectId: string): Promise<Incident | undefined> {
    return (
      await this.db.sql.query<Incident>(
        `${SELECT} WHERE subject_kind = $1 AND subject_id = $2 AND ended_at IS NULL`,
        [kind, subjectId],
      )
    ).rows[0];
  }

  async openForAll(subjects: readonly IncidentSubject[]): Promise<Incident[]> {
    if (subjects.length === 0) return [];
    const r = await this.db.sql.query<Incident>(
      `${SELECT} WHERE ended_at IS NULL
         AND (subject_kind, subject_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [subjects.map((s) => s.kind), subjects.map((s) => s.subjectId)],
    );
    return r.rows;
  }

  async open(i: NewIncident, detectedAt: number): Promise<{ incident: Incident; opened: boolean }> {
    const r = await this.db.sql.query<Incident>(
      `INSERT INTO incidents (subject_kind, subject_id, gateway_id, home_id, cause, started_at, detected_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (subject_kind, subject_id) WHERE ended_at IS NULL DO NOTHING
       RETURNING ${INCIDENT_COLUMNS}`,
      [i.subjectKind, i.subjectId, i.gatewayId, i.homeId, i.cause, i.startedAt, detectedAt],
    );
    if (r.rows[0]) return { incident: r.rows[0], opened: true };
    // The statement saw the other's committed row; a new statement's snapshot sees it too.
    const open = await this.openFor(i.subjectKind, i.subjectId);
    if (open) return { incident: open, opened: false };
    // closed again in between: open anew
    return this.open(i, detectedAt);
  }

  async record(
    i: Pick<Incident, 'subjectKind' | 'subjectId' | 'cause' | 'startedAt'> & { endedAt: number },
    detectedAt: number,
  ): Promise<Incident> {
    const r = await this.db.sql.query<Incident>(
      `INSERT INTO incidents (subject_kind, subject_id, cause, started_at, detected_at, ended_at, downtime_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${INCIDENT_COLUMNS}`,
      [i.subjectKind, i.subjectId, i.cause, i.startedAt, detectedAt, i.endedAt, i.endedAt - i.startedAt],
    );
    return r.rows[0]!;
  }

  async close(id: number, endedAt: number): Promise<Incident | undefined> {
    const r = await this.db.sql.query<Incident>(
      `UPDATE incidents SET ended_at = GREATEST($1, started_at), downtime_ms = GREATEST($1, started_at) - started_at
       WHERE id = $2 AND ended_at IS NULL RETURNING ${INCIDENT_COLUMNS}`,
      [endedAt, id],
    );
    return r.rows[0];
  }

  async moveStart(id: number, startedAt: number): Promise<void> {
    await this.db.sql.query('UPDATE incidents SET started_at = LEAST(started_at, $1) WHERE id = $2', [
      startedAt,
      id,
    ]);
  }

  async get(id: number): Promise<Incident | undefined> {
    return (await this.db.sql.query<Incident>(`${SELECT} WHERE id = $1`, [id])).rows[0];
  }

  async list(f: IncidentFilter): Promise<Incident[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    const arg = (v: string | number) => `$${args.push(v)}`;
    if (f.open === true) where.push('ended_at IS NULL');
    if (f.open === false) where.push('ended_at IS NOT NULL');
    if (f.homeId !== undefined) where.push(`home_id = ${arg(f.homeId)}`);
    if (f.to !== undefined) where.push(`started_at < ${arg(f.to)}`);
    if (f.from !== undefined) where.push(`(ended_at IS NULL OR ended_at > ${arg(f.from)})`);
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_at DESC, id DESC LIMIT ${arg(f.limit)} OFFSET ${arg(f.offset)}`;
    return (await this.db.sql.query<Incident>(sql, args)).rows;
  }

  async countOpen(): Promise<number> {
    return (
      await this.db.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM incidents WHERE ended_at IS NULL')
    ).rows[0]!.n;
  }

  async spansByScope(
    from: number,
    now: number,
    scopes?: readonly string[],
  ): Promise<Map<string, Array<{ start: number; end: number }>>> {
    const sql = `SELECT CASE WHEN subject_kind = 'platform' THEN 'platform' ELSE home_id END AS scope,
        started_at AS start, COALESCE(ended_at, $1) AS "end" FROM incidents
      WHERE (ended_at IS NULL OR ended_at > $2) AND subject_kind != 'storage'`;
    const r =
      scopes === undefined
        ? await this.db.sql.query<{ scope: string; start: number; end: number }>(
            `${sql} AND (home_id IS NOT NULL OR subject_kind = 'platform')`,
            [now, from],
          )
        : // the scopes' homes through the home index (a home's year, not the fleet's)
          await this.db.sql.query<{ scope: string; start: number; end: number }>(
            `${sql} AND (home_id = ANY($3::text[]) OR (subject_kind = 'platform' AND 'platform' = ANY($3::text[])))`,
            [now, from, [...scopes]],
          );
    return spansOf(r.rows);
  }
}
