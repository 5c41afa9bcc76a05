import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { BakenError } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { visibleHome } from '../registry/access.js';
import { type ChainStep, chainProblem } from './chain.js';
import type { FollowupStore, Run } from './followup-store.js';
import type { TeamDirectory } from './ports.js';
import { followupReport } from './report.js';
import { ChainSchema, ChainStepSchema, Id, RunSchema } from './schemas.js';

/** The display names of the people named in runs, looked up once per answer. */
export function nameCache(app: BakenApp): (id: string | null) => Promise<string | null> {
  const names = new Map<string, string | null>();
  return async (id) => {
    if (id === null) return null;
    if (!names.has(id)) names.set(id, (await app.baken.repos.users.get(id))?.displayName ?? null);
    return names.get(id)!;
  };
}

export async function runView(app: BakenApp, store: FollowupStore, r: Run, name = nameCache(app)) {
  const steps = [];
  for (const s of await store.steps(r.alarmId))
    steps.push({
      at: s.at,
      kind: s.kind,
      targetKind: s.targetKind,
      targetName: s.targetName,
      who: await name(s.userId),
      detail: s.detail,
    });
  return {
    alarmId: r.alarmId,
    state: r.state,
    startedAt: r.startedAt,
    deadlineAt: r.deadlineAt,
    acceptedAt: r.acceptedAt,
    acceptedBy: await name(r.acceptedBy),
    steps,
  };
}

/** The chain editor's API, the follow-up of a home's alarms (the client sees their own), and the report. */
export async function chainRoutes(app: BakenApp, store: FollowupStore, teams: TeamDirectory): Promise<void> {
  const ctx = app.baken;
  const HomeParams = Type.Object({ id: Id });

  app.get(
    '/api/v1/homes/:id/followup-chain',
    {
      onRequest: requireRole('admin', 'monitor', 'technician', 'client'),
      schema: {
        tags: ['followup'],
        operationId: 'getFollowupChain',
        summary: "The home's follow-up chain: who is asked after an alarm, in which order, for how long",
        params: HomeParams,
        response: { 200: ChainSchema, ...errorResponses(404) },
      },
    },
    async (req) => {
      const home = await visibleHome(ctx, req, req.params.id);
      const c = await store.chain(home.id);
      return { homeId: home.id, steps: c?.steps ?? null, updatedAt: c?.updatedAt ?? null };
    },
  );

  app.put(
    '/api/v1/homes/:id/followup-chain',
    {
      onRequest: requireRole('admin', 'monitor'),
      schema: {
        tags: ['followup'],
        operationId: 'setFollowupChain',
        summary:
          "Set the home's follow-up chain (null: alarms go to the alarm centre only); applies to new alarms",
        params: HomeParams,
        body: Type.Object(
          { steps: Type.Union([Type.Array(ChainStepSchema, { maxItems: 8 }), Type.Null()]) },
          { additionalProperties: false },
        ),
        response: { 200: ChainSchema, ...errorResponses(400, 404) },
      },
    },
    async (req) => {
      const home = await visibleHome(ctx, req, req.params.id);
      const steps = req.body.steps as ChainStep[] | null;
      const known = new Set<string>();
      for (const s of steps ?? [])
        if (s.kind === 'care_team' && (await teams.name(s.teamId)) !== null) known.add(s.teamId);
      const problem = steps === null ? null : chainProblem(steps, (id) => known.has(id));
      if (problem !== null)
        throw new BakenError('BAKEN_ERR_VALIDATION', 400, problem, {
          details: [{ field: '/body/steps', message: problem }],
        });
      await store.setChain(home.id, steps, req.principal!.user.id, ctx.clock.now());
      const c = await store.chain(home.id);
      return { homeId: home.id, steps: c?.steps ?? null, updatedAt: c?.updatedAt ?? null };
    },
  );

  app.get(
    '/api/v1/homes/:id/followup',
    {
      onRequest: requireRole('admin', 'monitor', 'client'),
      schema: {
        tags: ['followup'],
        operationId: 'getHomeFollowup',
        summary:
          "Every follow-up step of the home's recent alarms: who was asked, when, who accepted, who came",
        params: HomeParams,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(RunSchema) }), ...errorResponses(404) },
      },
    },
    async (req) => {
      const home = await visibleHome(ctx, req, req.params.id);
      const name = nameCache(app);
      const items = [];
      for (const r of await store.runsOfHome(home.id, req.query.limit))
        items.push(await runView(app, store, r, name));
      return { items };
    },
  );

  app.get(
    '/api/v1/reports/followup',
    {
      onRequest: requireRole('admin', 'monitor'),
      schema: {
        tags: ['reports'],
        operationId: 'getFollowupReport',
        summary: 'Follow-up chains: how often each kind of responder was asked, accepted, and how fast',
        querystring: Type.Object(
          {
            since: Type.Optional(Type.Integer({ minimum: 0 })),
            until: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            since: Type.Integer(),
            until: Type.Integer(),
            rows: Type.Array(
              Type.Object({
                responder: Type.String(),
                asked: Type.Integer(),
                accepted: Type.Integer(),
                noAnswer: Type.Integer(),
                declined: Type.Integer(),
                medianAskToAcceptMs: Type.Union([Type.Integer(), Type.Null()]),
              }),
            ),
            alarms: Type.Integer(),
            onSiteWithinTarget: Type.Integer(),
            handedToCentre: Type.Integer(),
            alarmCentre: Type.Object({
              sent: Type.Integer(),
              acknowledged: Type.Integer(),
              refused: Type.Integer(),
              noLink: Type.Integer(),
              failovers: Type.Integer(),
              medianHandToAckMs: Type.Union([Type.Integer(), Type.Null()]),
            }),
          }),
          ...errorResponses(400),
        },
      },
    },
    async (req) => {
      const until = req.query.until ?? ctx.clock.now();
      const since = req.query.since ?? until - 30 * 24 * 3_600_000;
      return { since, until, ...(await followupReport(store, since, until)) };
    },
  );
}
