import { Gauge } from 'prom-client';
import { defineModule } from '../../app-context.js';
import { alarmReportRoutes } from './alarm-report.js';
import { alarmRoutes } from './alarm-routes.js';
import { AlarmService } from './alarm-service.js';
import type { AlarmRow } from './alarm-store.js';
import { cancelPolicyRoutes } from './cancel-policy-routes.js';
import { SqliteAlarmStore } from './sqlite-alarm-store.js';
import { SqliteCancelPolicies } from './sqlite-cancel-policies.js';

export { type AlarmAction, AlarmService } from './alarm-service.js';
export { ALARM_STATES, type AlarmRow, type AlarmState, type AlarmStore } from './alarm-store.js';
export { ALARM_TARGET_MS, type AlarmView, alarmView } from './alarm-view.js';
export { DEFAULT_UNVERIFIED_CANCEL_POLICY, type UnverifiedCancelPolicy } from './cancel-policy.js';
export { SqliteAlarmStore } from './sqlite-alarm-store.js';
export { SqliteCancelPolicies } from './sqlite-cancel-policies.js';

/** What the alarms module offers the others, as `app.alarms` (the follow-up chain). */
export interface AlarmsApi {
  /** An alarm by id. */
  get(id: string): AlarmRow | undefined;
  /** A step of the follow-up chain on the alarm's timeline (followup/README.md). */
  chainStep: AlarmService['chainStep'];
  /** Alarms not closed, oldest first (at most `limit`): the chain resumes those it never started. */
  open(limit: number): AlarmRow[];
}

declare module 'fastify' {
  interface FastifyInstance {
    alarms: AlarmsApi;
  }
}

/** The alarm inbox: created inside the ingest transaction, worked through the API. */
export const alarmsModule = defineModule({ name: 'alarms', dependencies: ['ingest'] }, async (app) => {
  const ctx = app.baken;
  const policies = new SqliteCancelPolicies(ctx.db);
  const alarms = new AlarmService(new SqliteAlarmStore(ctx.db), ctx.clock, app.ingest.bus, policies);
  app.ingest.addProcessor(alarms.processor);
  app.decorate('alarms', {
    get: (id) => alarms.store.get(id),
    chainStep: (id, step) => alarms.chainStep(id, step),
    open: (limit) => alarms.store.list({ open: true, limit, offset: 0 }),
  } satisfies AlarmsApi);
  new Gauge({
    name: 'baken_alarms_open',
    help: 'Alarms not yet closed',
    registers: [ctx.metrics.registry],
    collect() {
      this.set(alarms.store.countOpen());
    },
  });
  await alarmRoutes(app, alarms);
  await alarmReportRoutes(app, alarms.store);
  await cancelPolicyRoutes(app, policies);
});
