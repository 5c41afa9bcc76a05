import { encodeMqttPayload, topicFor } from '@baken/protocols';
import { defineModule } from '../../app-context.js';
import { periodicJob } from '../../cluster/periodic-job.js';
import { bindStore } from '../../store/storage.js';
import { type BudgetWatch, healthBudgetWatch } from './budget-watch.js';
import { PgUpdateStore } from './pg-update-store.js';
import { serverReleaseKeys } from './release-service.js';
import {
  DEFAULT_ROLLOUT_POLICY,
  RolloutEngine,
  type RolloutPolicy,
  type UnitReport,
} from './rollout-engine.js';
import { updateRoutes } from './routes.js';
import { SqliteUpdateStore } from './sqlite-update-store.js';
import type { UpdateStore } from './update-store.js';
import { UpdatesService } from './updates-service.js';

export type { BudgetWatch } from './budget-watch.js';
export { RolloutEngine } from './rollout-engine.js';
export { UpdatesService } from './updates-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Releases and rollouts (the dashboard page, tests). */
    updates: UpdatesService;
  }
}

export interface UpdatesModuleOptions {
  policy?: RolloutPolicy;
  /** How often running rollouts are stepped. Default 15 s. */
  tickMs?: number;
  /** Overrides the health module's budgets (tests). */
  budgets?: BudgetWatch;
}

/**
 * Server-pushed gateway updates (README.md beside this file): signed releases, staged rollouts that
 * offer them over `cmd/req` [MQTT-MAP §4.5.1], follow the units' update reports (§4.1.5), and pause
 * by themselves on a burning downtime budget or too many failures. Depends on health and ingest.
 */
export const updatesModule = defineModule<UpdatesModuleOptions>(
  { name: 'updates', dependencies: ['ingest', 'health', 'audit'] },
  async (app, opts) => {
    const ctx = app.baken;
    const log = app.log.child({ component: 'updates' });
    const store = bindStore<UpdateStore>(ctx.storage.handle, {
      sqlite: (h) => new SqliteUpdateStore(h),
      postgres: (h) => new PgUpdateStore(h),
    });
    const auditLog = app.audit;
    const audit = (action: string, subject: string, details: Record<string, unknown>, actor = 'system') =>
      auditLog.append({ at: ctx.clock.now(), actor, action, subject, details });
    const budgets: BudgetWatch = opts.budgets ?? healthBudgetWatch(app.health);
    const engine = new RolloutEngine({
      store,
      budgets,
      audit,
      log,
      policy: opts.policy ?? DEFAULT_ROLLOUT_POLICY,
      send: async (gatewayId, offer) => {
        if (!ctx.mqtt) throw new Error('no MQTT client');
        const payload = encodeMqttPayload('cmd/req', {
          v: 1,
          transaction: offer.transaction,
          deviceId: gatewayId,
          kind: 'update',
          expiresAt: offer.expiresAt,
          params: { version: offer.version, rollout: offer.rollout },
        });
        await ctx.mqtt.publish(topicFor('cmd/req', gatewayId), payload, { qos: 1 });
      },
    });
    const svc = new UpdatesService({
      store,
      engine,
      keys: () => serverReleaseKeys(ctx.config.dataDir),
      gateways: () => ctx.repos.gateways.list(),
      audit,
    });
    app.decorate('updates', svc);

    const bus = app.ingest.bus;
    const offs = [
      bus.on('command.result', ({ result, gatewayId, at }) => {
        if (result.transaction.startsWith('upd-'))
          engine
            .onOfferAnswer(gatewayId, result.transaction, result.status, result.reason, at)
            .catch((err) => log.error({ err }, 'update offer answer not recorded'));
      }),
      bus.on('ingest.event', ({ event, storedAt }) => {
        if (event.deviceKind !== 'gateway' || event.kind !== 'update') return;
        engine
          .onReport(event.gatewayId, event.data as unknown as UnitReport, storedAt)
          .catch((err) => log.error({ err }, 'update report not recorded'));
      }),
    ];
    // Rollout steps on one instance at a time (store README, "The sweep lease").
    periodicJob(app, {
      name: 'updates.rollout',
      intervalMs: opts.tickMs ?? 15_000,
      run: (now) => engine.tick(now),
      what: 'rollout step',
    });
    app.addHook('onClose', async () => {
      for (const off of offs) off();
    });
    await updateRoutes(app, svc);
  },
);
