import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { errorResponses } from '../../http/error-schema.js';
import { peopleCsv } from '../../http/people-csv.js';
import { checkRange, ReportQuery, reportResponse, sendCsv } from '../../http/report.js';
import { median } from '../../median.js';
import { toCsv } from '../health/csv.js';
import type { AlarmStore } from './alarm-store.js';
import { ALARM_TARGET_MS } from './alarm-view.js';

const COLUMNS = [
  'key',
  'alarms',
  'acknowledged',
  'onSite',
  'medianAckMs',
  'medianOnSiteMs',
  'onSiteWithinTarget',
] as const;

/** Alarm response per home or region over `[from, to)` against the 30-minute target (REQUIREMENTS §9.4). */
export async function alarmReportRoutes(
  app: BakenApp,
  store: Pick<AlarmStore, 'responseRows'>,
): Promise<void> {
  const Row = Type.Object({
    key: Type.String(),
    alarms: Type.Integer(),
    acknowledged: Type.Integer(),
    onSite: Type.Integer(),
    medianAckMs: Type.Union([Type.Integer(), Type.Null()]),
    medianOnSiteMs: Type.Union([Type.Integer(), Type.Null()]),
    onSiteWithinTarget: Type.Integer(),
  });
  app.get(
    '/api/v1/reports/alarms',
    {
      onRequest: requireRole('admin', 'monitor'),
      schema: {
        tags: ['reports'],
        operationId: 'getAlarmReport',
        summary: 'Alarm handling times per home or region over a period (JSON or CSV)',
        querystring: ReportQuery,
        response: {
          200: reportResponse(Row, { targetMs: Type.Integer() }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      const { from, to, groupBy = 'home', format = 'json', lang } = req.query;
      checkRange(from, to);
      const rows = await store.responseRows(from, to);
      const groups = new Map<string, { ack: number[]; onSite: number[]; n: number }>();
      for (const r of rows) {
        const key = (groupBy === 'region' ? r.region : r.homeId) || '(none)';
        const g = groups.get(key) ?? { ack: [], onSite: [], n: 0 };
        g.n++;
        if (r.ackAt !== null) g.ack.push(r.ackAt - r.raisedAt);
        if (r.onSiteAt !== null) g.onSite.push(r.onSiteAt - r.raisedAt);
        groups.set(key, g);
      }
      const list = [...groups].map(([key, g]) => ({
        key,
        alarms: g.n,
        acknowledged: g.ack.length,
        onSite: g.onSite.length,
        medianAckMs: median(g.ack),
        medianOnSiteMs: median(g.onSite),
        onSiteWithinTarget: g.onSite.filter((t) => t <= ALARM_TARGET_MS).length,
      }));
      list.sort((a, b) => a.key.localeCompare(b.key));
      if (format === 'csv') {
        const csv = lang ? peopleCsv(COLUMNS, list, lang, groupBy) : toCsv(COLUMNS, list);
        return sendCsv(reply, `alarms-${groupBy}.csv`, csv);
      }
      return { from, to, groupBy, targetMs: ALARM_TARGET_MS, rows: list };
    },
  );
}
