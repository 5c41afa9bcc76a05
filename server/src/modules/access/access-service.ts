import { randomInt, randomUUID } from 'node:crypto';
import {
  issueWindowCode,
  KsCodeKind,
  WINDOW_ALIGN_SECONDS,
  WINDOW_DURATIONS_SECONDS,
} from '@baken/protocols';
import type { Clock } from '../../clock.js';
import { BakenError, notFound } from '../../errors.js';
import type { Device, Home, Repositories, User } from '../../store/repositories/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import { type AccessQueries, accessQueries } from './access-queries.js';
import type { AccessStores } from './access-stores.js';
import type { AlarmSource } from './alarm-source.js';
import type { AccessAlerts } from './alerts.js';
import { decideCarerAccess } from './carer-consent.js';
import type { CarerConsentStore } from './carer-consent-store.js';
import { type AccessFacts, decideAccess, type Situation } from './decide-access.js';
import { type KeysafeKeys, keysafeNoKey, offlineCodeKey } from './keysafe-keys.js';
import type { KeysafeLink } from './keysafe-link.js';
import type { MatrixStore } from './matrix-store.js';
import { chooseOfflineWindow } from './offline-window.js';
import type { Release, ReleaseStore } from './releases.js';
import type { AccessSettings } from './settings.js';

/** The key-safe slot that holds the offline-code key (KS-SERIAL §8.3 CODE_KIND 2). */
export const OFFLINE_KEY_SLOT = 250;
/** PIN slots handed out for online releases. */
export const PIN_SLOTS = { first: 1, last: 200 } as const;
/** Command purpose of the REVOKE that clears the slot of a PIN that was never handed out. */
export const VOID_PURPOSE = 'void_release';
/** Tries at a slot taken by concurrent requests before giving up (as if none were free). */
const CLAIM_ATTEMPTS = 16;

export interface AccessDeps {
  stores: AccessStores;
  clock: Clock;
  repos: Repositories;
  audit: AuditLog;
  keys: KeysafeKeys;
  matrix: MatrixStore;
  releases: ReleaseStore;
  link: KeysafeLink;
  alarms: AlarmSource;
  alerts: AccessAlerts;
  settings: () => Promise<AccessSettings>;
  /** The clients' consents for their informal carers [REQUIREMENTS §9.6]. */
  consents: CarerConsentStore;
}

export interface GrantedAccess {
  decision: 'allow';
  releaseId: string;
  mode: 'online_pin' | 'offline_window';
  /** The code to type; shown once to whoever asked (the worker, or the monitor reading it out). */
  code: string;
  validFrom: number;
  validUntil: number;
  /** `ok`: the key safe confirmed the PIN; `offline`: a code the key safe checks by itself. */
  delivery: 'ok' | 'offline';
  situation: Situation;
  alarmId: string | null;
  keysafeDeviceId: string;
}

const denied = (reason: string) =>
  new BakenError('BAKEN_ERR_ACCESS_DENIED', 403, `Access refused: ${reason}.`, {
    details: [{ field: 'reason', message: reason }],
  });

/**
 * Releasing access to a home's key safe: checks the matrix with {@link decideAccess},
 * then pushes a one-time PIN through the home unit when it is online, else issues an offline window
 * code the key safe verifies itself. Every request, refusal and release is audited.
 */
export class AccessService {
  private readonly recent = new Map<string, number[]>();

  private readonly q: AccessQueries;

  constructor(private readonly d: AccessDeps) {
    this.q = accessQueries(d);
  }

  keysafeForHome(homeId: string): Promise<Device | null> {
    return this.q.keysafeForHome(homeId);
  }

  deviceNowS(deviceId: string): Promise<number> {
    return this.q.deviceNowS(deviceId);
  }

  isBlocked(scope: 'keysafe' | 'person' | 'team', target: string): Promise<boolean> {
    return this.q.isBlocked(scope, target);
  }

  async facts(user: User, home: Home, device: Device): Promise<AccessFacts> {
    const { matrix } = this.d;
    const teamIds = await matrix.employeeTeamIds(user.id);
    const blockedTeamIds: string[] = [];
    for (const t of teamIds) if (await this.isBlocked('team', t)) blockedTeamIds.push(t);
    return {
      person: {
        userId: user.id,
        role: user.role,
        disabled: user.disabled,
        validUntil: user.validUntil,
        declarationSignedAt: await matrix.declarationSignedAt(user.id),
        blocked: await this.isBlocked('person', user.id),
      },
      functions: await matrix.listFunctions(await matrix.employeeFunctionIds(user.id)),
      teamIds,
      servingTeamIds: await matrix.servingTeamIds(home.clientId, home.region),
      home: { id: home.id, keysafeBlocked: await this.isBlocked('keysafe', device.id) },
      blockedTeamIds,
      openAlarms: await this.d.alarms.openAtHome(home.id),
      timeZone: (await this.d.settings()).timeZone,
    };
  }

