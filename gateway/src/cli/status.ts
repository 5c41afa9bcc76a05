import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '@baken/hardware';
import { loadCredentials } from '../config/load-config.js';
import type { GatewayConfig } from '../config/schema.js';
import { isGatewayError } from '../errors.js';
import { redactUrl } from '../gateway.js';
import { asStatusSnapshot, RUNTIME_STATUS_PATH, type StatusSnapshot } from '../health/status-snapshot.js';
import { Outbox } from '../outbox/outbox.js';
import { storageAdvice } from '../outbox/storage-health.js';
import { formatUpdateStatus, readUpdateStatus, type UpdateStatus } from '../update/update-status.js';
import { softwareVersion } from '../version.js';

export interface UnitStatus {
  provisioned: boolean;
  gatewayId: string | null;
  server: string | null;
  credentialsProblem: string | null;
  brokers: { primary: string | null; secondary: string | null };
  outbox: { path: string; depth: number; alarms: number; oldestAgeMs: number; dropped: number } | null;
  devices: { id: string; kind: string }[];
  heartbeatIntervalMs: number;
  /**
   * What the running gateway reported at its last heartbeat (`{dataDir}/status.json`): device links
   * and firmware, BLE scan state, counters; `ageMs` since it was written. Null when it never ran.
   */
  live: (StatusSnapshot & { ageMs: number }) | null;
  /** Server-pushed updates: the release running, one on trial, the last outcome (update/update-status.ts). */
  update?: UpdateStatus;
}

function parseSnapshot(path: string): StatusSnapshot | null {
  try {
    return asStatusSnapshot(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return null;
  }
}

/** The newer of the snapshots at these paths (the runtime one is written when the data disk refuses). */
function readSnapshot(paths: readonly string[], clock: Clock): UnitStatus['live'] {
  let newest: StatusSnapshot | null = null;
  for (const path of paths) {
    const s = parseSnapshot(path);
    if (s !== null && (newest === null || s.heartbeat.sentAt > newest.heartbeat.sentAt)) newest = s;
  }
  if (newest === null) return null;
  return { ...newest, ageMs: Math.max(0, clock.now() - newest.heartbeat.sentAt) };
}

/** What the unit knows without talking to the running daemon (reads files; the outbox in WAL mode). */
export function readStatus(
  config: GatewayConfig,
  clock: Clock,
  runtimeStatusPath: string = RUNTIME_STATUS_PATH,
): UnitStatus {
  let creds: ReturnType<typeof loadCredentials> | undefined;
  let credentialsProblem: string | null = null;
  try {
    creds = loadCredentials(config.credentialsFile);
  } catch (err) {
    credentialsProblem = isGatewayError(err) ? err.message : String(err);
  }
  const primary = config.mqtt.primaryUrl ?? creds?.mqtt.url;
  const secondary = config.mqtt.secondaryUrl ?? creds?.mqtt.secondaryUrl;
  const outboxPath = join(config.dataDir, 'outbox.db');
  let outbox: UnitStatus['outbox'] = null;
  if (existsSync(outboxPath)) {
    // reads only: no space reserve of its own (the running gateway keeps that)
    const o = Outbox.open(outboxPath, clock, { reserveBytes: 0 });
    try {
      const s = o.stats();
      outbox = {
        path: outboxPath,
        depth: s.depth,
        alarms: s.alarms,
        oldestAgeMs: o.oldestAgeMs(),
        dropped: s.dropped,
      };
    } finally {
      o.close();
    }
  }
  return {
    provisioned: creds !== undefined,
    gatewayId: creds?.gatewayId ?? null,
    server: creds?.server ?? null,
    credentialsProblem,
    brokers: {
      primary: primary === undefined ? null : redactUrl(primary),
      secondary: secondary === undefined ? null : redactUrl(secondary),
    },
    outbox,
    devices: config.devices.map((d) => ({ id: d.id, kind: d.kind })),
    heartbeatIntervalMs: config.heartbeat.intervalMs,
    live: readSnapshot([join(config.dataDir, 'status.json'), runtimeStatusPath], clock),
    update: readUpdateStatus(config, softwareVersion()),
  };
}

function formatLive(live: NonNullable<UnitStatus['live']>): string[] {
  const scan = live.scan.running
    ? 'running'
    : `not running${live.scan.error === null ? '' : ` (${live.scan.error})`}`;
  return [
    `last report:   ${Math.round(live.ageMs / 1000)} s ago (uptime ${live.heartbeat.uptimeS} s, ${live.heartbeat.software})`,
    formatStorage(live.heartbeat.storage),
    `BLE scan:      ${scan}, ${live.counters.scanRestarts} restarts`,
    `unknown:       ${live.counters.unknownDevicesIgnored} adverts from unpaired devices ignored`,
    ...live.heartbeat.devices.map(
      (d) =>
        `  ${d.kind} ${d.deviceId}: link ${d.link}` +
        `${d.battery === null ? '' : `, battery ${d.battery}%`}` +
        `${d.rssi === null ? '' : `, rssi ${d.rssi}`}` +
        `${d.firmware === undefined ? '' : `, firmware ${d.firmware}`}` +
        refusedText(d.refused),
    ),
  ];
}

/** The data disk line: `ok`, or the degraded state in capitals with what to do. */
function formatStorage(storage: NonNullable<UnitStatus['live']>['heartbeat']['storage']): string {
  if (storage === undefined || storage.state === 'ok') return 'storage:       ok';
  const held = storage.memoryDepth > 0 ? ` (${storage.memoryDepth} entries held in memory)` : '';
  const since = new Date(storage.since).toISOString();
  return `storage:       DEGRADED: ${storage.state} since ${since}${held}: ${storageAdvice(storage.state)}`;
}

/** Refused adverts of a pendant [PENDANT SPEC §5.2]: a sign that someone is forging its adverts. */
function refusedText(r: Record<string, number | undefined> | undefined): string {
  const parts = Object.entries(r ?? {}).filter(([, n]) => (n ?? 0) > 0);
  return parts.length === 0
    ? ''
    : `, REFUSED adverts (possible spoofing): ${parts.map(([k, n]) => `${k.replace('_', ' ')} ${n}`).join(', ')}`;
}

export function formatStatus(s: UnitStatus): string {
  const lines = [
    `provisioned:   ${s.provisioned ? `yes, gateway ${s.gatewayId} at ${s.server}` : 'no'}`,
    ...(s.credentialsProblem ? [`credentials:   ${s.credentialsProblem}`] : []),
    `broker:        ${s.brokers.primary ?? '(none configured)'}`,
    `secondary:     ${s.brokers.secondary ?? '(none)'}`,
    s.outbox
      ? `outbox:        ${s.outbox.depth} waiting (${s.outbox.alarms} alarms), oldest ${Math.round(s.outbox.oldestAgeMs / 1000)} s, ${s.outbox.dropped} dropped`
      : 'outbox:        (not created yet)',
    `heartbeat:     every ${s.heartbeatIntervalMs / 1000} s`,
    ...(s.update === undefined ? [] : formatUpdateStatus(s.update)),
    `devices:       ${s.devices.length === 0 ? '(none paired)' : s.devices.map((d) => `${d.kind} ${d.id}`).join(', ')}`,
    ...(s.live === null ? ['last report:   (the gateway has not run yet)'] : formatLive(s.live)),
  ];
  return `${lines.join('\n')}\n`;
}
