import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { EmployeeFunctionsSchema, PersonAccessSchema } from './api-schemas.js';
import { employees, type OverviewDeps } from './overviews.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });

/**
 * Reading the employees' side of the function access matrix (REQUIREMENTS §9.3): who has which
 * functions, teams and declaration. Setting them is in matrix-routes.ts.
 */
export async function employeeRoutes(app: BakenApp, deps: OverviewDeps): Promise<void> {
  const { matrix, repos } = deps;

  app.get(
    '/api/v1/access/employees',
    {
      onRequest: requireRole('admin', 'monitor'),
      schema: {
        tags: ['access-matrix'],
        operationId: 'listEmployees',
        summary:
          'Every employee in the matrix (staff, not clients or informal carers) with their teams, functions and declaration',
        response: { 200: Type.Array(PersonAccessSchema), ...errorResponses(401, 403) },
      },
    },
    async () => employees(deps),
  );

  app.get(
    '/api/v1/access/employees/:userId/functions',
    {
      onRequest: requireRole('admin', 'monitor'),
      schema: {
        tags: ['access-matrix'],
        operationId: 'getEmployeeFunctions',
        summary: "An employee's functions (the ids that setEmployeeFunctions replaces)",
        params: Type.Object({ userId: Id }),
        response: { 200: EmployeeFunctionsSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      if (!(await repos.users.get(req.params.userId))) throw notFound('User');
      return { userId: req.params.userId, functionIds: await matrix.employeeFunctionIds(req.params.userId) };
    },
  );
}
