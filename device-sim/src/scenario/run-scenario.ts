import { randomBytes } from 'node:crypto';
import { type Clock, MockClock, SystemClock } from '@baken/hardware';
import { issueWindowCode, type KsAuthCommand, KsCodeKind, KsReason } from '@baken/protocols';
import { SimError } from '../errors.js';
import { unhex } from '../hex.js';
import { type Home, startHome } from '../home.js';
import { DEFAULT_HOME } from '../home-config.js';
import { KsTestHost } from '../keysafe/ks-host.js';
import { attachSerial } from '../keysafe/transports.js';
import { parseDuration } from './duration.js';
import { listenToPendants } from './pendant-listener.js';
import type { ActionStep, ExpectStep, Scenario, Step } from './scenario-schema.js';

export interface Observed {
  /** ms since the scenario started. */
  t: number;
  event: string;
  detail?: string;
}

export interface StepResult {
  step: string;
  ok: boolean;
  message: string;
}

export interface ScenarioReport {
  name: string;
  passed: boolean;
  results: StepResult[];
  observed: Observed[];
}

const REASON_NAMES = new Map<number, string>(
  Object.entries(KsReason).map(([k, v]) => [v, k.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()]),
);

export const stepLabel = (s: Step, i: number): string =>
  `step ${i + 1}${s.name === undefined ? '' : ` "${s.name}"`} (at ${String(s.at)})${'action' in s ? ` ${s.action}` : ` expect ${s.expect.event}`}`;

/** Runs a validated scenario on its own simulated home (mock transports) and judges its expectations. */
export async function runScenario(scenario: Scenario): Promise<ScenarioReport> {
  const clock: Clock = scenario.clock === 'real' ? new SystemClock() : new MockClock();
  const home = await startHome(scenario.home ?? DEFAULT_HOME, { serial: 'mock', ble: 'mock' }, clock);
  const t0 = clock.monotonic();
  const observed: Observed[] = [];
  const note = (event: string, detail?: string): void => {
    observed.push({ t: clock.monotonic() - t0, event, ...(detail === undefined ? {} : { detail }) });
  };
  const ctx = await wireObservers(home, note);
  const results: StepResult[] = [];
  const order = scenario.steps
    .map((s, i) => ({ s, i, at: parseDuration(s.at) ?? 0 }))
    .sort((a, b) => a.at - b.at);
  const advanceTo = async (at: number): Promise<void> => {
    const wait = at - (clock.monotonic() - t0);
    if (wait <= 0) return;
    if (clock instanceof MockClock) await clock.advanceAsync(wait);
    else await clock.sleep(wait);
  };
  try {
    for (const { s, i, at } of order) {
      await advanceTo(at);
      if ('action' in s) {
        try {
          await runAction(home, ctx, s);
        } catch (err) {
          results.push({ step: stepLabel(s, i), ok: false, message: (err as Error).message });
        }
      }
    }
    const ends = order.map(
      ({ s, at }) => at + ('expect' in s ? (parseDuration(s.expect.within ?? '1s') ?? 1000) : 0),
    );
    await advanceTo(Math.max(...ends) + 1);
    for (const { s, i, at } of order)
      if ('expect' in s) results.push(judge(s, stepLabel(s, i), at, observed));
  } finally {
    await ctx.stop();
    await home.stop();
  }
  return { name: scenario.name, passed: results.every((r) => r.ok), results, observed };
}

function judge(s: ExpectStep, label: string, at: number, observed: Observed[]): StepResult {
  const within = parseDuration(s.expect.within ?? '1s') ?? 1000;
  const hits = observed.filter(
    (o) =>
      o.event === s.expect.event &&
      o.t >= at &&
      o.t <= at + within &&
      (s.expect.reason === undefined || o.detail === s.expect.reason),
  );
  const what = `${s.expect.event}${s.expect.reason === undefined ? '' : ` (${s.expect.reason})`}`;
  if (s.expect.count !== undefined) {
    const ok = hits.length === s.expect.count;
    return {
      step: label,
      ok,
      message: `${what}: expected ${s.expect.count} within ${within} ms, saw ${hits.length}`,
    };
  }
  return {
    step: label,
    ok: hits.length > 0,
    message:
      hits.length > 0 ? `${what} at +${(hits[0]?.t ?? 0) - at} ms` : `${what} not seen within ${within} ms`,
  };
}

interface RunContext {
  host: KsTestHost | undefined;
  codeKeys: Map<number, Uint8Array>;
  last: KsAuthCommand | undefined;
  stop(): Promise<void>;
}

