import { Type } from '@sinclair/typebox';
import { defineModule } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import type { AuditChain } from './audit-chain.js';
import { auditChainOn } from './audit-log.js';

const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.Integer(),
  actor: Type.String(),
  action: Type.String(),
  subject: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.String(),
  hash: Type.String(),
});
const VerifySchema = Type.Union([
  Type.Object({
    ok: Type.Literal(true),
    entries: Type.Integer(),
    firstSeq: Type.Union([Type.Integer(), Type.Null()]),
    lastSeq: Type.Union([Type.Integer(), Type.Null()]),
    headHash: Type.String(),
  }),
  Type.Object({
    ok: Type.Literal(false),
    entries: Type.Integer(),
    firstBrokenSeq: Type.Integer(),
    problem: Type.Union(
      ['seq_gap', 'prev_hash_mismatch', 'hash_mismatch', 'checkpoint_mismatch'].map((p) => Type.Literal(p)),
    ),
    message: Type.String(),
  }),
]);

export { AuditLog, auditChainOn } from './audit-log.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The hash-chained audit trail every module appends to (declare `dependencies: ['audit']`). */
    audit: AuditChain;
  }
}

/** The audit trail, as `app.audit`, and its API: verify the chain, read entries. Admins only. */
export const auditModule = defineModule({ name: 'audit' }, async (app) => {
  const log = auditChainOn(app.baken.storage.handle);
  app.decorate('audit', log);

  app.get(
    '/api/v1/audit/verify',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['audit'],
        operationId: 'verifyAudit',
        summary: 'Verify the hash chain; names the first broken entry',
        response: { 200: VerifySchema },
      },
    },
    async () => log.verify(),
  );

  app.get(
    '/api/v1/audit/entries',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['audit'],
        operationId: 'listAuditEntries',
        summary: 'Read audit entries, oldest first, by subject, action or sequence number',
        response: { 200: Type.Array(AuditEntrySchema) },
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
});