  /**
   * An informal carer: the client's consent instead of the matrix (no team, no function); an
   * alarm only when it is assigned to them (they accepted it in the follow-up chain).
   */
  private async decideCarer(
    user: User,
    home: Home,
    device: Device,
    req: { situation: Situation; alarmId?: string | undefined },
    now: number,
  ) {
    const d = decideCarerAccess(
      {
        person: {
          userId: user.id,
          disabled: user.disabled,
          blocked: await this.isBlocked('person', user.id),
        },
        keysafeBlocked: await this.isBlocked('keysafe', device.id),
        consent: await this.d.consents.active(home.id, user.id),
        openAlarms: await this.d.alarms.openAtHome(home.id),
        timeZone: (await this.d.settings()).timeZone,
      },
      req,
      now,
    );
    return d.allow ? { ...d, teamId: null, functionId: null } : d;
  }

  /**
   * A person asks for access (or a monitor asks on their behalf, `issuedBy`, to read the code out by
   * phone — REQUIREMENTS §9.5). Throws BAKEN_ERR_RATE_LIMITED, BAKEN_ERR_ACCESS_DENIED (reason in details),
   * BAKEN_ERR_KEYSAFE_UNAVAILABLE.
   */
  async request(
    user: User,
    req: { homeId: string; situation: Situation; alarmId?: string | undefined },
    issuedBy: User = user,
  ): Promise<GrantedAccess> {
    const { audit, clock } = this.d;
    const now = clock.now();
    const s = await this.d.settings();
    const actor = `user:${issuedBy.id}`;
    const subject = `home:${req.homeId}`;
    const base = { forUserId: user.id, situation: req.situation, alarmId: req.alarmId ?? null };
    if (!this.withinRate(issuedBy.id, now, s)) {
      await audit.append({ at: now, actor, action: 'access.rate_limited', subject, details: base });
      throw new BakenError('BAKEN_ERR_RATE_LIMITED', 429, 'Too many access requests; wait a few minutes.', {
        headers: { 'retry-after': String(s.rateWindowMinutes * 60) },
      });
    }
    await audit.append({ at: now, actor, action: 'access.request', subject, details: base });
    const home = await this.d.repos.clients.getHome(req.homeId);
    const device = home ? await this.keysafeForHome(home.id) : null;
    if (!home || !device) {
      await audit.append({
        at: now,
        actor,
        action: 'access.refused',
        subject,
        details: { ...base, reason: 'no_keysafe' },
      });
      throw notFound('Key safe of this home');
    }
    const decision =
      user.role === 'informal_carer'
        ? await this.decideCarer(user, home, device, req, now)
        : decideAccess(await this.facts(user, home, device), req, now);
    if (!decision.allow) {
      await audit.append({
        at: now,
        actor,
        action: 'access.refused',
        subject,
        details: { ...base, reason: decision.reason },
      });
      await this.checkRefusals(issuedBy.id, now, s);
      throw denied(decision.reason);
    }
    const ttl = s.codeValidityMinutes * 60_000;
    const validUntil = Math.min(now + ttl, decision.window.to);
    const holderId = await this.d.matrix.holderId(user.id);
    const release: Release = {
      id: randomUUID(),
      homeId: home.id,
      deviceId: device.id,
      userId: user.id,
      teamId: decision.teamId,
      functionId: decision.functionId,
      situation: decision.situation,
      alarmId: decision.alarmId,
      mode: 'online_pin',
      holderId,
      slot: 0,
      validFrom: now,
      validUntil,
      issuedAt: now,
      issuedBy: issuedBy.id,
      alarmRaisedAt: decision.alarmId ? await this.d.alarms.raisedAt(decision.alarmId) : null,
      openedAt: null,
      revokedAt: null,
    };
    let granted: GrantedAccess | null = null;
    let offline = release;
    if (await this.d.link.isOnline(device)) {
      const online = await this.releaseOnline(device, release, s);
      if ('releaseId' in online) granted = online;
      else {
        // Access never depends on the network: the worker gets an offline code instead.
        await audit.append({
          at: clock.now(),
          actor: 'system',
          action: 'access.fallback_offline',
          subject,
          details: { ...base, keysafe: device.id, ...online },
        });
        // A new id: the voided one stays tied to its (dropped) SET_CODE only.
        offline = { ...release, id: randomUUID(), issuedAt: clock.now() };
      }
    }
    granted ??= await this.releaseOffline(device, offline, ttl);
    await audit.append({
      at: clock.now(),
      actor,
      action: issuedBy.id === user.id ? 'access.released' : 'access.phone_code',
      subject,
      details: {
        ...base,
        releaseId: release.id,
        mode: granted.mode,
        delivery: granted.delivery,
        teamId: release.teamId,
        functionId: release.functionId,
        keysafe: device.id,
        validFrom: granted.validFrom,
        validUntil: granted.validUntil,
      },
    });
    return granted;
  }

