import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '@baken/hardware';
import { loadCredentials } from '../config/load-config.js';
import type { GatewayConfig } from '../config/schema.js';
import { isGatewayError } from '../errors.js';
import { redactUrl } from '../gateway.js';
import { Outbox } from '../outbox/outbox.js';

export interface UnitStatus {
  provisioned: boolean;
  gatewayId: string | null;
  server: string | null;
  credentialsProblem: string | null;
  brokers: { primary: string | null; secondary: string | null };
  outbox: { path: string; depth: number; alarms: number; oldestAgeMs: number; dropped: number } | null;
  devices: { id: string; kind: string }[];
  heartbeatIntervalMs: number;
}

/** What the unit knows without talking to the running daemon (reads files; the outbox in WAL mode). */
export function readStatus(config: GatewayConfig, clock: Clock): UnitStatus {
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
    const o = Outbox.open(outboxPath, clock);
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
  };
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
    `devices:       ${s.devices.length === 0 ? '(none paired)' : s.devices.map((d) => `${d.kind} ${d.id}`).join(', ')}`,
  ];
  return `${lines.join('\n')}\n`;
}
