/**
 * The `reason` label of `baken_mqtt_rejected_total` for a protocols error code, e.g.
 * `BAKEN_ERR_PAYLOAD_SCHEMA` → `payload_schema`, `BAKEN_ERR_PAYLOAD_GATEWAY_MISMATCH` →
 * `payload_gateway_mismatch`. Bounded: only codes of the form `BAKEN_ERR_[A-Z_]+` map, anything else
 * is `invalid` (label cardinality must stay small).
 */
export function rejectReason(code: string): string {
  const m = /^BAKEN_ERR_([A-Z_]{1,40})$/.exec(code);
  return m ? m[1]!.toLowerCase() : 'invalid';
}
