import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { AuditLog } from './audit-log.js';

export { AuditLog } from './audit-log.js';

/** The audit trail API (issue 7 §4): verify the chain, read entries. Admins only. */
export async function auditModule(app: BakenApp): Promise<void> {
  const log = new AuditLog(app.baken.db);

  app.get(
    '/api/v1/audit/verify',
    {
      onRequest: requireRole('admin'),
      schema: { tags: ['audit'], summary: 'Verify the hash chain; names the first broken entry' },
    },
    async () => log.verify(),
  );

  app.get(
    '/api/v1/audit/entries',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['audit'],
        querystring: Type.Object(
          {
            subject: Type.Optional(Type.String({ maxLength: 200 })),
            action: Type.Optional(Type.String({ maxLength: 100 })),
            sinceSeq: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => log.list(req.query),
  );
}
