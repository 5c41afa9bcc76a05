import {
  KS_AUDIT_MAC_SIZE,
  type KsAuditAnchor,
  KsAuditKind,
  type KsAuditRecord,
  KsType,
  ksVerifyAuditChain,
} from '@baken/protocols';

const NAME_TO_KIND: ReadonlyMap<string, number> = new Map([
  ['door_opened', KsType.DoorOpened],
  ['door_closed', KsType.DoorClosed],
  ['door_forced', KsType.DoorForced],
  ['key_taken', KsType.KeyTaken],
  ['key_returned', KsType.KeyReturned],
  ['code_accepted', KsType.CodeAccepted],
  ['code_rejected', KsType.CodeRejected],
  ['lockout_started', KsType.LockoutStarted],
  ['lockout_ended', KsType.LockoutEnded],
  ['tamper', KsType.Tamper],
  ['battery_level', KsType.BatteryLevel],
  ['mains_lost', KsType.MainsLost],
  ['mains_restored', KsType.MainsRestored],
  ['clock_report', KsType.ClockReport],
  ['code_used', KsType.CodeUsed],
  ['window_code_used', KsType.WindowCodeUsed],
  ['command_accepted', KsAuditKind.CommandAccepted],
  ['command_refused', KsAuditKind.CommandRefused],
  ['power_on', KsAuditKind.PowerOn],
  ['key_installed', KsAuditKind.KeyInstalled],
]);

export interface MqttAuditRecord {
  seq: number;
  deviceTime: number;
  kind: string;
  subject?: string | undefined;
  macHex: string;
}

/**
 * Rebuilds a KS-SERIAL audit record (KS-SERIAL §10.1) from its MQTT form (MQTT-MAP §4.1.3, as the
 * gateway's key-safe bridge writes it): device time in ms, KIND by name (`kind_xx` for unknown
 * kinds), `subject` = `slot/holderId/value`. Anything that does not rebuild exactly is returned with
 * values that will fail the MAC check, never silently dropped.
 */
export function fromMqttAuditRecord(r: MqttAuditRecord): KsAuditRecord {
  const hexKind = /^kind_([0-9a-f]{2})$/.exec(r.kind);
  const kind = NAME_TO_KIND.get(r.kind) ?? (hexKind ? Number.parseInt(hexKind[1]!, 16) : 0xff);
  const [slot, holderId, value] = (r.subject ?? '0/0/0').split('/').map((x) => Number(x));
  const int = (v: number | undefined, max: number) =>
    v !== undefined && Number.isInteger(v) && v >= 0 && v <= max ? v : 0;
  return {
    seq: r.seq,
    deviceTime: Math.floor(r.deviceTime / 1000),
    kind,
    slot: int(slot, 0xff),
    holderId: int(holderId, 0xffffffff),
    value: int(value, 0xffff),
    mac: new Uint8Array(Buffer.from(r.macHex, 'hex')),
  };
}

/**
 * Where verification resumes after a KEY_INSTALL [KS-SERIAL §8.8, §10.3]: the newest KEY_INSTALLED
 * record past `anchor` that starts a chain from zeros under `key` (only the holder of that key can
 * write one); else `anchor` unchanged. Records before it were made under another key.
 */
export function keyInstalledAnchor(
  records: readonly KsAuditRecord[],
  key: Uint8Array,
  anchor: KsAuditAnchor,
): KsAuditAnchor {
  for (const r of [...records].reverse()) {
    if (r.kind !== KsAuditKind.KeyInstalled || r.seq <= anchor.seq) continue;
    const start = { seq: r.seq - 1, mac: new Uint8Array(KS_AUDIT_MAC_SIZE) };
    if (ksVerifyAuditChain([r], key, start).ok) return start;
  }
  return anchor;
}
