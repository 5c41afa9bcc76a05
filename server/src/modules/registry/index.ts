import type { BakenApp } from '../../app-context.js';
import { clientHomeRoutes } from './client-home-routes.js';
import { deviceRoutes } from './device-routes.js';
import { importExportRoutes } from './import-export.js';

export async function registryModule(app: BakenApp): Promise<void> {
  await clientHomeRoutes(app);
  await deviceRoutes(app);
  await importExportRoutes(app);
}
