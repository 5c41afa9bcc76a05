import type { Clock, TimerHandle } from '@baken/hardware';
import {
  compareReleaseVersions,
  parseReleaseVersion,
  type TrustedReleaseKey,
  verifyRelease,
} from '@baken/protocols';
import type { Logger } from 'pino';
import type { DeviceRegistry } from '../devices/device-registry.js';
import type { CommandRequest, GatewayBus } from '../event-bus.js';
import type { Extension } from '../extension.js';
import type { ReleaseLayout, UpdateResult } from './release-layout.js';
import type { ReleaseSource } from './release-source.js';

/** The post-update health verdict (health-probe.ts). */
export type UpdateProbe = (linksUp: readonly string[]) => { ok: boolean; reason?: string };

export interface UpdateAgentOptions {
  layout: ReleaseLayout;
  /** The version of the code running now. */
  runningVersion: string;
  trustedKeys: () => readonly TrustedReleaseKey[];
  source: ReleaseSource;
  /** Unpacks a verified package into an empty directory (the injectable install step). */
  unpack: (pkg: Buffer, intoDir: string) => Promise<void>;
  probe: UpdateProbe;
  /** Ends this process so the service manager starts `current` (real: SIGTERM to itself). */
  restart: () => void;
  /** How long a new version has to prove its health. Default 120 s. */
  healthDeadlineMs?: number;
  healthIntervalMs?: number;
  /** Starts of a trial version after which it is rolled back without a health check (as the launcher does). */
  maxTrialBoots?: number;
  /** This unit's Debian architecture; a release signed for another one (not `all`) is refused. */
  arch?: string;
}

export interface UpdateAgentContext {
  gatewayId: string;
  bus: GatewayBus;
  devices: DeviceRegistry;
  clock: Clock;
  logger: Logger;
}

const ROLLOUT_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Takes server-pushed updates (docs/gateway-appliance.md, "Updates"; [MQTT-MAP §4.5.1]). Contract:
 * - an `update` command is answered at once: `refused` for a version not newer than the running
 *   one, one that rolled back here before, or while another update runs; `ok` otherwise;
 * - nothing is installed unless a trusted release key signed it, the signed version is the one
 *   offered and newer than the running one, and the package matches the signature [RELEASE SPEC];
 * - the new version is unpacked beside the running one, `current` moves to it, the process restarts;
 * - started as a trial version, it checks its health (`probe`) until the deadline: passing twice in a
 *   row commits it, otherwise it rolls back to the previous version by itself and restarts;
 * - every outcome is reported as an `update` event (MQTT-MAP §4.1.5) through the outbox; a final
 *   outcome is kept on disk until its report is committed, so a restart or power cut cannot lose it.
 */
export class UpdateAgent implements Extension {
  readonly name = 'update-agent';
  readonly #c: UpdateAgentContext;
  readonly #o: UpdateAgentOptions;
  #offs: (() => void)[] = [];
  #timer: TimerHandle | null = null;
  #busy = false;

  constructor(ctx: UpdateAgentContext, opts: UpdateAgentOptions) {
    this.#c = ctx;
    this.#o = opts;
  }

