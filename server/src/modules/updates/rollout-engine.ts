import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { BudgetWatch } from './budget-watch.js';
import {
  FINAL_UNIT_STATES,
  type Rollout,
  type RolloutTarget,
  type RolloutUnit,
  type UnitState,
} from './types.js';
import type { UpdateStore } from './update-store.js';

/** Sends an update offer to one unit [MQTT-MAP §4.5.1]; resolves once handed to the broker. */
export type OfferSender = (
  gatewayId: string,
  offer: { transaction: string; version: string; rollout: string; expiresAt: number },
) => Promise<void>;

export interface RolloutPolicy {
  /** How long an offer stands (`expiresAt`); unanswered, the unit is offered again. */
  offerTtlMs: number;
  /** A unit that took the offer and reported no outcome by then has failed. */
  installTimeoutMs: number;
}
export const DEFAULT_ROLLOUT_POLICY: RolloutPolicy = {
  offerTtlMs: 10 * 60_000,
  installTimeoutMs: 60 * 60_000,
};

export interface RolloutEngineDeps {
  store: UpdateStore;
  budgets: BudgetWatch;
  send: OfferSender;
  /** Appends to the audit trail; called after the rollout's change has committed. */
  audit: (
    action: string,
    subject: string,
    details: Record<string, unknown>,
    actor?: string,
  ) => Promise<unknown>;
  log: FastifyBaseLogger;
  policy?: RolloutPolicy;
}

/** The update event a unit reports [MQTT-MAP §4.1.5], as the engine reads it. */
export interface UnitReport {
  state: string;
  version: string;
  running: string;
  rollout?: string;
  reason?: string;
}

const REPORTED: Record<string, UnitState> = {
  accepted: 'installing',
  downloading: 'installing',
  installed: 'installing',
  healthy: 'healthy',
  rolled_back: 'rolled_back',
  failed: 'failed',
  refused: 'refused',
};
const BAD: ReadonlySet<UnitState> = new Set(['rolled_back', 'failed']);

/** Splits `n` units into waves by cumulative percentages; the first wave gets at least one unit. */
export function waveOf(index: number, n: number, waves: readonly number[]): number {
  for (let w = 0; w < waves.length; w++) {
    const upTo = Math.max(w === 0 ? 1 : 0, Math.ceil(((waves[w] ?? 100) * n) / 100));
    if (index < upTo) return w;
  }
  return waves.length - 1;
}

/**
 * Staged rollouts (README.md beside this file). Contract:
 * - a rollout offers its release to the units of its current wave only; the next wave starts once
 *   every unit of this one has an outcome (healthy, rolled back, failed or refused) and the wave's
 *   failures stay within `maxFailurePct` of its units;
 * - it pauses by itself, with the reason recorded, when a home it has offered the update to has a
 *   downtime budget burning, or when a wave's failed and rolled-back units exceed `maxFailurePct`;
 *   homes with a burning budget are not offered the update meanwhile;
 * - an admin may pause, resume (accepting the failures seen so far) or abort; an aborted rollout
 *   offers nothing more (a unit already installing finishes on its own, and may roll back).
 *
 * Every change to a rollout runs in one store transaction that first locks the rollout, so a
 * unit's answer handled on one instance and the periodic step on another never decide on the same
 * unit at once. What the change sets off — offers sent over MQTT, audit entries, log lines — is
 * collected while it runs and happens only after the commit (never for a rolled-back change).
 */
/** What one change to a rollout sets off once it has committed. */
interface Effects {
  offers: Array<{ gatewayId: string; rollout: string; offer: Parameters<OfferSender>[1] }>;
  audits: Array<[action: string, subject: string, details: Record<string, unknown>, actor?: string]>;
  logs: Array<() => void>;
  /** Homes whose downtime budget is burning (read before the transaction): home id → why. */
  burning: Map<string, string>;
}

export class RolloutEngine {
  private readonly policy: RolloutPolicy;

  constructor(private readonly d: RolloutEngineDeps) {
    this.policy = d.policy ?? DEFAULT_ROLLOUT_POLICY;
  }

  /**
   * Runs `fn` in one transaction; then sends, audits and logs what it set off. With `now`, the
   * homes whose downtime budget is burning are read first, for the steps `fn` takes.
   */
  private async change<T>(fn: (tx: UpdateStore, fx: Effects) => Promise<T>, now?: number): Promise<T> {
    const burning = now === undefined ? new Map<string, string>() : await this.d.budgets.burning(now);
    const fx: Effects = { offers: [], audits: [], logs: [], burning };
    const out = await this.d.store.transaction((tx) => fn(tx, fx));
    for (const l of fx.logs) l();
    for (const a of fx.audits) await this.d.audit(...a);
    for (const o of fx.offers)
      this.d.send(o.gatewayId, o.offer).catch((err: unknown) => {
        this.d.log.warn(
          { err, gatewayId: o.gatewayId, rollout: o.rollout },
          'update offer not sent; offered again later',
        );
      });
    return out;
  }