async function wireObservers(home: Home, note: (e: string, d?: string) => void): Promise<RunContext> {
  const stops: (() => Promise<void> | void)[] = [];
  if (home.ble.air !== undefined)
    stops.push(await listenToPendants(home.ble.air, home.clock, home.keys, (e) => note(e.kind, e.device)));
  const safe = home.safe;
  let host: KsTestHost | undefined;
  if (safe !== undefined) {
    safe.on('event', (e) => note(e.kind));
    safe.on('executed', (c) => note('command_executed', c.kind));
    safe.on('refused', (_c, reason) => note('command_refused', REASON_NAMES.get(reason) ?? String(reason)));
    const link = home.serial?.hostLink;
    const k = home.keys.keySafe;
    if (link !== undefined && k?.key !== undefined) {
      await link.open();
      host = new KsTestHost({
        clock: home.clock,
        key: unhex(k.key),
        serial: k.serial,
      });
      attachSerial(host, link);
      const h = host;
      stops.push(() => h.endpoint.stop());
    }
  }
  return {
    host,
    codeKeys: new Map(),
    last: undefined,
    async stop() {
      for (const s of stops) await s();
    },
  };
}

async function runAction(home: Home, ctx: RunContext, s: ActionStep): Promise<void> {
  const pendant = (): NonNullable<ReturnType<Home['pendants']['get']>> => {
    const p = s.pendant === undefined ? [...home.pendants.values()][0] : home.pendants.get(s.pendant);
    if (p === undefined)
      throw new SimError('BAKEN_ERR_SIM_SCENARIO', `no pendant '${s.pendant ?? '(first)'}' in this home`);
    return p;
  };
  const safe = (): NonNullable<Home['safe']> => {
    if (home.safe === undefined) throw new SimError('BAKEN_ERR_SIM_SCENARIO', 'this home has no key safe');
    return home.safe;
  };
  const host = (): KsTestHost => {
    if (ctx.host === undefined)
      throw new SimError('BAKEN_ERR_SIM_SCENARIO', 'server actions need a key safe on a serial link');
    return ctx.host;
  };
  const command = (cmd: KsAuthCommand): void => {
    ctx.last = cmd;
    host().send(cmd);
  };
  const dnow = (): number => safe().rtc.nowSeconds();
  switch (s.action) {
    case 'press':
      return pendant().press();
    case 'cancel':
      return pendant().cancel();
    case 'fall':
      return pendant().fall();
    case 'test_press':
      return pendant().testPress();
    case 'pendant_battery':
      return pendant().setBattery(s.value ?? 0);
    case 'code':
      safe().enterCode(s.code ?? '');
      return;
    case 'window_code': {
      const key = ctx.codeKeys.get(s.slot ?? 1);
      if (key === undefined)
        throw new SimError('BAKEN_ERR_SIM_SCENARIO', `no window-code key set for slot ${s.slot ?? 1}`);
      const now = dnow();
      const code = issueWindowCode(
        { key, serial: safe().serial },
        { windowStart: now - (now % 900), durationSeconds: 900, slot: s.value ?? 0 },
      );
      if (!code.ok) throw code.error;
      safe().enterCode(code.value);
      return;
    }
    case 'open':
      return safe().openDoor();
    case 'close':
      return safe().closeDoor();
    case 'take_key':
      return safe().takeKey(s.value ?? 1);
    case 'return_key':
      return safe().returnKey(s.value ?? 1);
    case 'tamper':
      return safe().setTamper(s.value ?? 1);
    case 'mains':
      return safe().setMains(s.on ?? true);
    case 'safe_battery':
      return safe().setBattery(s.value ?? 0);
    case 'fault':
      return home.faults.set(s.fault ?? '', s.on ?? true, s.value);
    case 'server_open':
      return command(
        host().sign(
          { kind: 'open_now', holderId: s.holder ?? 1, unlockSeconds: s.value ?? 10 },
          { deviceNow: dnow() },
        ),
      );
    case 'server_set_window_key': {
      const slot = s.slot ?? 1;
      const key = new Uint8Array(randomBytes(20));
      ctx.codeKeys.set(slot, key);
      const counter = host().nextCounter();
      const now = dnow();
      const cmd = host().sign(
        {
          kind: 'set_code',
          slot,
          holderId: s.holder ?? 1,
          validFrom: now - 60,
          validUntil: now + 30 * 86_400,
          codeKind: KsCodeKind.OfflineCodeKey,
          oneTime: false,
          sealed: host().seal(counter, key),
        },
        { counter, deviceNow: now },
      );
      return command(cmd);
    }
    case 'server_revoke':
      return command(
        host().sign({ kind: 'revoke', slot: s.slot ?? 0xff, holderId: s.holder ?? 0 }, { deviceNow: dnow() }),
      );
    case 'server_time_sync':
      return command(
        host().sign({ kind: 'time_sync', newTime: dnow() + (s.value ?? 0) }, { deviceNow: dnow() }),
      );
    case 'replay_last_command':
      if (ctx.last === undefined)
        throw new SimError('BAKEN_ERR_SIM_SCENARIO', 'no command sent yet to replay');
      host().send(ctx.last);
      return;
    case 'status_poll':
      host().send({ kind: 'status_poll' });
      return;
  }
}
