import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Schemas of the server → gateway payloads (same shapes as the protocols topic map). Every inbound
 * payload is validated; anything else is counted and logged by the caller, never acted on.
 */
export const AckPayload = Type.Object({
  v: Type.Literal(1),
  ids: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 10_000 }),
});
export type AckPayload = Static<typeof AckPayload>;

export const CommandRequestPayload = Type.Object({
  v: Type.Literal(1),
  transaction: Type.String({ minLength: 1, maxLength: 128 }),
  deviceId: Type.String({ minLength: 1, maxLength: 128 }),
  kind: Type.String({ minLength: 1, maxLength: 64 }),
  expiresAt: Type.Number(),
  frameHex: Type.Optional(Type.String({ pattern: '^([0-9a-fA-F]{2})*$', maxLength: 8192 })),
});
export type CommandRequestPayload = Static<typeof CommandRequestPayload>;

export const ServerConfigPayload = Type.Object({
  v: Type.Literal(1),
  heartbeatIntervalMs: Type.Optional(Type.Integer({ minimum: 5_000, maximum: 3_600_000 })),
  serverTime: Type.Optional(Type.Number()),
});
export type ServerConfigPayload = Static<typeof ServerConfigPayload>;

export type InboundParse<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses and validates a JSON payload; the reason names the first offending field. */
export function parseInbound<T>(
  schema: Parameters<typeof Value.Check>[0],
  bytes: Buffer | string,
): InboundParse<T> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString());
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
  if (Value.Check(schema, value)) return { ok: true, value: value as T };
  const first = Value.Errors(schema, value).First();
  return {
    ok: false,
    reason: first ? `${first.path || '/'}: ${first.message}` : 'payload does not match schema',
  };
}
