import { randomUUID } from 'node:crypto';
import type { Clock } from '@baken/hardware';
import { type CheckReportPayload, encodeMqttPayload } from '@baken/protocols';
import type { Gateway } from '../gateway.js';
import type { UnitHealth } from '../health/heartbeat.js';
import type { OutboxEntry } from '../outbox/outbox.js';
import { spacedCode, type TrialCodeSource } from './trial-code.js';

type Step = CheckReportPayload['steps'][number];

export interface InstallationCheckOptions {
  /** A running gateway (bridges started, uplink connecting). */
  gateway: Gateway;
  clock: Clock;
  /** Mains and unit battery, when the unit can tell. */
  unit?: () => UnitHealth;
  /** The broker URL in use (mqtts:// means the server's certificate and hostname were verified). */
  brokerUrl: string;
  /** Revision of the server's retained `config` received in this session, if any [MQTT-MAP §4.7]. */
  serverConfigRevision?: () => number | null;
  technician?: string;
  /** Tells the technician what to do now (printed by the CLI). */
  prompt?: (text: string) => void;
  /** Time for each hands-on step (press the pendant, open the key safe) and for each ack. Default 120 s. */
  windowMs?: number;
  /** A battery at or below this percentage fails `battery_and_mains`. Default 20. */
  lowBatteryPercent?: number;
  /**
   * Gets a one-time trial code for a key safe from the server (an installer-authorised request), so a
   * newly paired safe can be opened for the trial opening. Without it the technician uses a code of
   * their own.
   */
  trialCode?: TrialCodeSource;
}

/** Resolves when `cond()` holds (true) or after `timeoutMs` on the injected clock (false). */
async function waitUntil(
  clock: Clock,
  cond: () => boolean,
  timeoutMs: number,
  stepMs = 20,
): Promise<boolean> {
  const end = clock.monotonic() + timeoutMs;
  while (!cond()) {
    if (clock.monotonic() >= end) return false;
    await clock.sleep(stepMs);
  }
  return true;
}

/** The next outbox entry matching `match` (or null after `timeoutMs`). */
async function nextEntry(
  opts: InstallationCheckOptions,
  match: (e: OutboxEntry) => boolean,
  timeoutMs: number,
): Promise<OutboxEntry | null> {
  let found: OutboxEntry | null = null;
  const onInsert = (e: OutboxEntry): void => {
    if (found === null && match(e)) found = e;
  };
  opts.gateway.outbox.on('insert', onInsert);
  try {
    await waitUntil(opts.clock, () => found !== null, timeoutMs);
    return found;
  } finally {
    opts.gateway.outbox.off('insert', onInsert);
  }
}

const payloadOf = (e: OutboxEntry): Record<string, unknown> =>
  JSON.parse(e.payload) as Record<string, unknown>;

async function trialAlarm(opts: InstallationCheckOptions, windowMs: number): Promise<Step> {
  const name = 'trial_alarm_acknowledged';
  const pendants = opts.gateway.devices.list().filter((d) => d.kind === 'pendant');
  if (pendants.length === 0) return { name, passed: false, detail: 'no pendant paired (run `pair pendant`)' };
  const pending = nextEntry(
    opts,
    (e) => {
      if (e.topic !== 'events') return false;
      const p = payloadOf(e);
      return p['deviceKind'] === 'pendant' && (p['kind'] === 'alarm' || p['kind'] === 'test');
    },
    windowMs,
  );
  // listening before asking: the press may come at once
  opts.prompt?.('Trial alarm: press the pendant button now.\n');
  const entry = await pending;
  if (entry === null) return { name, passed: false, detail: `no pendant press within ${windowMs / 1000} s` };
  const pressedAt = opts.clock.monotonic();
  const payload = payloadOf(entry);
  const device = String(payload['deviceId']);
  // [MQTT-MAP §4.1.1] sent as a trial: the server stores and acknowledges it but raises no alarm
  const what = payload['trial'] === true ? 'trial press (marked as a test: no alarm raised)' : 'alarm';
  // Acknowledged = the server named its id on the ack topic and it left the outbox
  const acked = await waitUntil(opts.clock, () => !opts.gateway.outbox.has(entry.id), windowMs);
  const ms = Math.round(opts.clock.monotonic() - pressedAt);
  return acked
    ? { name, passed: true, detail: `${device}: ${what} acknowledged by the server after ${ms} ms` }
    : {
        name,
        passed: false,
        detail: `${device}: ${what} sent but not acknowledged within ${windowMs / 1000} s`,
      };
}

async function trialOpening(opts: InstallationCheckOptions, windowMs: number): Promise<Step> {
  const name = 'trial_opening';
  const safes = opts.gateway.devices.list().filter((d) => d.kind === 'keysafe');
  if (safes.length === 0) return { name, passed: true, detail: 'no key safe in this installation' };
  const down = safes.filter((s) => s.link !== 'up').map((s) => s.deviceId);
  if (down.length === safes.length)
    return { name, passed: false, detail: `key safe link not up: ${down.join(', ')}` };
  let opened: string | null = null;
  let codeUsed = false;
  // [REQUIREMENTS §8.5] a newly paired safe opens only with a code the server issued: ask for one
  const safe = safes.find((s) => s.link === 'up')!;
  const trial = opts.trialCode ? await opts.trialCode(safe.deviceId) : null;
  if (trial !== null && 'error' in trial)
    return { name, passed: false, detail: `${safe.deviceId}: ${trial.error}` };
  const off = opts.gateway.bus.on('device-event', (e) => {
    if (e.deviceKind !== 'keysafe' || (trial !== null && e.deviceId !== safe.deviceId)) return;
    if (e.kind === 'code_accepted') codeUsed = true;
    if (opened === null && e.kind === 'door_opened') opened = e.deviceId;
  });
  opts.prompt?.(
    trial === null
      ? 'Trial opening: open the key safe with a code now.\n'
      : `Trial opening: type ${spacedCode(trial.code)} on key safe ${safe.deviceId} and open its door now ` +
          '(a one-time code, valid 10 minutes).\n',
  );
  try {
    const ok = await waitUntil(opts.clock, () => opened !== null, windowMs);
    const how =
      trial === null ? '' : codeUsed ? ' with the trial code' : ' (the trial code was not reported used)';
    return ok
      ? { name, passed: true, detail: `${opened}: door opened${how} and reported` }
      : {
          name,
          passed: false,
          detail:
            `no door opening reported within ${windowMs / 1000} s` +
            (trial === null
              ? ' (a newly paired key safe opens with a trial code: run check with --token)'
              : ''),
        };
  } finally {
    off();
  }
}

