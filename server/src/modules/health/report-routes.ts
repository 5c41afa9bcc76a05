import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { errorResponses } from '../../http/error-schema.js';
import { peopleCsv } from '../../http/people-csv.js';
import { checkRange, ReportQuery, reportResponse, sendCsv } from '../../http/report.js';
import { toCsv } from './csv.js';
import type { HealthService } from './health-service.js';
import { coveredMs } from './intervals.js';

const COLUMNS = ['key', 'incidents', 'downtimeMs', 'longestMs'] as const;

/**
 * Downtime per home or region over `[from, to)` (REQUIREMENTS §9.4 reporting): overlapping incidents of
 * one home count once; open incidents run to `min(to, now)`.
 */
export async function reportRoutes(app: BakenApp, health: HealthService): Promise<void> {
  const { clock } = app.baken;
  app.get(
    '/api/v1/reports/downtime',
    {
      onRequest: requireRole('admin', 'monitor'),
      schema: {
        tags: ['reports'],
        operationId: 'getDowntimeReport',
        summary: 'Downtime per home or region over a period (JSON or CSV)',
        querystring: ReportQuery,
        response: {
          200: reportResponse(
            Type.Object({
              key: Type.String(),
              incidents: Type.Integer(),
              downtimeMs: Type.Integer(),
              longestMs: Type.Integer(),
            }),
          ),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      const { from, to, groupBy = 'home', format = 'json', lang } = req.query;
      checkRange(from, to);
      const end = Math.min(to, clock.now());
      const rows = await health.stores.readModel.homeIncidentSpans(from, to, end);
      const homes = new Map<string, { region: string; spans: Array<{ start: number; end: number }> }>();
      for (const r of rows) {
        const h = homes.get(r.homeId) ?? { region: r.region, spans: [] };
        h.spans.push({ start: r.start, end: r.end });
        homes.set(r.homeId, h);
      }
      const out = new Map<
        string,
        { key: string; incidents: number; downtimeMs: number; longestMs: number }
      >();
      for (const [homeId, h] of homes) {
        const key = groupBy === 'region' ? h.region || '(none)' : homeId;
        const o = out.get(key) ?? { key, incidents: 0, downtimeMs: 0, longestMs: 0 };
        o.incidents += h.spans.length;
        o.downtimeMs += coveredMs(h.spans, from, to);
        for (const s of h.spans)
          o.longestMs = Math.max(o.longestMs, Math.min(s.end, to) - Math.max(s.start, from));
        out.set(key, o);
      }
      const list = [...out.values()].sort(
        (a, b) => b.downtimeMs - a.downtimeMs || a.key.localeCompare(b.key),
      );
      if (format === 'csv') {
        const csv = lang ? peopleCsv(COLUMNS, list, lang, groupBy) : toCsv(COLUMNS, list);
        return sendCsv(reply, `downtime-${groupBy}.csv`, csv);
      }
      return { from, to, groupBy, rows: list };
    },
  );
}
