import { defineModule } from '../../app-context.js';
import { authRoutes } from './auth-routes.js';
import { userRoutes } from './user-routes.js';

export const usersModule = defineModule({ name: 'users', encapsulate: true }, async (app) => {
  await authRoutes(app);
  await userRoutes(app);
});