  /** Creates a rollout and takes its first step (offers to the first wave). */
  async create(
    input: { version: string; target: RolloutTarget; waves: number[]; maxFailurePct: number },
    units: Array<{ gatewayId: string; homeId: string | null }>,
    by: string,
    now: number,
  ): Promise<Rollout> {
    const id = `ro-${randomUUID().slice(0, 8)}`;
    const order = (g: string) => createHash('sha256').update(`${id}/${g}`).digest('hex');
    const sorted = [...units].sort((a, b) => order(a.gatewayId).localeCompare(order(b.gatewayId)));
    const rollout: Rollout = {
      id,
      version: input.version,
      target: input.target,
      waves: input.waves,
      wave: 0,
      state: 'running',
      pauseReason: null,
      maxFailurePct: input.maxFailurePct,
      waveStartedAt: now,
      createdAt: now,
      createdBy: by,
      updatedAt: now,
    };
    await this.change(async (tx, fx) => {
      await tx.insertRollout(
        rollout,
        sorted.map((u, i) => ({ ...u, wave: waveOf(i, sorted.length, input.waves) })),
      );
      fx.audits.push([
        'update.rollout.create',
        `rollout:${id}`,
        {
          version: input.version,
          units: units.length,
          waves: input.waves,
          maxFailurePct: input.maxFailurePct,
        },
        by,
      ]);
    });
    await this.evaluate(id, now);
    return rollout;
  }

  /**
   * An admin's pause, resume (accepting the current wave's failures, then a step) or abort.
   * `check` sees the locked rollout first and throws to refuse (a state the action does not apply to).
   */
  act(
    id: string,
    action: 'pause' | 'resume' | 'abort',
    by: string,
    now: number,
    check: (r: Rollout | null) => asserts r is Rollout,
  ): Promise<void> {
    return this.change(async (tx, fx) => {
      const r = await tx.lockRollout(id);
      check(r);
      if (action === 'pause') await this.pauseIn(tx, fx, id, `paused by ${by}`, now, by);
      else if (action === 'abort') {
        await tx.setRollout(id, { state: 'aborted' }, now);
        fx.audits.push(['update.rollout.abort', `rollout:${id}`, {}, by]);
      } else {
        const bad = (await tx.units(id)).filter((u) => u.wave === r.wave && BAD.has(u.state)).length;
        await tx.setRollout(id, { state: 'running', pauseReason: null }, now);
        await tx.acceptFailures(id, bad);
        fx.audits.push(['update.rollout.resume', `rollout:${id}`, { acceptedFailures: bad }, by]);
        await this.step(tx, fx, id, now);
      }
    }, now);
  }

  /** The answer to an offer (`cmd/res`), from the unit it was sent to. */
  async onOfferAnswer(
    gatewayId: string,
    transaction: string,
    status: string,
    reason: string | undefined,
    now: number,
  ): Promise<void> {
    const found = await this.d.store.unitByTransaction(transaction);
    if (!found) return;
    await this.change(async (tx, fx) => {
      await tx.lockRollout(found.rolloutId);
      const u = await tx.unit(found.rolloutId, found.gatewayId);
      if (!u || u.gatewayId !== gatewayId || u.state !== 'offered' || u.transactionId !== transaction) return;
      const next: UnitState =
        status === 'ok'
          ? 'installing'
          : status === 'refused'
            ? 'refused'
            : status === 'timeout'
              ? 'pending'
              : 'failed';
      await tx.setUnit(u.rolloutId, gatewayId, { state: next, reason: reason ?? null }, now);
      await this.step(tx, fx, u.rolloutId, now);
    }, now);
  }

  /** An update event from a unit [MQTT-MAP §4.1.5]. Stale reports never undo an outcome. */
  async onReport(gatewayId: string, report: UnitReport, now: number): Promise<void> {
    const found = await this.unitFor(gatewayId, report);
    const next = REPORTED[report.state];
    if (!found || next === undefined) return;
    await this.change(async (tx, fx) => {
      await tx.lockRollout(found.rolloutId);
      const u = await tx.unit(found.rolloutId, gatewayId);
      if (!u) return;
      if (FINAL_UNIT_STATES.has(u.state) && !FINAL_UNIT_STATES.has(next)) return;
      await tx.setUnit(
        u.rolloutId,
        gatewayId,
        { state: next, runningVersion: report.running, reason: report.reason ?? null },
        now,
      );
      await this.step(tx, fx, u.rolloutId, now);
    }, now);
  }