function batteryAndMains(opts: InstallationCheckOptions): Step {
  const low = opts.lowBatteryPercent ?? 20;
  const unit = opts.unit?.() ?? {};
  const problems: string[] = [];
  const facts: string[] = [`mains ${unit.mains ?? 'unknown'}`];
  if (unit.mains === 'off') problems.push('home unit on battery (mains off)');
  if (unit.unitBattery !== undefined && unit.unitBattery !== null) {
    facts.push(`unit battery ${unit.unitBattery} %`);
    if (unit.unitBattery <= low) problems.push(`unit battery ${unit.unitBattery} %`);
  }
  for (const d of opts.gateway.devices.list()) {
    facts.push(`${d.deviceId} ${d.battery === null ? 'battery unknown' : `${d.battery} %`}`);
    if (d.battery !== null && d.battery <= low) problems.push(`${d.deviceId} battery ${d.battery} %`);
  }
  const detail = (problems.length > 0 ? `LOW: ${problems.join('; ')} — ` : '') + facts.join(', ');
  return { name: 'battery_and_mains', passed: problems.length === 0, detail: detail.slice(0, 512) };
}

async function heartbeatSignalling(opts: InstallationCheckOptions, windowMs: number): Promise<Step> {
  const name = 'heartbeat_signalling';
  const gw = opts.gateway;
  const sent = nextEntry(opts, (e) => e.topic === 'heartbeat', windowMs);
  gw.heartbeat.beat();
  const entry = await sent;
  if (entry === null) return { name, passed: false, detail: 'no heartbeat written' };
  const start = opts.clock.monotonic();
  const delivered = await waitUntil(opts.clock, () => !gw.outbox.has(entry.id), windowMs);
  const interval = Math.round(gw.heartbeat.intervalMs / 1000);
  return delivered
    ? {
        name,
        passed: true,
        detail: `heartbeat every ${interval} s; one delivered to the broker in ${Math.round(opts.clock.monotonic() - start)} ms`,
      }
    : { name, passed: false, detail: `heartbeat every ${interval} s, but none reached the broker` };
}

function serverIdentity(opts: InstallationCheckOptions): Step {
  const name = 'server_identity';
  const connected = opts.gateway.uplink.connected;
  const tls = /^(mqtts|wss):\/\//.test(opts.brokerUrl);
  const revision = opts.serverConfigRevision?.() ?? null;
  if (!connected) return { name, passed: false, detail: 'not connected to the server' };
  if (tls) return { name, passed: true, detail: 'TLS: broker certificate and hostname verified' };
  if (revision !== null)
    return {
      name,
      passed: true,
      detail: `plain MQTT; the server sent this unit's config (revision ${revision})`,
    };
  return { name, passed: false, detail: 'plain MQTT and no config from the server: identity not confirmed' };
}

/**
 * The installation test of REQUIREMENTS §8.5: trial alarm acknowledged at application
 * level, trial opening of the key safe, battery and mains, heartbeat signalling, server identity.
 * Returns the report [MQTT-MAP §4.8]; `passed` is true exactly when every step passed.
 */
export async function runInstallationCheck(opts: InstallationCheckOptions): Promise<CheckReportPayload> {
  const windowMs = opts.windowMs ?? 120_000;
  await waitUntil(opts.clock, () => opts.gateway.uplink.connected, windowMs);
  const steps: Step[] = [];
  // Every pendant press while the check runs is the technician's trial, never an alarm to act on.
  const endTrial = opts.gateway.trial.begin(['pendant']);
  try {
    steps.push(await trialAlarm(opts, windowMs));
    steps.push(await trialOpening(opts, windowMs));
    steps.push(batteryAndMains(opts));
    steps.push(await heartbeatSignalling(opts, windowMs));
    steps.push(serverIdentity(opts));
  } finally {
    endTrial();
  }
  return {
    v: 1,
    id: randomUUID(),
    at: opts.clock.now(),
    ...(opts.technician === undefined ? {} : { technician: opts.technician }),
    steps,
    passed: steps.every((s) => s.passed),
  };
}

/** Queues the report on the `check` topic (released on PUBACK) and returns its outbox id. */
export function publishCheckReport(gateway: Gateway, report: CheckReportPayload): string {
  gateway.outbox.insert({
    id: report.id,
    topic: 'check',
    payload: encodeMqttPayload('check', report),
    alarm: false,
    release: 'puback',
  });
  return report.id;
}

/** The report as the technician reads it. */
export function formatCheckReport(report: CheckReportPayload): string {
  const lines = report.steps.map((s) => `  [${s.passed ? 'PASS' : 'FAIL'}] ${s.name}: ${s.detail}`);
  return `Installation check ${report.passed ? 'PASSED' : 'FAILED'}\n${lines.join('\n')}\n`;
}
