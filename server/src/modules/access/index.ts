import { defineModule } from '../../app-context.js';
import { periodicJob } from '../../cluster/periodic-job.js';
import { bindStore, type StoreHandle } from '../../store/storage.js';
import type { AuditLog } from '../audit/audit-log.js';
import { finishAbandonedReleases } from './abandoned-releases.js';
import { accessQueries } from './access-queries.js';
import { type AccessDeps, AccessService } from './access-service.js';
import type { AccessGatewayStore, AccessStores, OnlineState } from './access-stores.js';
import { alarmSourceOn } from './alarm-source-on.js';
import { AccessAlerts } from './alerts.js';
import { CarerConsentService } from './carer-consent.js';
import type { CarerConsentStore } from './carer-consent-store.js';
import { DeviceEvents } from './device-events.js';
import { Installer } from './installer.js';
import { installerRoutes } from './installer-routes.js';
import { KeysafeKeys, loadMasterKey } from './keysafe-keys.js';
import { KeysafeLink } from './keysafe-link.js';
import { keysafeRoutes } from './keysafe-routes.js';
import { matrixRoutes } from './matrix-routes.js';
import type { MatrixStore } from './matrix-store.js';
import { PgAccessGatewayStore } from './pg-access-small-stores.js';
import { pgAccessStores } from './pg-access-stores.js';
import { PgCarerConsents } from './pg-carer-consents.js';
import { PgMatrixStore } from './pg-matrix-store.js';
import { reportRoutes } from './report-routes.js';
import { requestRoutes } from './request-routes.js';
import { purgeRetention } from './retention.js';
import { Revocation } from './revocation.js';
import { SqliteAccessGatewayStore } from './sqlite-access-small-stores.js';
import { sqliteAccessStores } from './sqlite-access-stores.js';
import { sqliteCarerConsentStore } from './sqlite-carer-consents.js';
import { sqliteMatrixStore } from './sqlite-matrix-store.js';

/** Home units' online states, written on `h` (the ingest turn's transaction). */
function onlineStateOn(h: StoreHandle): Pick<AccessGatewayStore, 'setOnlineAll'> {
  return bindStore<Pick<AccessGatewayStore, 'setOnlineAll'>>(h, {
    sqlite: (s) => ({
      setOnlineAll: (states) => s.run((db) => new SqliteAccessGatewayStore(db).setOnlineAllNow(states)),
    }),
    postgres: (p) => new PgAccessGatewayStore(p),
  });
}

export interface AccessApi {
  /** Key-code requests: the matrix decision, releases, the codes (the CLI, tests). */
  requests: AccessService;
  /** Blocks and revocations. */
  revocation: Revocation;
  /** Key-safe events from the home units. */
  deviceEvents: DeviceEvents;
  /** The care teams of the matrix, read-only (the follow-up chain asks them). */
  teams: Pick<MatrixStore, 'getTeam' | 'listTeams'>;
  /** The clients' consents for their informal carers (granted and withdrawn on the client's page). */
  carerConsents: CarerConsentService;
  /**
   * Set-up outside the API, for the demo seed and tests: the function matrix, the key safes' keys,
   * access alerts, the access audit trail, and the command link's publisher.
   */
  setup: {
    matrix: MatrixStore;
    keys: KeysafeKeys;
    alerts: AccessAlerts;
    audit: AuditLog;
    link: Pick<KeysafeLink, 'setPublisher'>;
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The access module's services (the follow-up chain, the CLI, tests). */
    access: AccessApi;
  }
}

const SWEEP_MS = 60_000;
const RETENTION_MS = 24 * 3_600_000;

/**
 * Key-safe code release: function access matrix, one-time codes online and offline,
 * blocking, time sync, reconciliation of the key safes' own audit, client view and response report.
 * Each collaborator receives only what it uses (its `…Deps` type), all wired here.
 */
