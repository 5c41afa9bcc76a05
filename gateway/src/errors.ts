/** Error codes of the gateway (ARCHITECTURE.md, house rule 5). Keep the prefix `BAKEN_ERR_`. */
export type GatewayErrorCode =
  | 'BAKEN_ERR_CONFIG'
  | 'BAKEN_ERR_CREDENTIALS'
  | 'BAKEN_ERR_OUTBOX'
  | 'BAKEN_ERR_OUTBOX_CLOSED'
  | 'BAKEN_ERR_EVENT_INVALID'
  | 'BAKEN_ERR_UPLINK'
  | 'BAKEN_ERR_UPLINK_NOT_CONNECTED'
  | 'BAKEN_ERR_PROVISION'
  | 'BAKEN_ERR_USAGE'
  | 'BAKEN_ERR_NOT_AVAILABLE'
  | 'BAKEN_ERR_PAIRING'
  | 'BAKEN_ERR_CHECK'
  | 'BAKEN_ERR_STATE_FILE'
  // server-pushed updates (docs/gateway-appliance.md, "Updates")
  | 'BAKEN_ERR_UPDATE_DOWNLOAD'
  | 'BAKEN_ERR_UPDATE_INSTALL'
  | 'BAKEN_ERR_UPDATE_HEALTH';

/**
 * Base error of the gateway. `detail` is machine-readable (offending field, HTTP status) and never
 * carries a secret: callers put field names and kinds of problem there, not values.
 */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly detail: Readonly<Record<string, unknown>>;
  constructor(
    code: GatewayErrorCode,
    message: string,
    detail: Record<string, unknown> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.detail = detail;
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}
