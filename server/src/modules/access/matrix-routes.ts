import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { conflict, forbidden, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { visibleHome } from '../registry/access.js';
import type { AccessDeps } from './access-service.js';
import {
  AccessOverviewSchema,
  DeclarationSchema,
  EmployeeFunctionsSchema,
  FunctionSchema,
  PersonHomesSchema,
  ReviewStatusSchema,
  TeamSchema,
} from './api-schemas.js';
import { employeeRoutes } from './employee-routes.js';
import { homesForPerson, type OverviewDeps, whoMayEnter } from './overviews.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const WindowSchema = Type.Object(
  {
    weekday: Type.Integer({ minimum: 1, maximum: 7, description: 'ISO weekday, 1 = Monday' }),
    fromMinute: Type.Integer({ minimum: 0, maximum: 1439 }),
    toMinute: Type.Integer({ minimum: 1, maximum: 1440, description: 'exclusive' }),
  },
  { additionalProperties: false },
);
const Windows = Type.Object(
  {
    planned_care: Type.Optional(Type.Array(WindowSchema, { maxItems: 100 })),
    alarm: Type.Optional(Type.Array(WindowSchema, { maxItems: 100 })),
  },
  { additionalProperties: false },
);
const checkWindows = (w: Record<string, Array<{ fromMinute: number; toMinute: number }> | undefined>) => {
  for (const list of Object.values(w))
    for (const x of list ?? [])
      if (x.fromMinute >= x.toMinute) throw conflict('Each window must end after it starts.');
};

/** The function access matrix (REQUIREMENTS §9.3): admin maintains it; overviews for admins and clients. */
/** What the matrix routes use. */
export type MatrixRouteDeps = OverviewDeps & Pick<AccessDeps, 'audit' | 'settings'>;

