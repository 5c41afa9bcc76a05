import type { Db } from '../../../store/database.js';
import type { Incident, IncidentFilter, IncidentStore, SubjectKind } from './incident-store.js';

const SELECT = `SELECT id AS incidentId, subject_kind AS subjectKind, subject_id AS subjectId, gateway_id AS gatewayId,
  home_id AS homeId, cause, started_at AS startedAt, ended_at AS endedAt, downtime_ms AS downtimeMs FROM incidents`;

/** The SQLite binding of {@link IncidentStore}. */
export class SqliteIncidentStore implements IncidentStore {
  constructor(private readonly db: Db) {}

  openFor(kind: SubjectKind, subjectId: string): Incident | undefined {
    return this.db
      .prepare(`${SELECT} WHERE subject_kind = ? AND subject_id = ? AND ended_at IS NULL`)
      .get(kind, subjectId) as Incident | undefined;
  }

  open(
    i: Pick<Incident, 'subjectKind' | 'subjectId' | 'gatewayId' | 'homeId' | 'cause' | 'startedAt'>,
    detectedAt: number,
  ): Incident {
    const r = this.db
      .prepare(
        `INSERT INTO incidents (subject_kind, subject_id, gateway_id, home_id, cause, started_at, detected_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(i.subjectKind, i.subjectId, i.gatewayId, i.homeId, i.cause, i.startedAt, detectedAt);
    return this.get(Number(r.lastInsertRowid))!;
  }

  /** Records a span that is already over (a platform gap found at start-up). */
  record(
    i: Pick<Incident, 'subjectKind' | 'subjectId' | 'cause' | 'startedAt'> & { endedAt: number },
    detectedAt: number,
  ): Incident {
    const r = this.db
      .prepare(
        `INSERT INTO incidents (subject_kind, subject_id, cause, started_at, detected_at, ended_at, downtime_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(i.subjectKind, i.subjectId, i.cause, i.startedAt, detectedAt, i.endedAt, i.endedAt - i.startedAt);
    return this.get(Number(r.lastInsertRowid))!;
  }

  close(id: number, endedAt: number): Incident {
    this.db
      .prepare(
        'UPDATE incidents SET ended_at = MAX(?, started_at), downtime_ms = MAX(?, started_at) - started_at WHERE id = ?',
      )
      .run(endedAt, endedAt, id);
    return this.get(id)!;
  }

  /** An offline declaration may reveal that the subject was gone since an earlier time. */
  moveStart(id: number, startedAt: number): void {
    this.db.prepare('UPDATE incidents SET started_at = MIN(started_at, ?) WHERE id = ?').run(startedAt, id);
  }

  get(id: number): Incident | undefined {
    return this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as Incident | undefined;
  }

  list(f: IncidentFilter): Incident[] {
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
    return this.db.prepare(sql).all(...args, f.limit, f.offset) as Incident[];
  }

  countOpen(): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM incidents WHERE ended_at IS NULL').get() as { n: number }
    ).n;
  }

  /**
   * Downtime spans per scope (home id, or `platform`) overlapping `[from, now]`; open ones end at now.
   * `storage` incidents are not downtime (the unit still delivers) and are left out.
   */
  spansByScope(from: number, now: number): Map<string, Array<{ start: number; end: number }>> {
    const rows = this.db
      .prepare(
        `SELECT CASE WHEN subject_kind = 'platform' THEN 'platform' ELSE home_id END AS scope,
           started_at AS start, IFNULL(ended_at, ?) AS end FROM incidents
         WHERE (ended_at IS NULL OR ended_at > ?) AND (home_id IS NOT NULL OR subject_kind = 'platform')
           AND subject_kind != 'storage'`,
      )
      .all(now, from) as Array<{ scope: string; start: number; end: number }>;
    const out = new Map<string, Array<{ start: number; end: number }>>();
    for (const r of rows) {
      const list = out.get(r.scope) ?? [];
      list.push({ start: r.start, end: r.end });
      out.set(r.scope, list);
    }
    return out;
  }
}