  /** The offline code of a release whose PIN could not be pushed (same person, recomputed, never stored). */
  async offlineCodeOf(release: Release): Promise<string | null> {
    if (release.mode !== 'offline_window') return null;
    const k = await this.d.keys.key(release.deviceId);
    const gen = await this.deliveredOfflineGeneration(release.deviceId);
    if (!k || gen === null) return null;
    const code = issueWindowCode(
      { key: offlineCodeKey(k.key, gen), serial: k.serial },
      {
        windowStart: release.validFrom / 1000,
        durationSeconds: (release.validUntil - release.validFrom) / 1000,
        slot: release.slot,
      },
    );
    return code.ok ? code.value : null;
  }

  deliveredOfflineGeneration(deviceId: string): Promise<number | null> {
    return this.d.stores.keysafeState.offlineDeliveredGeneration(deviceId);
  }

  /**
   * An online PIN is handed out only once the key safe has it: the SET_CODE is sent and
   * the request waits up to `pinConfirmSeconds` (injected clock) for its `cmd/res`. On `ok` the PIN
   * is returned (`delivery: 'ok'`). Otherwise the release is deleted before anything was handed out,
   * the command is voided (a late `ok` is ignored by the link and no online release covers the slot,
   * so an opening with it is reported as `opening_without_release`), and unless the key safe itself
   * refused it, a queued REVOKE of that slot removes the unknown PIN should the frame still land.
   * The slot stays reserved until that REVOKE is answered, so it can never hit a later release:
   * the REVOKE is queued before the release is deleted, and a slot is taken by one atomic insert
   * ({@link ReleaseStore.insertIfPinSlotFree}), so two requests at once never share one. If the
   * key safe's `ok` wins the race with the void, the PIN is on the safe and is handed out.
   * Returns the fallback reason instead of a grant.
   */
  private async releaseOnline(
    device: Device,
    release: Release,
    s: AccessSettings,
  ): Promise<GrantedAccess | { reason: string; detail?: string; voidedReleaseId?: string }> {
    // Nothing can be signed for a key safe whose key the server lacks (and no release is left behind).
    if (!(await this.d.keys.has(device.id))) throw keysafeNoKey();
    const now = release.issuedAt;
    const r = await this.claimPinSlot(device.id, release, now);
    if (r === null) return { reason: 'no_free_pin_slot' };
    const slot = r.slot;
    const pin = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const devNow = await this.deviceNowS(device.id);
    const id = await this.d.link.sendNow(
      device,
      {
        kind: 'set_code',
        slot,
        holderId: release.holderId,
        validFrom: devNow - 60,
        validUntil: devNow + Math.ceil((release.validUntil - now) / 1000),
        codeKind: KsCodeKind.Pin,
        oneTime: true,
        material: new TextEncoder().encode(pin),
      },
      'release',
      r.id,
    );
    if (!id) {
      await this.d.releases.delete(r.id);
      return { reason: 'not_sent' };
    }
    const status = await this.d.link.awaitResult(id, s.pinConfirmSeconds * 1000);
    if (status === 'ok') return this.granted(r, 'online_pin', pin, 'ok', device.id);
    const detail = status === 'timeout' ? 'no answer' : ((await this.d.link.get(id))?.resultReason ?? status);
    if (!(await this.d.link.voidCommand(id, `void: ${status}`))) {
      // answered meanwhile (another instance took the `cmd/res`): the answer stands
      const late = await this.d.link.get(id);
      if (late?.status === 'ok') return this.granted(r, 'online_pin', pin, 'ok', device.id);
    }
    if (status !== 'refused') {
      // queued before the release goes, so the slot is never free while the PIN may still land
      await this.d.link.enqueue(
        device,
        { kind: 'revoke', slot, holderId: release.holderId },
        VOID_PURPOSE,
        null,
      );
    }
    await this.d.releases.delete(r.id);
    return { reason: status, detail, voidedReleaseId: r.id };
  }