export const accessModule = defineModule(
  { name: 'access', dependencies: ['ingest', 'audit'] },
  async (app) => {
    const ctx = app.baken;
    const { storage, clock, repos } = ctx;
    const audit = app.audit;
    // Every store on the deployment's database; on SQLite all on the connection's shared async
    // handle, so a call waits for another caller's transaction instead of joining it.
    const stores = bindStore<AccessStores>(storage.handle, {
      sqlite: () => sqliteAccessStores(ctx.db),
      postgres: (h) => pgAccessStores(h),
    });
    const matrix = bindStore<MatrixStore>(storage.handle, {
      sqlite: () => sqliteMatrixStore(ctx.db),
      postgres: (h) => new PgMatrixStore(h),
    });
    const consents = bindStore<CarerConsentStore>(storage.handle, {
      sqlite: () => sqliteCarerConsentStore(ctx.db),
      postgres: (h) => new PgCarerConsents(h),
    });
    // the alarms module's table
    const alarmSource = alarmSourceOn(storage.handle);
    const keys = new KeysafeKeys(stores.keys, loadMasterKey(ctx.config.dataDir, process.env));
    const releases = stores.releases;
    const queries = accessQueries({ clock, repos, stores });
    const link = new KeysafeLink(
      stores,
      clock,
      keys,
      audit,
      () => ctx.mqtt,
      queries.deviceNowS,
      async (cmd) => {
        // a delivered offline-code key: codes of that generation may now be handed out
        if (cmd.status === 'ok' && (cmd.purpose === 'offline_key' || cmd.purpose === 'rotate_offline_key')) {
          const p = (await stores.commands.get(cmd.id))?.params as { offlineGeneration: number } | undefined;
          if (p) await stores.keysafeState.markOfflineDelivered(cmd.deviceId, p.offlineGeneration);
        }
      },
      ctx.cluster.signals,
    );
    // Alerts reach monitoring staff live: the SSE stream carries `access.alert`.
    const alerts = new AccessAlerts(stores.alerts, audit, (a, state, at) =>
      app.ingest.bus.emit('access.alert', { alertId: a.id, kind: a.kind, state, at }),
    );
    const deps: AccessDeps = {
      stores,
      clock,
      repos,
      audit,
      keys,
      matrix,
      releases,
      link,
      alarms: alarmSource,
      alerts,
      settings: () => stores.settings.load(),
      consents,
    };
    const collaborators = { ...deps, ...queries };
    const requests = new AccessService(deps);
    const revocation = new Revocation(collaborators);
    const deviceEvents = new DeviceEvents(collaborators);
    app.decorate('access', {
      requests,
      revocation,
      deviceEvents,
      teams: matrix,
      carerConsents: new CarerConsentService(consents, audit, clock, async (homeId, userId) =>
        revocation.revokeReleases(
          (await releases.outstanding({ userId }, clock.now())).filter((r) => r.homeId === homeId),
          'consent withdrawn',
        ),
      ),
      setup: { matrix, keys, alerts, audit, link },
    } satisfies AccessApi);

    const bus = app.ingest.bus;
    const log = app.log.child({ module: 'access' });
    // A home unit's online state commits with the ingest turn that carried it, on its transaction:
    // the turn's availability messages in one statement.
    app.ingest.onStates(async (states, turn) => {
      const online: OnlineState[] = [];
      for (const st of states)
        if (st.kind === 'availability')
          online.push({
            gatewayId: st.body.gatewayId,
            online: st.body.availability.state === 'online',
            at: st.body.at,
          });
      if (online.length > 0) await onlineStateOn(turn.tx).setOnlineAll(online);
    });
    const offs = [
      bus.on('ingest.event', ({ event }) => {
        deviceEvents.handle(event).catch((err) => log.error({ err }, 'key-safe event handling failed'));
      }),
      bus.on('ingest.availability', ({ availability, gatewayId }) => {
        if (availability.state !== 'online') return;
        link
          .flushGateway(gatewayId, (id) => repos.devices.get(id))
          .catch((err) => log.error({ err }, 'delivering queued key-safe commands failed'));
      }),
      bus.on('command.result', ({ result, gatewayId }) => {
        link
          .handleResult(gatewayId, result)
          .catch((err) => log.error({ err }, 'handling a key-safe command result failed'));
      }),
    ];

    await requestRoutes(app, requests, collaborators);
    await matrixRoutes(app, collaborators);
    await keysafeRoutes(app, collaborators, revocation);
    await reportRoutes(app, collaborators);
    await installerRoutes(app, new Installer(collaborators, revocation));
    // The care worker's page lives in the dashboard (`/app/key-code`); the short `/access` link a
    // worker may have saved keeps working.
    app.get('/access', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/app/key-code'));

    // On one instance at a time (store README, "The sweep lease").
    periodicJob(app, {
      name: 'access.sweep',
      intervalMs: SWEEP_MS,
      run: () => {
        revocation.sweepExpired().catch((err) => log.error({ err }, 'expiry sweep failed'));
        link
          .retryOnline((id) => repos.devices.get(id))
          .catch((err) => log.error({ err }, 'sending pending key-safe commands again failed'));
        finishAbandonedReleases(collaborators, clock.now()).catch((err) =>
          log.error({ err }, 'finishing abandoned code releases failed'),
        );
      },
      what: 'access sweep',
    });
    periodicJob(app, {
      name: 'access.retention',
      intervalMs: RETENTION_MS,
      run: async (now) => {
        await purgeRetention(collaborators, now);
      },
      what: 'retention purge',
    });
    app.addHook('onClose', async () => {
      for (const off of offs) off();
    });
  },
);
