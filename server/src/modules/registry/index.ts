import { defineModule } from '../../app-context.js';
import { clientHomeRoutes } from './client-home-routes.js';
import { deviceRoutes } from './device-routes.js';
import { importExportRoutes } from './import-export.js';

export const registryModule = defineModule({ name: 'registry', encapsulate: true }, async (app) => {
  await clientHomeRoutes(app);
  await deviceRoutes(app);
  await importExportRoutes(app);
});