  /**
   * Stores the release in the lowest free PIN slot: free of outstanding online releases and of
   * unanswered REVOKEs of voided ones. The insert itself checks the slot again, atomically; when
   * another request took it meanwhile, the next free slot is tried. Null when none is free.
   */
  private async claimPinSlot(deviceId: string, release: Release, now: number): Promise<Release | null> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const used = await this.d.releases.usedPinSlots(deviceId, now);
      for (const slot of await this.voidingSlots(deviceId)) used.add(slot);
      let slot: number = PIN_SLOTS.first;
      while (used.has(slot) && slot < PIN_SLOTS.last) slot++;
      if (used.has(slot)) return null;
      const r = { ...release, slot };
      if (await this.d.releases.insertIfPinSlotFree(r, now)) return r;
    }
    return null;
  }

  /** PIN slots with an unanswered REVOKE of a voided release (kept free until it is answered). */
  private async voidingSlots(deviceId: string): Promise<number[]> {
    return (await this.d.stores.commands.unfinished(deviceId))
      .filter((c) => c.purpose === VOID_PURPOSE)
      .map((c) => (c.params as { slot: number }).slot);
  }

  private async releaseOffline(device: Device, release: Release, ttlMs: number): Promise<GrantedAccess> {
    const gen = await this.deliveredOfflineGeneration(device.id);
    const k = await this.d.keys.key(device.id);
    if (gen === null || !k) {
      throw new BakenError(
        'BAKEN_ERR_KEYSAFE_UNAVAILABLE',
        503,
        'The key safe is offline and has no offline-code key yet; ask the alarm centre to open it.',
      );
    }
    const r = await this.claimWindowSlot(device.id, release, ttlMs);
    if (!r) {
      throw new BakenError(
        'BAKEN_ERR_KEYSAFE_UNAVAILABLE',
        503,
        'Every offline code of this window is in use.',
      );
    }
    const code = await this.offlineCodeOf(r);
    if (code === null) throw new BakenError('BAKEN_ERR_INTERNAL', 500, 'Could not derive the offline code.');
    return this.granted(r, 'offline_window', code, 'offline', device.id);
  }

  /**
   * Stores an offline release in a window and window slot never given out on this key safe
   * [OTC SPEC §3]: the insert checks it atomically, so one window code is never handed out twice;
   * when another request took the slot meanwhile, the choice is made again. Null when all are taken.
   */
  private async claimWindowSlot(deviceId: string, release: Release, ttlMs: number): Promise<Release | null> {
    const nowS = Math.floor(release.issuedAt / 1000);
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const windowStart = Math.floor(nowS / WINDOW_ALIGN_SECONDS) * WINDOW_ALIGN_SECONDS;
      const taken = new Map<number, ReadonlySet<number>>();
      for (const dur of WINDOW_DURATIONS_SECONDS)
        taken.set(
          dur,
          await this.d.releases.usedWindowSlots(deviceId, windowStart * 1000, (windowStart + dur) * 1000),
        );
      const chosen = chooseOfflineWindow(nowS, ttlMs / 1000, (_s, dur) => taken.get(dur) ?? new Set());
      if (!chosen) return null;
      const r: Release = {
        ...release,
        mode: 'offline_window',
        slot: chosen.slot,
        validFrom: chosen.windowStart * 1000,
        validUntil: (chosen.windowStart + chosen.durationSeconds) * 1000,
      };
      if (await this.d.releases.insertIfWindowSlotFree(r)) return r;
    }
    return null;
  }

  private granted(
    r: Release,
    mode: GrantedAccess['mode'],
    code: string,
    delivery: GrantedAccess['delivery'],
    deviceId: string,
  ): GrantedAccess {
    return {
      decision: 'allow',
      releaseId: r.id,
      mode,
      code,
      validFrom: r.validFrom,
      validUntil: r.validUntil,
      delivery,
      situation: r.situation,
      alarmId: r.alarmId,
      keysafeDeviceId: deviceId,
    };
  }

  private withinRate(userId: string, now: number, s: AccessSettings): boolean {
    const since = now - s.rateWindowMinutes * 60_000;
    const list = (this.recent.get(userId) ?? []).filter((t) => t > since);
    const ok = list.length < s.maxRequestsPerWindow;
    if (ok) list.push(now);
    this.recent.set(userId, list);
    return ok;
  }

  private async checkRefusals(userId: string, now: number, s: AccessSettings): Promise<void> {
    const since = now - s.alertWindowMinutes * 60_000;
    const n = await this.d.audit.count({ actor: `user:${userId}`, action: 'access.refused', since });
    if (n === s.refusalAlertThreshold) {
      await this.d.alerts.raise(
        'repeated_refusals',
        `user:${userId}`,
        `${n} refused access requests within ${s.alertWindowMinutes} minutes`,
        now,
      );
    }
  }
}
