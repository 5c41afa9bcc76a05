import type { Db } from '../../store/database.js';
import type { SqliteHandle } from '../../store/sqlite-async.js';
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

/** The SQLite binding of {@link IncidentStore}. */
export class SqliteIncidentStore implements IncidentStore {
  constructor(private readonly h: SqliteHandle) {}

  openFor(kind: SubjectKind, subjectId: string): Promise<Incident | undefined> {
    return this.h.run((db) => openOf(db, kind, subjectId));
  }

  openForAll(subjects: readonly IncidentSubject[]): Promise<Incident[]> {
    return this.h.run((db) => {
      const out: Incident[] = [];
      for (const s of subjects) {
        const i = openOf(db, s.kind, s.subjectId);
        if (i) out.push(i);
      }
      return out;
    });
  }

  open(i: NewIncident, detectedAt: number): Promise<{ incident: Incident; opened: boolean }> {
    return this.h.run((db) => {
      const r = db
        .prepare(
          `INSERT INTO incidents (subject_kind, subject_id, gateway_id, home_id, cause, started_at, detected_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (subject_kind, subject_id) WHERE ended_at IS NULL DO NOTHING`,
        )
        .run(i.subjectKind, i.subjectId, i.gatewayId, i.homeId, i.cause, i.startedAt, detectedAt);
      if (r.changes === 0) return { incident: openOf(db, i.subjectKind, i.subjectId)!, opened: false };
      return { incident: getOf(db, Number(r.lastInsertRowid))!, opened: true };
    });
  }

  record(
    i: Pick<Incident, 'subjectKind' | 'subjectId' | 'cause' | 'startedAt'> & { endedAt: number },
    detectedAt: number,
  ): Promise<Incident> {
    return this.h.run((db) => {
      const r = db
        .prepare(
          `INSERT INTO incidents (subject_kind, subject_id, cause, started_at, detected_at, ended_at, downtime_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          i.subjectKind,
          i.subjectId,
          i.cause,
          i.startedAt,
          detectedAt,
          i.endedAt,
          i.endedAt - i.startedAt,
        );
      return getOf(db, Number(r.lastInsertRowid))!;
    });
  }

  close(id: number, endedAt: number): Promise<Incident | undefined> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            `UPDATE incidents SET ended_at = MAX(?, started_at), downtime_ms = MAX(?, started_at) - started_at
             WHERE id = ? AND ended_at IS NULL RETURNING ${INCIDENT_COLUMNS}`,
          )
          .get(endedAt, endedAt, id) as Incident | undefined,
    );
  }

  moveStart(id: number, startedAt: number): Promise<void> {
    return this.h.run((db) => {
      db.prepare('UPDATE incidents SET started_at = MIN(started_at, ?) WHERE id = ?').run(startedAt, id);
    });
  }

  get(id: number): Promise<Incident | undefined> {
    return this.h.run((db) => getOf(db, id));
  }

  list(f: IncidentFilter): Promise<Incident[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.open === true) where.push('ended_at IS NULL');
    if (f.open === false) where.push('ended_at IS NOT NULL');
    if (f.homeId !== undefined) {
      where.push('home_id = ?');
      args.push(f.homeId);
    }
    if (f.to !== undefined) {
      where.push('started_at < ?');
      args.push(f.to);
    }
    if (f.from !== undefined) {
      where.push('(ended_at IS NULL OR ended_at > ?)');
      args.push(f.from);
    }
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`;
    return this.h.run((db) => db.prepare(sql).all(...args, f.limit, f.offset) as Incident[]);
  }

  countOpen(): Promise<number> {
    return this.h.run(
      (db) =>
        (db.prepare('SELECT COUNT(*) AS n FROM incidents WHERE ended_at IS NULL').get() as { n: number }).n,
    );
  }

  spansByScope(
    from: number,
    now: number,
    scopes?: readonly string[],
  ): Promise<Map<string, Array<{ start: number; end: number }>>> {
    const sql = `SELECT CASE WHEN subject_kind = 'platform' THEN 'platform' ELSE home_id END AS scope,
        started_at AS start, IFNULL(ended_at, ?) AS end FROM incidents
      WHERE (ended_at IS NULL OR ended_at > ?) AND subject_kind != 'storage'`;
    const all = ` AND (home_id IS NOT NULL OR subject_kind = 'platform')`;
    // the scopes' homes through the home index (a home's year, not the fleet's)
    const some = ` AND (home_id IN (SELECT value FROM json_each(?))
      OR (subject_kind = 'platform' AND 'platform' IN (SELECT value FROM json_each(?))))`;
    return this.h.run((db) => {
      const list = JSON.stringify(scopes ?? []);
      const rows =
        scopes === undefined
          ? db.prepare(sql + all).all(now, from)
          : db.prepare(sql + some).all(now, from, list, list);
      return spansOf(rows as Array<{ scope: string; start: number; end: number }>);
    });
  }
}

const getOf = (db: Db, id: number): Incident | undefined =>
  db.prepare(`${SELECT} WHERE id = ?`).get(id) as Incident | undefined;
const openOf = (db: Db, kind: SubjectKind, subjectId: string): Incident | undefined =>
  db
    .prepare(`${SELECT} WHERE subject_kind = ? AND subject_id = ? AND ended_at IS NULL`)
    .get(kind, subjectId) as Incident | undefined;
