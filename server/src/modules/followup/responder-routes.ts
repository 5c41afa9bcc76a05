import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { errorResponses } from '../../http/error-schema.js';
import type { FollowupEngine } from './engine.js';
import type { AlarmPort } from './ports.js';
import { Id, OfferSchema } from './schemas.js';

const Answer = Type.Object({
  alarmId: Type.String(),
  state: Type.String(),
  acceptedAt: Type.Union([Type.Integer(), Type.Null()]),
});

/**
 * The responder's side of the chain (informal carers and care workers, on their phones): the
 * alarms they are asked to go to, accepting one, or saying they cannot go.
 */
export async function responderRoutes(
  app: BakenApp,
  engine: FollowupEngine,
  alarms: AlarmPort,
): Promise<void> {
  const { repos } = app.baken;

  app.get(
    '/api/v1/followup/offers',
    {
      onRequest: requireRole('informal_carer', 'care_worker'),
      schema: {
        tags: ['followup'],
        operationId: 'listFollowupOffers',
        summary: 'Alarms you are asked to go to (or accepted and still open), with the address',
        response: { 200: Type.Object({ items: Type.Array(OfferSchema) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => {
      const user = req.principal!.user;
      const items = [];
      for (const { run, offer, offerIndex } of await engine.offersFor(user)) {
        if (offer.kind === 'centre') continue;
        const home = await repos.clients.getHome(run.homeId);
        const alarm = await alarms.get(run.alarmId);
        if (!home || !alarm || alarm.state === 'closed') continue;
        const mine = run.state === 'accepted';
        items.push({
          alarmId: run.alarmId,
          homeId: home.id,
          address: [home.address, home.city].filter(Boolean).join(', '),
          kind: offer.kind,
          status: mine
            ? ('accepted' as const)
            : offerIndex === run.position && run.state === 'asking'
              ? ('open' as const)
              : ('asked_before' as const),
          deadlineAt: offerIndex === run.position ? run.deadlineAt : null,
          raisedAt: alarm.raisedAt,
          accessProcedure: mine ? home.accessProcedure : null,
        });
      }
      return { items };
    },
  );

  for (const [action, summary] of [
    ['accept', 'Accept an alarm you were asked to go to: it is assigned to you and the chain stops'],
    ['decline', 'Say you cannot go: the chain asks the next at once'],
  ] as const) {
    app.post(
      `/api/v1/followup/alarms/:id/${action}`,
      {
        onRequest: requireRole('informal_carer', 'care_worker'),
        schema: {
          tags: ['followup'],
          operationId: action === 'accept' ? 'acceptFollowupAlarm' : 'declineFollowupAlarm',
          summary,
          params: Type.Object({ id: Id }),
          response: { 200: Answer, ...errorResponses(401, 403, 404, 409) },
        },
      },
      async (req) => {
        const user = req.principal!.user;
        const run =
          action === 'accept'
            ? await engine.accept(req.params.id, user)
            : await engine.decline(req.params.id, user);
        return { alarmId: run.alarmId, state: run.state, acceptedAt: run.acceptedAt };
      },
    );
  }
}