  async start(): Promise<void> {
    if (this.#offs.length > 0) return;
    this.#offs = [
      this.#c.bus.on('command', (req) => {
        if (req.kind === 'update') this.#onOffer(req);
      }),
      this.#c.bus.on('event-committed', (entry) => {
        if (entry.id === this.#o.layout.result()?.id) this.#o.layout.clearResult();
      }),
    ];
    this.#resumeTrial();
    this.#reportResult();
  }

  async stop(): Promise<void> {
    for (const off of this.#offs.splice(0)) off();
    if (this.#timer) this.#c.clock.clearInterval(this.#timer);
    this.#timer = null;
  }

  #onOffer(req: CommandRequest): void {
    const version = req.params?.['version'];
    const r = req.params?.['rollout'];
    const rollout = typeof r === 'string' && ROLLOUT_RE.test(r) ? r : undefined;
    const refusal = this.#refusal(version);
    if (refusal !== null || typeof version !== 'string') {
      const reason = refusal ?? 'BAKEN_ERR_UPDATE_MISMATCH';
      this.#c.logger.warn({ version, rollout, reason }, 'update refused');
      this.#answer(req.transaction, 'refused', reason);
      this.#report({ state: 'refused', version: String(version).slice(0, 64), rollout, reason });
      return;
    }
    this.#busy = true;
    this.#answer(req.transaction, 'ok');
    this.#report({ state: 'accepted', version, rollout });
    this.#install(version, rollout).finally(() => {
      this.#busy = false;
    });
  }

  #refusal(version: unknown): string | null {
    if (parseReleaseVersion(version) === undefined) return 'BAKEN_ERR_UPDATE_MISMATCH: not a release version';
    const v = version as string;
    if (this.#busy || this.#o.layout.trial() !== null)
      return 'BAKEN_ERR_UPDATE_BUSY: another update is under way';
    if (compareReleaseVersions(v, this.#o.runningVersion) <= 0) {
      return `BAKEN_ERR_UPDATE_DOWNGRADE: ${v} is not newer than ${this.#o.runningVersion}`;
    }
    if (this.#o.layout.failedVersions().includes(v)) {
      return `BAKEN_ERR_UPDATE_FAILED_BEFORE: ${v} rolled back on this unit`;
    }
    return null;
  }

  async #install(version: string, rollout: string | undefined): Promise<void> {
    const { layout } = this.#o;
    try {
      this.#report({ state: 'downloading', version, rollout });
      const fetched = await this.#o.source.fetch(version);
      const verified = verifyRelease(fetched.signature, this.#o.trustedKeys(), fetched.pkg);
      if (!verified.ok) throw new Error(`${verified.error.code}: ${verified.error.message}`);
      if (verified.value.version !== version) {
        throw new Error(
          `BAKEN_ERR_UPDATE_MISMATCH: signed for ${verified.value.version}, offered as ${version}`,
        );
      }
      const arch = verified.value.arch;
      if (this.#o.arch !== undefined && arch !== 'all' && arch !== this.#o.arch) {
        throw new Error(`BAKEN_ERR_UPDATE_MISMATCH: built for ${arch}, this unit is ${this.#o.arch}`);
      }
      const refusal = this.#refusal(version);
      if (refusal !== null && !refusal.startsWith('BAKEN_ERR_UPDATE_BUSY')) throw new Error(refusal);
      const dir = layout.partialDir(version);
      await this.#o.unpack(fetched.pkg, dir);
      layout.completeRelease(version);
      const linksUp = this.#c.devices
        .list()
        .filter((d) => d.link === 'up')
        .map((d) => d.deviceId);
      layout.beginTrial({
        version,
        previous: this.#o.runningVersion,
        ...(rollout === undefined ? {} : { rollout }),
        startedAt: this.#c.clock.now(),
        linksUp,
      });
      this.#report({ state: 'installed', version, rollout });
      this.#c.logger.info({ version, rollout }, 'update installed; restarting into it');
      this.#o.restart();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const reason = message.startsWith('BAKEN_ERR_') ? message : `BAKEN_ERR_UPDATE_INSTALL: ${message}`;
      this.#c.logger.error({ version, rollout, reason }, 'update failed; nothing changed');
      try {
        this.#finish({ state: 'failed', version, rollout, reason });
      } catch (e) {
        // the data disk refuses the result file: report it now, without the restart-proof copy
        this.#c.logger.error({ err: String(e) }, 'update result not kept on disk');
        this.#report({ state: 'failed', version, rollout, reason });
      }
    }
  }

  /** Started as (or after) a trial version: check its health, or roll back what did not start. */
  #resumeTrial(): void {
    const { layout } = this.#o;
    const trial = layout.trial();
    if (trial === null) return;
    const base = {
      version: trial.version,
      ...(trial.rollout === undefined ? {} : { rollout: trial.rollout }),
    };
    if (this.#o.runningVersion !== trial.version) {
      this.#rollBack({ ...base, reason: `BAKEN_ERR_UPDATE_HEALTH: ${trial.version} did not start` }, false);
      return;
    }
    if (layout.trialBoots() > (this.#o.maxTrialBoots ?? 3)) {
      this.#rollBack(
        { ...base, reason: `BAKEN_ERR_UPDATE_HEALTH: restarted ${layout.trialBoots()} times` },
        true,
      );
      return;
    }
    const deadlineMs = this.#o.healthDeadlineMs ?? 120_000;
    const deadline = trial.startedAt + deadlineMs;
    const until = Math.max(this.#c.clock.now() + Math.min(deadlineMs, 30_000), deadline);
    let passes = 0;
    let last = 'not checked yet';
    this.#c.logger.info({ version: trial.version, deadlineMs }, 'checking the health of the new version');
    this.#timer = this.#c.clock.setInterval(() => {
      const verdict = this.#o.probe(trial.linksUp);
      passes = verdict.ok ? passes + 1 : 0;
      if (!verdict.ok) last = verdict.reason ?? 'unhealthy';
      if (passes >= 2) {
        this.#stopTimer();
        layout.commitTrial(this.#result({ ...base, state: 'healthy' }));
        layout.prune();
        this.#c.logger.info({ version: trial.version }, 'update healthy');
        this.#reportResult();
      } else if (this.#c.clock.now() >= until) {
        this.#stopTimer();
        this.#rollBack({ ...base, reason: `BAKEN_ERR_UPDATE_HEALTH: ${last}` }, true);
      }
    }, this.#o.healthIntervalMs ?? 5_000);
  }

  #rollBack(r: { version: string; rollout?: string; reason: string }, restart: boolean): void {
    this.#o.layout.rollBack(this.#result({ ...r, state: 'rolled_back' }));
    this.#c.logger.error({ ...r, back: this.#o.layout.currentVersion() }, 'update rolled back');
    this.#reportResult();
    if (restart) this.#o.restart();
  }

  #stopTimer(): void {
    if (this.#timer) this.#c.clock.clearInterval(this.#timer);
    this.#timer = null;
  }

  #finish(r: Omit<UpdateResult, 'id'>): void {
    this.#o.layout.setResult(this.#result(r));
    this.#reportResult();
  }

  #result(r: Omit<UpdateResult, 'id'>): UpdateResult {
    const id = `upd-${r.version.replaceAll('.', '_')}-${r.state}-${this.#c.clock.now()}`;
    return { id, ...r, ...(r.rollout === undefined ? {} : { rollout: r.rollout }) };
  }

  /** Sends the kept final outcome; cleared once the outbox has it on disk (`event-committed`). */
  #reportResult(): void {
    const r = this.#o.layout.result();
    if (r === null) return;
    this.#report(r, r.id);
  }

  #report(r: Omit<UpdateResult, 'id' | 'state'> & { state: string }, id?: string): void {
    this.#c.bus.emit('device-event', {
      ...(id === undefined ? {} : { id }),
      deviceId: this.#c.gatewayId,
      deviceKind: 'gateway',
      kind: 'update',
      priority: 'normal',
      deviceTime: null,
      receivedAt: this.#c.clock.now(),
      data: {
        state: r.state,
        version: r.version,
        // after a rollback the unit runs (or is about to run) the version it went back to
        running: r.state === 'rolled_back' ? this.#o.layout.currentVersion() : this.#o.runningVersion,
        ...(r.rollout === undefined ? {} : { rollout: r.rollout }),
        ...(r.reason === undefined ? {} : { reason: r.reason.slice(0, 256) }),
      },
    });
  }

  #answer(transaction: string, status: 'ok' | 'refused', reason?: string): void {
    this.#c.bus.emit('command-result', {
      transaction,
      status,
      ...(reason === undefined ? {} : { reason: reason.slice(0, 128) }),
    });
  }
}
