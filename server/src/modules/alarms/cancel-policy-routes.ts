import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import type { CancelPolicies } from './cancel-policy.js';

const PolicySchema = Type.Object({
  homeId: Type.String(),
  unverifiedCancel: Type.Union([Type.Literal('refuse'), Type.Literal('confirm')], {
    description:
      'What a cancel from an unauthenticated (plaintext BTHome) pendant does: refuse (default) or show it as an unverified cancel staff must confirm',
  }),
  updatedAt: Type.Union([Type.Integer(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** A home's alarm policy: how a cancel from an unauthenticated pendant is treated [PENDANT SPEC §5.1]. */
export async function cancelPolicyRoutes(app: BakenApp, policies: CancelPolicies): Promise<void> {
  const home = async (id: string) => {
    if (!(await app.baken.repos.clients.getHome(id))) throw notFound('Home');
  };
  app.get(
    '/api/v1/homes/:id/alarm-policy',
    {
      onRequest: requireRole('admin', 'monitor', 'technician'),
      schema: {
        tags: ['alarms'],
        operationId: 'getHomeAlarmPolicy',
        summary: "A home's alarm policy (unverified cancels)",
        params: Params,
        response: { 200: PolicySchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      await home(req.params.id);
      return policies.get(req.params.id);
    },
  );
  app.put(
    '/api/v1/homes/:id/alarm-policy',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['alarms'],
        operationId: 'setHomeAlarmPolicy',
        summary: "Set a home's alarm policy (unverified cancels)",
        params: Params,
        body: Type.Object(
          { unverifiedCancel: Type.Union([Type.Literal('refuse'), Type.Literal('confirm')]) },
          { additionalProperties: false },
        ),
        response: { 200: PolicySchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      await home(req.params.id);
      return policies.set(
        req.params.id,
        req.body.unverifiedCancel,
        req.principal!.user.id,
        app.baken.clock.now(),
      );
    },
  );
}
