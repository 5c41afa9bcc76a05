import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { BudgetWatch } from './budget-watch.js';
import type { UpdateStore } from './sqlite-update-store.js';
import {
  FINAL_UNIT_STATES,
  type Rollout,
  type RolloutTarget,
  type RolloutUnit,
  type UnitState,
} from './types.js';

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
  audit: (action: string, subject: string, details: Record<string, unknown>, actor?: string) => void;
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
 */
export class RolloutEngine {
  private readonly policy: RolloutPolicy;

  constructor(private readonly d: RolloutEngineDeps) {
    this.policy = d.policy ?? DEFAULT_ROLLOUT_POLICY;
  }

  create(
    input: { version: string; target: RolloutTarget; waves: number[]; maxFailurePct: number },
    units: Array<{ gatewayId: string; homeId: string | null }>,
    by: string,
    now: number,
  ): Rollout {
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
    this.d.store.transaction(() =>
      this.d.store.insertRollout(
        rollout,
        sorted.map((u, i) => ({ ...u, wave: waveOf(i, sorted.length, input.waves) })),
      ),
    );
    this.d.audit(
      'update.rollout.create',
      `rollout:${id}`,
      {
        version: input.version,
        units: units.length,
        waves: input.waves,
        maxFailurePct: input.maxFailurePct,
      },
      by,
    );
    return rollout;
  }

  pause(id: string, reason: string, now: number, by = 'system'): void {
    this.d.store.setRollout(id, { state: 'paused', pauseReason: reason }, now);
    this.d.audit('update.rollout.pause', `rollout:${id}`, { reason }, by);
    this.d.log.warn({ rollout: id, reason }, 'rollout paused');
  }

  resume(id: string, by: string, now: number): void {
    const r = this.d.store.rollout(id);
    if (!r) return;
    const bad = this.d.store.units(id).filter((u) => u.wave === r.wave && BAD.has(u.state)).length;
    this.d.store.setRollout(id, { state: 'running', pauseReason: null }, now);
    this.d.store.acceptFailures(id, bad);
    this.d.audit('update.rollout.resume', `rollout:${id}`, { acceptedFailures: bad }, by);
  }

  abort(id: string, by: string, now: number): void {
    this.d.store.setRollout(id, { state: 'aborted' }, now);
    this.d.audit('update.rollout.abort', `rollout:${id}`, {}, by);
  }

  /** The answer to an offer (`cmd/res`), from the unit it was sent to. */
  onOfferAnswer(
    gatewayId: string,
    transaction: string,
    status: string,
    reason: string | undefined,
    now: number,
  ): void {
    const u = this.d.store.unitByTransaction(transaction);
    if (!u || u.gatewayId !== gatewayId || u.state !== 'offered') return;
    const next: UnitState =
      status === 'ok'
        ? 'installing'
        : status === 'refused'
          ? 'refused'
          : status === 'timeout'
            ? 'pending'
            : 'failed';
    this.d.store.setUnit(u.rolloutId, gatewayId, { state: next, reason: reason ?? null }, now);
    this.evaluate(u.rolloutId, now);
  }

  /** An update event from a unit [MQTT-MAP §4.1.5]. Stale reports never undo an outcome. */
  onReport(gatewayId: string, report: UnitReport, now: number): void {
    const u = this.unitFor(gatewayId, report);
    const next = REPORTED[report.state];
    if (!u || next === undefined) return;
    if (FINAL_UNIT_STATES.has(u.state) && !FINAL_UNIT_STATES.has(next)) return;
    this.d.store.setUnit(
      u.rolloutId,
      gatewayId,
      { state: next, runningVersion: report.running, reason: report.reason ?? null },
      now,
    );
    this.evaluate(u.rolloutId, now);
  }

  /** The periodic step of every running rollout (and right after any change to one). */
  tick(now: number): void {
    for (const r of this.d.store.rollouts(['running'])) this.evaluate(r.id, now);
  }

  evaluate(id: string, now: number): void {
    const r = this.d.store.rollout(id);
    if (r?.state !== 'running') return;
    const units = this.d.store.units(id);
    this.expire(units, now);
    const touched = units.filter((u) => u.state !== 'pending' && u.state !== 'refused' && u.homeId !== null);
    const burning = this.d.budgets.burning(
      units.flatMap((u) => (u.homeId === null ? [] : [u.homeId])),
      now,
    );
    const hot = touched.find((u) => burning.has(u.homeId ?? ''));
    if (hot) {
      this.pause(
        id,
        `downtime budget of home ${hot.homeId} is burning: ${burning.get(hot.homeId ?? '')}`,
        now,
      );
      return;
    }
    const wave = units.filter((u) => u.wave === r.wave);
    const bad = wave.filter((u) => BAD.has(u.state)).length - this.d.store.acceptedFailures(id);
    if (wave.length > 0 && (bad * 100) / wave.length > r.maxFailurePct) {
      const why = `wave ${r.wave + 1}: ${bad} of ${wave.length} units failed or rolled back (over ${r.maxFailurePct} %)`;
      this.pause(id, why, now);
      return;
    }
    if (wave.every((u) => FINAL_UNIT_STATES.has(u.state))) {
      if (r.wave + 1 >= r.waves.length) {
        this.d.store.setRollout(id, { state: 'completed' }, now);
        this.d.log.info({ rollout: id }, 'rollout completed');
        return;
      }
      this.d.store.setRollout(id, { wave: r.wave + 1, waveStartedAt: now }, now);
      this.d.store.acceptFailures(id, 0);
      this.evaluate(id, now);
      return;
    }
    for (const u of wave) {
      if (u.state === 'pending' && !burning.has(u.homeId ?? '')) this.offer(r, u, now);
    }
  }

  private expire(units: RolloutUnit[], now: number): void {
    for (const u of units) {
      if (u.state === 'offered' && (u.offeredAt ?? 0) + this.policy.offerTtlMs <= now) {
        u.state = 'pending'; // no answer: offered again below
      } else if (u.state === 'installing' && (u.offeredAt ?? 0) + this.policy.installTimeoutMs <= now) {
        u.state = 'failed';
        u.reason = `BAKEN_ERR_UPDATE_TIMEOUT: no outcome within ${Math.round(this.policy.installTimeoutMs / 60_000)} min`;
        this.d.store.setUnit(u.rolloutId, u.gatewayId, { state: 'failed', reason: u.reason }, now);
      }
    }
  }

  private offer(r: Rollout, u: RolloutUnit, now: number): void {
    const transaction = `upd-${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    this.d.store.setUnit(
      r.id,
      u.gatewayId,
      { state: 'offered', transactionId: transaction, offeredAt: now },
      now,
    );
    u.state = 'offered';
    const offer = { transaction, version: r.version, rollout: r.id, expiresAt: now + this.policy.offerTtlMs };
    this.d.send(u.gatewayId, offer).catch((err: unknown) => {
      this.d.log.warn(
        { err, gatewayId: u.gatewayId, rollout: r.id },
        'update offer not sent; offered again later',
      );
    });
  }

  private unitFor(gatewayId: string, report: UnitReport): RolloutUnit | null {
    if (report.rollout !== undefined) {
      const u = this.d.store.unit(report.rollout, gatewayId);
      if (u) return u;
    }
    for (const r of this.d.store.rollouts()) {
      if (r.version !== report.version) continue;
      const u = this.d.store.unit(r.id, gatewayId);
      if (u) return u;
    }
    return null;
  }
}
