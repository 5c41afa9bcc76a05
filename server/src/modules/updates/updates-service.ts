import type { TrustedReleaseKey } from '@baken/protocols';
import { BakenError, conflict, notFound } from '../../errors.js';
import type { Gateway } from '../../store/repositories/index.js';
import type { RolloutEngine } from './rollout-engine.js';
import { wrongState } from './routes.js';
import type { Rollout, RolloutTarget } from './types.js';
import type { UpdateStore } from './update-store.js';

export interface UpdatesServiceDeps {
  store: UpdateStore;
  engine: RolloutEngine;
  keys: () => readonly TrustedReleaseKey[];
  gateways: () => Promise<Gateway[]>;
  audit: (
    action: string,
    subject: string,
    details: Record<string, unknown>,
    actor: string,
  ) => Promise<unknown>;
}

/** What the routes and the dashboard page use of the updates module. */
export class UpdatesService {
  readonly store: UpdateStore;
  readonly engine: RolloutEngine;
  readonly keys: () => readonly TrustedReleaseKey[];
  readonly audit: UpdatesServiceDeps['audit'];
  private readonly gateways: () => Promise<Gateway[]>;

  constructor(d: UpdatesServiceDeps) {
    this.store = d.store;
    this.engine = d.engine;
    this.keys = d.keys;
    this.audit = d.audit;
    this.gateways = d.gateways;
  }

  async createRollout(
    body: {
      version: string;
      target: { all?: true; homes?: string[]; gateways?: string[] };
      waves?: number[];
      maxFailurePct?: number;
    },
    by: string,
    now: number,
  ) {
    if (!(await this.store.release(body.version))) throw notFound(`Release ${body.version}`);
    const waves = body.waves ?? [10, 100];
    if (waves.at(-1) !== 100 || waves.some((w, i) => i > 0 && w <= (waves[i - 1] ?? 0))) {
      throw new BakenError(
        'BAKEN_ERR_VALIDATION',
        400,
        'waves must rise and end at 100, e.g. [10, 50, 100].',
        {
          details: [{ field: '/body/waves', message: 'must rise and end at 100' }],
        },
      );
    }
    const active = (await this.store.rollouts(['running', 'paused'])).find((r) => r.version === body.version);
    if (active)
      throw conflict(`Rollout ${active.id} of ${body.version} is ${active.state}; resume or abort it first.`);
    const t = body.target;
    const target: RolloutTarget = t.all
      ? { all: true }
      : { ...(t.homes ? { homes: t.homes } : {}), ...(t.gateways ? { gateways: t.gateways } : {}) };
    const units = (await this.gateways())
      .filter((g) => g.revokedAt === null)
      .filter(
        (g) => t.all || (g.homeId !== null && t.homes?.includes(g.homeId)) || t.gateways?.includes(g.id),
      )
      .map((g) => ({ gatewayId: g.id, homeId: g.homeId }));
    if (units.length === 0)
      throw conflict('No enrolled home unit matches the target: nothing to roll out to.');
    const r = await this.engine.create(
      { version: body.version, target, waves, maxFailurePct: body.maxFailurePct ?? 20 },
      units,
      by,
      now,
    );
    return this.view((await this.store.rollout(r.id)) ?? r);
  }

  async view(r: Rollout) {
    return {
      id: r.id,
      version: r.version,
      target: r.target,
      waves: r.waves,
      wave: r.wave + 1,
      state: r.state,
      pauseReason: r.pauseReason,
      maxFailurePct: r.maxFailurePct,
      createdAt: r.createdAt,
      createdBy: r.createdBy,
      updatedAt: r.updatedAt,
      counts: await this.store.counts(r.id),
    };
  }

  async detail(id: string) {
    const r = await this.store.rollout(id);
    if (!r) throw notFound(`Rollout ${id}`);
    const units = (await this.store.units(id)).map(({ rolloutId: _r, transactionId: _t, ...u }) => ({
      ...u,
      wave: u.wave + 1,
    }));
    return { ...(await this.view(r)), units };
  }

  /** Pause, resume or abort, refused (`BAKEN_ERR_ROLLOUT_STATE`) in a state the action does not apply to. */
  async act(id: string, action: 'pause' | 'resume' | 'abort', by: string, now: number) {
    const allowed = { pause: ['running'], resume: ['paused'], abort: ['running', 'paused'] }[action];
    await this.engine.act(id, action, by, now, (r): asserts r is Rollout => {
      if (!r) throw notFound(`Rollout ${id}`);
      if (!allowed.includes(r.state)) throw wrongState(id, r.state, action);
    });
    const r = await this.store.rollout(id);
    if (!r) throw notFound(`Rollout ${id}`);
    return this.view(r);
  }
}
