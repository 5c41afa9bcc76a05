import { Gauge } from 'prom-client';
import { defineModule } from '../../app-context.js';
import { alarmReportRoutes } from './alarm-report.js';
import { alarmRoutes } from './alarm-routes.js';
import { AlarmService } from './alarm-service.js';
import type { AlarmRow } from './alarm-store.js';
import { alarmStoreOn, cancelPoliciesOn } from './alarm-store-on.js';
import { cancelPolicyRoutes } from './cancel-policy-routes.js';

export { type AlarmAction, AlarmService } from './alarm-service.js';
export { ALARM_STATES, type AlarmRow, type AlarmState, type AlarmStore } from './alarm-store.js';
export { alarmStoreOn, cancelPoliciesOn } from './alarm-store-on.js';
export { ALARM_TARGET_MS, type AlarmView, alarmView } from './alarm-view.js';
export {
  type CancelPolicies,
  DEFAULT_UNVERIFIED_CANCEL_POLICY,
  type UnverifiedCancelPolicy,
} from './cancel-policy.js';

/** What the alarms module offers the others, as `app.alarms` (the follow-up chain). */
export interface AlarmsApi {
  /** An alarm by id. */
  get(id: string): Promise<AlarmRow | undefined>;
  /** A step of the follow-up chain on the alarm's timeline (followup/README.md). */
  chainStep: AlarmService['chainStep'];
  /** Alarms not closed, newest first (at most `limit`): the chain resumes those it never started. */
  open(limit: number): Promise<AlarmRow[]>;
}

declare module 'fastify' {
  interface FastifyInstance {
    alarms: AlarmsApi;
  }
}

/** The alarm inbox: created inside the ingest turn's transaction, worked through the API. */
export const alarmsModule = defineModule({ name: 'alarms', dependencies: ['ingest'] }, async (app) => {
  const ctx = app.baken;
  const handle = ctx.storage.handle;
  const alarms = new AlarmService(alarmStoreOn(handle), ctx.clock, app.ingest.bus);
  app.ingest.addTurnProcessor(alarms.turnProcessor);
  app.decorate('alarms', {
    get: (id) => alarms.store.get(id),
    chainStep: (id, step) => alarms.chainStep(id, step),
    open: (limit) => alarms.store.list({ open: true, limit, offset: 0 }),
  } satisfies AlarmsApi);
  new Gauge({
    name: 'baken_alarms_open',
    help: 'Alarms not yet closed',
    registers: [ctx.metrics.registry],
    async collect() {
      this.set(await alarms.store.countOpen());
    },
  });
  await alarmRoutes(app, alarms);
  await alarmReportRoutes(app, alarms.store);
  await cancelPolicyRoutes(app, cancelPoliciesOn(handle));
});
