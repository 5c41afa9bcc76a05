import type { BakenApp } from '../../app-context.js';
import { authRoutes } from './auth-routes.js';
import { userRoutes } from './user-routes.js';

export async function usersModule(app: BakenApp): Promise<void> {
  await authRoutes(app);
  await userRoutes(app);
}
