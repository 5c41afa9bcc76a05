import { Gauge } from 'prom-client';
import { defineModule } from '../../app-context.js';
import type { TimerHandle } from '../../clock.js';
import { periodicJob } from '../../cluster/periodic-job.js';
import { storageRefusal } from '../../store/storage-refused.js';
import { fleetRoutes } from './fleet-routes.js';
import { DEFAULT_HEALTH_POLICY, type HealthPolicy } from './health-policy.js';
import { HealthService } from './health-service.js';
import { homeRoutes } from './home-routes.js';
import { reportRoutes } from './report-routes.js';
import { streamRoutes } from './stream-routes.js';

export { type BudgetStatus, budgetStatus } from './budget.js';
export { DEFAULT_HEALTH_POLICY, type HealthPolicy } from './health-policy.js';
export { HealthService } from './health-service.js';

/** A failing sign of life (other than a refusing disk) is warned about at most this often. */
const LIVENESS_WARN_EVERY_MS = 60_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** The health service: current state, incidents, budgets (the updates module, tests). */
    health: HealthService;
  }
}

export interface HealthModuleOptions {
  policy?: HealthPolicy;
}

/**
 * Health: current state from heartbeats/availability/events, the sweep on the
 * injected clock (silence → incidents, budgets → alerts, platform liveness), and the HTTP API.
 */
export const healthModule = defineModule<HealthModuleOptions>(
  { name: 'health', dependencies: ['ingest'] },
  async (app, opts) => {
    const policy = opts.policy ?? DEFAULT_HEALTH_POLICY;
    const ctx = app.baken;
    const bus = app.ingest.bus;
    const log = app.log.child({ component: 'health' });
    // outside the ingest turn (routes, the sweep): the shared handle of the deployment's database
    const health = new HealthService(ctx.storage.handle, bus, policy, {}, (err, what) =>
      log.error({ err, what }, 'health work failed'),
    );
    app.decorate('health', health);
    // inside the ingest turn, on its transaction (store README, "One transaction per turn")
    // a turn's heartbeats and availability messages together: one statement per table and turn
    app.ingest.onStates((states, turn) => health.onStates(states, turn));
    // last-seen writes of an event commit with it, in the ingest transaction
    app.ingest.addTurnProcessor(async (events, turn) => {
      await health.touchFromEvents(events, turn);
      return undefined;
    });
    // after the commit: the events' warning rules and the gateways' state
    bus.on('ingest.event', (m) => health.onEvent(m));

    new Gauge({
      name: 'baken_incidents_open',
      help: 'Open incidents (gateways, devices, platform)',
      registers: [ctx.metrics.registry],
      async collect() {
        this.set(await health.incidents.countOpen());
      },
    });

    let aliveTimer: TimerHandle | null = null;
    let livenessWarnedAt = Number.NEGATIVE_INFINITY;
    // A disk that refuses writes is raised by the storage health (store README, "A disk that
    // refuses writes"); any other failure is warned about once a minute, not at every second.
    const livenessFailed = (err: unknown) => {
      if (storageRefusal(err)) return;
      const now = ctx.clock.now();
      if (now - livenessWarnedAt < LIVENESS_WARN_EVERY_MS) return;
      livenessWarnedAt = now;
      log.warn(
        { err },
        'platform liveness not recorded: while this lasts, a crash of this instance would be dated to its last recorded second, overstating the outage; check the database',
      );
    };
    app.addHook('onReady', async () => {
      await health.startRun(ctx.clock.now());
      // the platform's own liveness every second: a crash is dated to the second
      aliveTimer = ctx.clock.setInterval(() => {
        health.alive(ctx.clock.now()).catch(livenessFailed);
      }, policy.platformAliveMs);
    });
    // Silence → incidents, budgets → alerts: on one instance at a time (store README, "The sweep lease").
    periodicJob(app, {
      name: 'health.sweep',
      intervalMs: policy.sweepIntervalMs,
      run: (now) => health.sweep(now),
      what: 'health sweep',
    });
    app.addHook('onClose', async () => {
      if (aliveTimer) ctx.clock.clearInterval(aliveTimer);
      await health.idle();
      await health.platform.stop(ctx.clock.now());
    });

    await fleetRoutes(app, health);
    await homeRoutes(app, health);
    await reportRoutes(app, health);
    await streamRoutes(app);
  },
);
