import type { BakenModule } from '../app-context.js';
import { webModule } from '../web/index.js';
import { accessModule } from './access/index.js';
import { alarmCentreModule } from './alarm-centre/index.js';
import { alarmsModule } from './alarms/index.js';
import { auditModule } from './audit/index.js';
import { enrolmentModule } from './enrolment/index.js';
import { followupModule } from './followup/index.js';
import { gatewayConfigModule } from './gateway-config/index.js';
import { healthModule } from './health/index.js';
import { ingestModule } from './ingest/index.js';
import { registryModule } from './registry/index.js';
import { updatesModule } from './updates/index.js';
import { usersModule } from './users/index.js';

/**
 * Every server module, registered in this order by `buildApp`. Each is a Fastify plugin made with
 * `defineModule` that names the modules it needs; Fastify refuses to start when one of them is
 * missing or comes later in this list (`README.md` here). To add one: create
 * `modules/<name>/index.ts` exporting a {@link BakenModule}, add it here after its dependencies,
 * put its tables in a new `store/migrations/NNN-<name>.ts`, its error codes in `errors.ts`.
 */
export const modules: BakenModule[] = [
  usersModule,
  registryModule,
  enrolmentModule,
  ingestModule,
  healthModule,
  alarmsModule,
  auditModule,
  accessModule,
  followupModule,
  gatewayConfigModule,
  updatesModule,
  alarmCentreModule,
  webModule,
];
