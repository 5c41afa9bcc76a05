import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { errorResponses } from '../../http/error-schema.js';
import { sendCsv } from '../../http/report.js';
import { visibleHome } from '../registry/access.js';
import type { AccessDeps } from './access-service.js';
import type { AccessStores } from './access-stores.js';
import { AccessLogSchema, ResponseReportSchema } from './api-schemas.js';
import { ON_SITE_TARGET_MS, responseCsv, responseReport } from './response-report.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });

/** The client view of who entered (REQUIREMENTS §9.6) and the response-time report. */
/** What the client view and response report use. */
export type ReportRouteDeps = Pick<AccessDeps, 'releases' | 'repos' | 'consents' | 'clock'> & {
  stores: Pick<AccessStores, 'alerts'>;
};

export async function reportRoutes(app: BakenApp, deps: ReportRouteDeps): Promise<void> {
  app.get(
    '/api/v1/homes/:id/access-log',
    {
      onRequest: requireRole('admin', 'monitor', 'client'),
      schema: {
        tags: ['access'],
        operationId: 'getHomeAccessLog',
        summary: 'Who entered this home, when, and under which situation (a client sees only their own home)',
        params: Type.Object({ id: Id }),
        response: { 200: AccessLogSchema, ...errorResponses(404) },
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const home = await visibleHome(app.baken, req, req.params.id);
      const rows = await deps.releases.list({ homeId: home.id, limit: req.query.limit });
      const names = new Map<string, string>();
      const nameOf = async (id: string) => {
        if (!names.has(id)) names.set(id, (await deps.repos.users.get(id))?.displayName ?? 'former employee');
        return names.get(id)!;
      };
      const entries = [];
      for (const r of rows) {
        entries.push({
          releasedAt: r.issuedAt,
          enteredAt: r.openedAt,
          who: await nameOf(r.userId),
          situation: r.situation,
          how:
            r.mode === 'remote_open'
              ? 'opened remotely by the alarm centre'
              : r.issuedBy !== r.userId
                ? 'code given by phone by the alarm centre'
                : 'one-time code',
          releasedBy: await nameOf(r.issuedBy),
          revoked: r.revokedAt !== null,
        });
      }
      const unmatched = await deps.stores.alerts.openingsWithoutReleaseAtHome(home.id);
      // [REQUIREMENTS §9.6] the client's own grants and withdrawals of key access for informal carers.
      const carerConsents = [];
      for (const c of await deps.consents.ofHome(home.id)) {
        const carer = await nameOf(c.carerUserId);
        const base = { carer, windows: c.windows, alarmOnly: c.alarmOnly };
        carerConsents.push({
          at: c.grantedAt,
          change: 'granted' as const,
          by: await nameOf(c.grantedBy),
          ...base,
        });
        if (c.withdrawnAt !== null)
          carerConsents.push({
            at: c.withdrawnAt,
            change: 'withdrawn' as const,
            by: await nameOf(c.withdrawnBy ?? ''),
            ...base,
          });
      }
      carerConsents.sort((a, b) => b.at - a.at);
      return { homeId: home.id, entries, openingsWithoutRelease: unmatched, carerConsents };
    },
  );

  app.get(
    '/api/v1/reports/response',
    {
      onRequest: requireRole('admin', 'monitor'),
      schema: {
        tags: ['reports'],
        operationId: 'getResponseReport',
        summary: 'Alarm → release → door opening per team and period, against the 30-minute on-site target',
        produces: ['application/json', 'text/csv'],
        response: { 200: ResponseReportSchema },
        querystring: Type.Object(
          {
            format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
            period: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
              default: 'week',
            }),
            since: Type.Optional(Type.Integer({ minimum: 0 })),
            until: Type.Optional(Type.Integer({ minimum: 0 })),
            /** With `format=csv`: a CSV for people in this language (Excel dialect, headings, minutes). */
            lang: Type.Optional(Type.Union([Type.Literal('nl'), Type.Literal('en')])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const now = deps.clock.now();
      const rows = await responseReport(deps.releases, {
        since: req.query.since ?? now - 90 * 86_400_000,
        until: req.query.until ?? now + 1,
        period: req.query.period,
        timeZone: app.baken.config.i18n.timeZone,
      });
      if (req.query.format === 'csv') {
        return sendCsv(reply, 'response-times.csv', responseCsv(rows, req.query.lang));
      }
      return { targetMs: ON_SITE_TARGET_MS, rows };
    },
  );
}