export async function matrixRoutes(app: BakenApp, deps: MatrixRouteDeps): Promise<void> {
  const { matrix, audit, clock, repos } = deps;
  const admin = requireRole('admin');
  await employeeRoutes(app, deps);
  const log = (by: string, action: string, subject: string, details: Record<string, unknown>) =>
    audit.append({ at: clock.now(), actor: `user:${by}`, action, subject, details });

  app.post(
    '/api/v1/access/functions',
    {
      onRequest: admin,
      schema: {
        tags: ['access-matrix'],
        operationId: 'createFunction',
        summary: 'Create a function (a job with its access windows per situation); its name is unique',
        response: { 201: FunctionSchema, ...errorResponses(409) },
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            description: Type.Optional(Type.String({ maxLength: 500 })),
            windows: Windows,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      checkWindows(req.body.windows);
      const f = await matrix.createFunction(req.body, clock.now());
      await log(req.principal!.user.id, 'matrix.function_created', `function:${f.id}`, {
        name: f.name,
        windows: f.windows,
      });
      return reply.status(201).send(f);
    },
  );
  app.get(
    '/api/v1/access/functions',
    {
      onRequest: requireRole('admin', 'monitor'),
      schema: {
        tags: ['access-matrix'],
        operationId: 'listFunctions',
        summary: 'List the functions with their access windows',
        response: { 200: Type.Array(FunctionSchema) },
      },
    },
    async () => await matrix.listFunctions(),
  );
  app.put(
    '/api/v1/access/functions/:id/windows',
    {
      onRequest: admin,
      schema: {
        tags: ['access-matrix'],
        operationId: 'setFunctionWindows',
        summary: "Replace a function's access windows",
        params: Type.Object({ id: Id }),
        body: Windows,
        response: { 200: FunctionSchema, ...errorResponses(404, 409) },
      },
    },
    async (req) => {
      checkWindows(req.body);
      const f = await matrix.setFunctionWindows(req.params.id, req.body);
      if (!f) throw notFound('Function');
      await log(req.principal!.user.id, 'matrix.windows_changed', `function:${f.id}`, { windows: f.windows });
      return f;
    },
  );

  app.post(
    '/api/v1/access/teams',
    {
      onRequest: admin,
      schema: {
        tags: ['access-matrix'],
        operationId: 'createTeam',
        summary: 'Create a team; its name (and id, when given) is unique',
        response: { 201: TeamSchema, ...errorResponses(409) },
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,63}$' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const t = await matrix.createTeam(req.body, clock.now());
      await log(req.principal!.user.id, 'matrix.team_created', `team:${t.id}`, { name: t.name });
      return reply.status(201).send(t);
    },
  );
  app.get(
    '/api/v1/access/teams',
    {
      onRequest: requireRole('admin', 'monitor'),
      schema: {
        tags: ['access-matrix'],
        operationId: 'listTeams',
        summary: 'List the teams with the clients and regions they serve and their members',
        response: { 200: Type.Array(TeamSchema) },
      },
    },
    async () => await matrix.listTeams(),
  );
  app.patch(
    '/api/v1/access/teams/:id',
    {
      onRequest: admin,
      schema: {
        tags: ['access-matrix'],
        operationId: 'updateTeam',
        summary: 'Replace what a team serves (clients, regions) and who is in it',
        response: { 200: TeamSchema, ...errorResponses(404) },
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            clientIds: Type.Optional(Type.Array(Id, { maxItems: 10_000 })),
            regions: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 }),
            ),
            memberIds: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      for (const u of req.body.memberIds ?? []) if (!(await repos.users.get(u))) throw notFound(`User ${u}`);
      for (const c of req.body.clientIds ?? [])
        if (!(await repos.clients.getClient(c))) throw notFound(`Client ${c}`);
      const t = await matrix.updateTeam(req.params.id, req.body);
      if (!t) throw notFound('Team');
      await log(req.principal!.user.id, 'matrix.team_changed', `team:${t.id}`, { ...req.body });
      return t;
    },
  );

  app.put(
    '/api/v1/access/employees/:userId/functions',
    {
      onRequest: admin,
      schema: {
        tags: ['access-matrix'],
        operationId: 'setEmployeeFunctions',
        summary: "Replace an employee's functions",
        response: { 200: EmployeeFunctionsSchema, ...errorResponses(404) },
        params: Type.Object({ userId: Id }),
        body: Type.Object({ functionIds: Type.Array(Id, { maxItems: 50 }) }, { additionalProperties: false }),
      },
    },
    async (req) => {
      if (!(await repos.users.get(req.params.userId))) throw notFound('User');
      for (const f of req.body.functionIds)
        if (!(await matrix.getFunction(f))) throw notFound(`Function ${f}`);
      await matrix.setEmployeeFunctions(req.params.userId, req.body.functionIds);
      await log(req.principal!.user.id, 'matrix.employee_functions', `user:${req.params.userId}`, {
        functionIds: req.body.functionIds,
      });
      return { userId: req.params.userId, functionIds: req.body.functionIds };
    },
  );

  app.post(
    '/api/v1/access/employees/:userId/declarations',
    {
      onRequest: admin,
      schema: {
        tags: ['access-matrix'],
        operationId: 'recordDeclaration',
        summary: 'Record the signed declaration of an employee (required before any access)',
        response: { 201: DeclarationSchema, ...errorResponses(404) },
        params: Type.Object({ userId: Id }),
        body: Type.Object(
          {
            signedAt: Type.Integer({ minimum: 0 }),
            documentRef: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      if (!(await repos.users.get(req.params.userId))) throw notFound('User');
      const d = await matrix.recordDeclaration(
        { userId: req.params.userId, ...req.body },
        req.principal!.user.id,
        clock.now(),
      );
      await log(req.principal!.user.id, 'matrix.declaration_recorded', `user:${req.params.userId}`, {
        declarationId: d.id,
        signedAt: d.signedAt,
        documentRef: d.documentRef,
      });
      return reply.status(201).send(d);
    },
  );

  app.post(
    '/api/v1/access/matrix/reviews',
    {
      onRequest: admin,
      schema: {
        tags: ['access-matrix'],
        operationId: 'recordMatrixReview',
        summary: 'Record the yearly review of the access matrix',
        response: { 201: ReviewStatusSchema },
        body: Type.Object({ note: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      await matrix.recordReview(req.principal!.user.id, req.body.note, clock.now());
      await log(req.principal!.user.id, 'matrix.reviewed', 'matrix', { note: req.body.note });
      return reply.status(201).send(await reviewStatus(deps));
    },
  );
  app.get(
    '/api/v1/access/matrix/review-status',
    {
      onRequest: requireRole('admin', 'monitor'),
      schema: {
        tags: ['access-matrix'],
        operationId: 'getMatrixReviewStatus',
        summary: 'When the access matrix was last reviewed and whether the yearly review is overdue',
        response: { 200: ReviewStatusSchema },
      },
    },
    async () => reviewStatus(deps),
  );

  app.get(
    '/api/v1/homes/:id/access-overview',
    {
      onRequest: requireRole('admin', 'monitor', 'client'),
      schema: {
        tags: ['access'],
        operationId: 'getHomeAccessOverview',
        summary: 'Who may enter this home, when and why (a client sees only their own home)',
        params: Type.Object({ id: Id }),
        response: { 200: AccessOverviewSchema, ...errorResponses(404) },
      },
    },
    async (req) => {
      const home = await visibleHome(app.baken, req, req.params.id);
      return { homeId: home.id, people: await whoMayEnter(deps, home) };
    },
  );
  app.get(
    '/api/v1/access/people/:userId/homes',
    {
      onRequest: requireRole('admin', 'monitor', 'care_worker'),
      schema: {
        tags: ['access'],
        operationId: 'getPersonHomes',
        summary: 'Which homes a person may enter (a care worker sees only their own)',
        params: Type.Object({ userId: Id }),
        response: { 200: PersonHomesSchema, ...errorResponses(404) },
      },
    },
    async (req) => {
      const me = req.principal!.user;
      if (me.role === 'care_worker' && me.id !== req.params.userId)
        throw forbidden('You may see only your own access.');
      const u = await repos.users.get(req.params.userId);
      if (!u) throw notFound('User');
      return homesForPerson(deps, u);
    },
  );
}

/** The yearly review reminder (REQUIREMENTS §9.3): overdue when the last review is older than the interval. */
export async function reviewStatus(deps: Pick<AccessDeps, 'matrix' | 'settings' | 'clock'>) {
  const last = await deps.matrix.lastReview();
  const dueAt = last ? last.reviewedAt + (await deps.settings()).reviewIntervalDays * 86_400_000 : null;
  return { lastReview: last, dueAt, overdue: dueAt === null || deps.clock.now() >= dueAt };
}
