import { type BakenApp, defineModule } from '../../app-context.js';
import { periodicJob } from '../../cluster/periodic-job.js';
import { createI18n, type Locale } from '../../i18n/index.js';
import { bindStore } from '../../store/storage.js';
import { carerRoutes } from './carer-routes.js';
import type { CarerStore } from './carer-store.js';
import { CentreSteps } from './centre-steps.js';
import { chainRoutes } from './chain-routes.js';
import { consentRoutes } from './consent-routes.js';
import { FollowupEngine } from './engine.js';
import type { FollowupStore } from './followup-store.js';
import { Notifier } from './notify/channel.js';
import { PgPushSubscriptions } from './notify/pg-push-subscriptions.js';
import type { PushSubscriptionStore } from './notify/push-subscription-store.js';
import { SqlitePushSubscriptions } from './notify/sqlite-push-subscriptions.js';
import { loadVapidKeys } from './notify/vapid-keys.js';
import { WebPushChannel } from './notify/web-push-channel.js';
import { PgCarerStore } from './pg-carer-store.js';
import { PgFollowupStore } from './pg-followup-store.js';
import type { AlarmPort, TeamDirectory } from './ports.js';
import { pushRoutes } from './push-routes.js';
import { responderRoutes } from './responder-routes.js';
import { SqliteCarers } from './sqlite-carers.js';
import { SqliteFollowupStore } from './sqlite-followup-store.js';
import { followupTexts } from './texts.js';

/** How often one instance looks for offers whose deadline passed with no timer left to act on it. */
const DEADLINE_SWEEP_MS = 15_000;
/** A deadline overdue by this much has lost its timer (the instance that armed it is gone). */
const DEADLINE_GRACE_MS = 5_000;

/**
 * Informal carers and the follow-up chain per home (README.md): carers named and ordered by the
 * client, invitations, the chain that asks carers, care teams and the alarm centre in turn and
 * moves on by itself, and Web Push to the phones of whoever is asked. Registered after `alarms`
 * and `access`.
 */
export const followupModule = defineModule(
  { name: 'followup', dependencies: ['ingest', 'alarms', 'access'], encapsulate: true },
  followup,
);

async function followup(app: BakenApp): Promise<void> {
  const ctx = app.baken;
  const { storage, clock, repos, config } = ctx;
  const bus = app.ingest.bus;
  const log = app.log.child({ module: 'followup' });
  const store = bindStore<FollowupStore>(storage.handle, {
    sqlite: (h) => new SqliteFollowupStore(h),
    postgres: (h) => new PgFollowupStore(h),
  });
  const carers = bindStore<CarerStore>(storage.handle, {
    sqlite: (h) => new SqliteCarers(h),
    postgres: (h) => new PgCarerStore(h),
  });
  const subs = bindStore<PushSubscriptionStore>(storage.handle, {
    sqlite: (h) => new SqlitePushSubscriptions(h),
    postgres: (h) => new PgPushSubscriptions(h),
  });
  const access = app.access;
  // The chain reads alarms and writes its steps through the alarms module.
  const alarms: AlarmPort = app.alarms;
  const teams: TeamDirectory = {
    name: async (id) => (await access.teams.getTeam(id))?.name ?? null,
    memberIds: async (id) => (await access.teams.getTeam(id))?.memberIds ?? [],
  };
  const i18n = createI18n(config.i18n.locale, config.i18n.timeZone);
  const i18nIn = (l: Locale | null) => (l === null ? i18n : createI18n(l, config.i18n.timeZone));
  const vapid = loadVapidKeys(config.dataDir, process.env);
  const push = new WebPushChannel(subs, clock, { vapid, subject: config.push.subject });
  const engine = new FollowupEngine({
    store,
    carers,
    clock,
    alarms,
    teams,
    homes: { get: (id) => repos.clients.getHome(id) },
    notifier: new Notifier([push]),
    texts: followupTexts(i18n),
    textsIn: (l) => followupTexts(i18nIn(l)),
    onError: (err, what) => log.error({ err }, `${what} failed`),
  });

  const centreSteps = new CentreSteps(store, alarms, followupTexts(i18n));

  await carerRoutes(app, carers, async (c, by) => {
    for (const h of await repos.clients.listHomes({ clientId: c.clientId, limit: 100, offset: 0 }))
      if (c.userId !== null) await access.carerConsents.withdraw(h.id, c.userId, by);
  });
  await consentRoutes(app, carers, access.carerConsents);
  await chainRoutes(app, store, teams);
  await responderRoutes(app, engine, alarms);
  await pushRoutes(app, subs, push, {
    testMessage: (l) => i18nIn(l).t('followup.push.test'),
    publicKey: vapid.publicKey,
    allowHttpEndpoints: config.push.allowHttpEndpoints,
  });

  // A deadline armed by an instance that died is taken up by one other instance.
  periodicJob(app, {
    name: 'followup.deadlines',
    intervalMs: DEADLINE_SWEEP_MS,
    run: (now) => engine.expireOverdue(now, DEADLINE_GRACE_MS),
    what: 'follow-up deadline sweep',
  });
  const offs: Array<() => void> = [];
  app.addHook('onReady', async () => {
    await engine.start();
    offs.push(
      bus.on('alarm.created', (a) => {
        if (a.homeId !== null)
          engine.begin(a.alarmId, a.homeId).catch((err) => log.error({ err }, 'follow-up start failed'));
      }),
      bus.on('alarm-centre.delivery', (d) => {
        centreSteps.record(d).catch((err) => log.error({ err }, 'follow-up alarm-centre step failed'));
      }),
      bus.on('alarm.updated', (a) => {
        engine.onAlarmUpdated(a).catch((err) => log.error({ err }, 'follow-up update failed'));
      }),
    );
  });
  app.addHook('onClose', async () => {
    engine.stop();
    for (const off of offs) off();
  });
}
