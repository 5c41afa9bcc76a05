import { randomInt, randomUUID } from 'node:crypto';
import { issueWindowCode, KsCodeKind } from '@baken/protocols';
import type { Clock } from '../../clock.js';
import { BakenError, notFound } from '../../errors.js';
import type { Device, Home, Repositories, User } from '../../store/repositories/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import { type AccessQueries, accessQueries } from './access-queries.js';
import type { AccessStores } from './access-stores.js';
import type { AlarmSource } from './alarm-source.js';
import type { AccessAlerts } from './alerts.js';
import { decideCarerAccess } from './carer-consent.js';
import { type AccessFacts, decideAccess, type Situation } from './decide-access.js';
import { type KeysafeKeys, keysafeNoKey, offlineCodeKey } from './keysafe-keys.js';
import type { KeysafeLink } from './keysafe-link.js';
import type { MatrixStore } from './matrix-store.js';
import { chooseOfflineWindow } from './offline-window.js';
import type { Release, ReleaseStore } from './releases.js';
import type { AccessSettings } from './settings.js';
import type { SqliteCarerConsents } from './sqlite-carer-consents.js';

/** The key-safe slot that holds the offline-code key (KS-SERIAL §8.3 CODE_KIND 2). */
export const OFFLINE_KEY_SLOT = 250;
/** PIN slots handed out for online releases. */
export const PIN_SLOTS = { first: 1, last: 200 } as const;
/** Command purpose of the REVOKE that clears the slot of a PIN that was never handed out. */
export const VOID_PURPOSE = 'void_release';

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
  settings: () => AccessSettings;
  /** The clients' consents for their informal carers [REQUIREMENTS §9.6]. */
  consents: SqliteCarerConsents;
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

  deviceNowS(deviceId: string): number {
    return this.q.deviceNowS(deviceId);
  }

  isBlocked(scope: 'keysafe' | 'person' | 'team', target: string): boolean {
    return this.q.isBlocked(scope, target);
  }

  facts(user: User, home: Home, device: Device): AccessFacts {
    const { matrix } = this.d;
    const teamIds = matrix.employeeTeamIds(user.id);
    return {
      person: {
        userId: user.id,
        role: user.role,
        disabled: user.disabled,
        validUntil: user.validUntil,
        declarationSignedAt: matrix.declarationSignedAt(user.id),
        blocked: this.isBlocked('person', user.id),
      },
      functions: matrix.listFunctions(matrix.employeeFunctionIds(user.id)),
      teamIds,
      servingTeamIds: matrix.servingTeamIds(home.clientId, home.region),
      home: { id: home.id, keysafeBlocked: this.isBlocked('keysafe', device.id) },
      blockedTeamIds: teamIds.filter((t) => this.isBlocked('team', t)),
      openAlarms: this.d.alarms.openAtHome(home.id),
      timeZone: this.d.settings().timeZone,
    };
  }

  /**
   * An informal carer: the client's consent instead of the matrix (no team, no function); an
   * alarm only when it is assigned to them (they accepted it in the follow-up chain).
   */
  private decideCarer(
    user: User,
    home: Home,
    device: Device,
    req: { situation: Situation; alarmId?: string | undefined },
    now: number,
  ) {
    const d = decideCarerAccess(
      {
        person: { userId: user.id, disabled: user.disabled, blocked: this.isBlocked('person', user.id) },
        keysafeBlocked: this.isBlocked('keysafe', device.id),
        consent: this.d.consents.active(home.id, user.id),
        openAlarms: this.d.alarms.openAtHome(home.id),
        timeZone: this.d.settings().timeZone,
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
    const s = this.d.settings();
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
        ? this.decideCarer(user, home, device, req, now)
        : decideAccess(this.facts(user, home, device), req, now);
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
    const holderId = this.d.matrix.holderId(user.id);
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
      alarmRaisedAt: decision.alarmId ? this.d.alarms.raisedAt(decision.alarmId) : null,
      openedAt: null,
      revokedAt: null,
    };
    let granted: GrantedAccess | null = null;
    let offline = release;
    if (this.d.link.isOnline(device)) {
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
    granted ??= this.releaseOffline(device, offline, ttl);
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
  offlineCodeOf(release: Release): string | null {
    if (release.mode !== 'offline_window') return null;
    const k = this.d.keys.key(release.deviceId);
    const gen = this.deliveredOfflineGeneration(release.deviceId);
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

  deliveredOfflineGeneration(deviceId: string): number | null {
    return this.d.stores.keysafeState.offlineDeliveredGeneration(deviceId);
  }

  /**
   * An online PIN is handed out only once the key safe has it: the SET_CODE is sent and
   * the request waits up to `pinConfirmSeconds` (injected clock) for its `cmd/res`. On `ok` the PIN
   * is returned (`delivery: 'ok'`). Otherwise the release is deleted before anything was handed out,
   * the command is voided (a late `ok` is ignored by the link and no online release covers the slot,
   * so an opening with it is reported as `opening_without_release`), and unless the key safe itself
   * refused it, a queued REVOKE of that slot removes the unknown PIN should the frame still land.
   * The slot stays reserved until that REVOKE is answered, so it can never hit a later release.
   * Returns the fallback reason instead of a grant.
   */
  private async releaseOnline(
    device: Device,
    release: Release,
    s: AccessSettings,
  ): Promise<GrantedAccess | { reason: string; detail?: string; voidedReleaseId?: string }> {
    // Nothing can be signed for a key safe whose key the server lacks (and no release is left behind).
    if (!this.d.keys.has(device.id)) throw keysafeNoKey();
    const now = release.issuedAt;
    const used = this.d.releases.usedPinSlots(device.id, now);
    for (const slot of this.voidingSlots(device.id)) used.add(slot);
    let slot: number = PIN_SLOTS.first;
    while (used.has(slot) && slot < PIN_SLOTS.last) slot++;
    if (used.has(slot)) return { reason: 'no_free_pin_slot' };
    const pin = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const devNow = this.deviceNowS(device.id);
    const r = { ...release, slot };
    this.d.releases.insert(r);
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
      this.d.releases.delete(r.id);
      return { reason: 'not_sent' };
    }
    const status = await this.d.link.awaitResult(id, s.pinConfirmSeconds * 1000);
    if (status === 'ok') return this.granted(r, 'online_pin', pin, 'ok', device.id);
    const detail = status === 'timeout' ? 'no answer' : (this.d.link.get(id)?.resultReason ?? status);
    this.d.link.voidCommand(id, `void: ${status}`);
    this.d.releases.delete(r.id);
    if (status !== 'refused') {
      await this.d.link.enqueue(
        device,
        { kind: 'revoke', slot, holderId: release.holderId },
        VOID_PURPOSE,
        null,
      );
    }
    return { reason: status, detail, voidedReleaseId: r.id };
  }

  /** PIN slots with an unanswered REVOKE of a voided release (kept free until it is answered). */
  private voidingSlots(deviceId: string): number[] {
    return this.d.stores.commands
      .unfinished(deviceId)
      .filter((c) => c.purpose === VOID_PURPOSE)
      .map((c) => (c.params as { slot: number }).slot);
  }

  private releaseOffline(device: Device, release: Release, ttlMs: number): GrantedAccess {
    const gen = this.deliveredOfflineGeneration(device.id);
    const k = this.d.keys.key(device.id);
    if (gen === null || !k) {
      throw new BakenError(
        'BAKEN_ERR_KEYSAFE_UNAVAILABLE',
        503,
        'The key safe is offline and has no offline-code key yet; ask the alarm centre to open it.',
      );
    }
    const chosen = this.pickWindow(device.id, Math.floor(release.issuedAt / 1000), ttlMs / 1000);
    if (!chosen) {
      throw new BakenError(
        'BAKEN_ERR_KEYSAFE_UNAVAILABLE',
        503,
        'Every offline code of this window is in use.',
      );
    }
    const r: Release = {
      ...release,
      mode: 'offline_window',
      slot: chosen.slot,
      validFrom: chosen.windowStart * 1000,
      validUntil: (chosen.windowStart + chosen.durationSeconds) * 1000,
    };
    this.d.releases.insert(r);
    const code = this.offlineCodeOf(r);
    if (code === null) throw new BakenError('BAKEN_ERR_INTERNAL', 500, 'Could not derive the offline code.');
    return this.granted(r, 'offline_window', code, 'offline', device.id);
  }

  private pickWindow(deviceId: string, nowS: number, ttlS: number) {
    return chooseOfflineWindow(nowS, ttlS, (start, dur) =>
      this.d.releases.usedWindowSlots(deviceId, start * 1000, (start + dur) * 1000),
    );
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
      this.d.alerts.raise(
        'repeated_refusals',
        `user:${userId}`,
        `${n} refused access requests within ${s.alertWindowMinutes} minutes`,
        now,
      );
    }
  }
}
