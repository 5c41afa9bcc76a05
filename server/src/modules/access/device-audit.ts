import { KsAuditKind, type KsAuditRecord, KsType } from '@baken/protocols';

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