  /** The periodic step of every running rollout (and right after any change to one). */
  async tick(now: number): Promise<void> {
    for (const r of await this.d.store.rollouts(['running'])) await this.evaluate(r.id, now);
  }

  /** One step of a rollout, in its own transaction. */
  evaluate(id: string, now: number): Promise<void> {
    return this.change((tx, fx) => this.step(tx, fx, id, now), now);
  }

  /** One step of a running rollout inside `tx`: expiries, pauses, the next wave, offers. */
  private async step(tx: UpdateStore, fx: Effects, id: string, now: number): Promise<void> {
    const r = await tx.lockRollout(id);
    if (r?.state !== 'running') return;
    const units = await tx.units(id);
    await this.expire(tx, units, now);
    const touched = units.filter((u) => u.state !== 'pending' && u.state !== 'refused' && u.homeId !== null);
    const burning = fx.burning;
    const hot = touched.find((u) => burning.has(u.homeId ?? ''));
    if (hot) {
      const why = `downtime budget of home ${hot.homeId} is burning: ${burning.get(hot.homeId ?? '')}`;
      await this.pauseIn(tx, fx, id, why, now);
      return;
    }
    const wave = units.filter((u) => u.wave === r.wave);
    const bad = wave.filter((u) => BAD.has(u.state)).length - (await tx.acceptedFailures(id));
    if (wave.length > 0 && (bad * 100) / wave.length > r.maxFailurePct) {
      const why = `wave ${r.wave + 1}: ${bad} of ${wave.length} units failed or rolled back (over ${r.maxFailurePct} %)`;
      await this.pauseIn(tx, fx, id, why, now);
      return;
    }
    if (wave.every((u) => FINAL_UNIT_STATES.has(u.state))) {
      if (r.wave + 1 >= r.waves.length) {
        await tx.setRollout(id, { state: 'completed' }, now);
        fx.logs.push(() => this.d.log.info({ rollout: id }, 'rollout completed'));
        return;
      }
      await tx.setRollout(id, { wave: r.wave + 1, waveStartedAt: now }, now);
      await tx.acceptFailures(id, 0);
      await this.step(tx, fx, id, now);
      return;
    }
    for (const u of wave) {
      if (u.state === 'pending' && !burning.has(u.homeId ?? '')) await this.offer(tx, fx, r, u, now);
    }
  }

  private async pauseIn(
    tx: UpdateStore,
    fx: Effects,
    id: string,
    reason: string,
    now: number,
    by = 'system',
  ): Promise<void> {
    await tx.setRollout(id, { state: 'paused', pauseReason: reason }, now);
    fx.audits.push(['update.rollout.pause', `rollout:${id}`, { reason }, by]);
    fx.logs.push(() => this.d.log.warn({ rollout: id, reason }, 'rollout paused'));
  }

  private async expire(tx: UpdateStore, units: RolloutUnit[], now: number): Promise<void> {
    for (const u of units) {
      if (u.state === 'offered' && (u.offeredAt ?? 0) + this.policy.offerTtlMs <= now) {
        u.state = 'pending'; // no answer: offered again below
      } else if (u.state === 'installing' && (u.offeredAt ?? 0) + this.policy.installTimeoutMs <= now) {
        u.state = 'failed';
        u.reason = `BAKEN_ERR_UPDATE_TIMEOUT: no outcome within ${Math.round(this.policy.installTimeoutMs / 60_000)} min`;
        await tx.setUnit(u.rolloutId, u.gatewayId, { state: 'failed', reason: u.reason }, now);
      }
    }
  }

  private async offer(tx: UpdateStore, fx: Effects, r: Rollout, u: RolloutUnit, now: number): Promise<void> {
    const transaction = `upd-${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    await tx.setUnit(
      r.id,
      u.gatewayId,
      { state: 'offered', transactionId: transaction, offeredAt: now },
      now,
    );
    u.state = 'offered';
    const offer = { transaction, version: r.version, rollout: r.id, expiresAt: now + this.policy.offerTtlMs };
    fx.offers.push({ gatewayId: u.gatewayId, rollout: r.id, offer });
  }

  private async unitFor(gatewayId: string, report: UnitReport): Promise<RolloutUnit | null> {
    if (report.rollout !== undefined) {
      const u = await this.d.store.unit(report.rollout, gatewayId);
      if (u) return u;
    }
    for (const r of await this.d.store.rollouts()) {
      if (r.version !== report.version) continue;
      const u = await this.d.store.unit(r.id, gatewayId);
      if (u) return u;
    }
    return null;
  }
}
