/**
 * Errors of the protocols layer (ARCHITECTURE.md, house rule 5).
 *
 * Decoders never throw: they return `Result<T>` whose error is a `ProtocolError` with a code from
 * this union. Add a code here when a new decoder needs one; keep the prefix `BAKEN_ERR_`.
 */
export type ProtocolErrorCode =
  // KS-SERIAL framing and messages
  | 'BAKEN_ERR_FRAME_TOO_SHORT'
  | 'BAKEN_ERR_FRAME_TOO_LONG'
  | 'BAKEN_ERR_FRAME_START'
  | 'BAKEN_ERR_FRAME_LENGTH'
  | 'BAKEN_ERR_FRAME_CRC'
  | 'BAKEN_ERR_MESSAGE_TYPE'
  | 'BAKEN_ERR_MESSAGE_PAYLOAD'
  | 'BAKEN_ERR_COMMAND_AUTH'
  // pendant adverts
  | 'BAKEN_ERR_ADVERT_FORMAT'
  | 'BAKEN_ERR_ADVERT_VERSION'
  | 'BAKEN_ERR_ADVERT_DECRYPT'
  | 'BAKEN_ERR_ADVERT_MAC'
  | 'BAKEN_ERR_ADVERT_REPLAY'
  | 'BAKEN_ERR_ADVERT_KEY'
  | 'BAKEN_ERR_ADVERT_DOWNGRADE'
  // pendant acknowledgement
  | 'BAKEN_ERR_ACK_FORMAT'
  | 'BAKEN_ERR_ACK_MAC'
  // access codes
  | 'BAKEN_ERR_CODE_FORMAT'
  | 'BAKEN_ERR_CODE_PARAMS'
  // MQTT topic map
  | 'BAKEN_ERR_TOPIC_UNKNOWN'
  | 'BAKEN_ERR_PAYLOAD_JSON'
  | 'BAKEN_ERR_PAYLOAD_SCHEMA'
  | 'BAKEN_ERR_PAYLOAD_VERSION'
  | 'BAKEN_ERR_PAYLOAD_TOO_LARGE'
  | 'BAKEN_ERR_PAYLOAD_EMPTY'
  | 'BAKEN_ERR_PAYLOAD_GATEWAY_MISMATCH'
  | 'BAKEN_ERR_GATEWAY_ID'
  // SIA DC-09 (protocols/src/dc09/SPEC.md)
  | 'BAKEN_ERR_DC09_FRAME'
  | 'BAKEN_ERR_DC09_CRC'
  | 'BAKEN_ERR_DC09_LENGTH'
  | 'BAKEN_ERR_DC09_CHARSET'
  | 'BAKEN_ERR_DC09_HEADER'
  | 'BAKEN_ERR_DC09_CONTENT'
  | 'BAKEN_ERR_DC09_TIMESTAMP'
  | 'BAKEN_ERR_DC09_KEY'
  | 'BAKEN_ERR_DC09_NO_KEY'
  | 'BAKEN_ERR_DC09_DECRYPT'
  | 'BAKEN_ERR_DC09_FIELD'
  | 'BAKEN_ERR_DC09_REPLY'
  // release signatures [RELEASE SPEC]
  | 'BAKEN_ERR_RELEASE_FORMAT'
  | 'BAKEN_ERR_RELEASE_UNTRUSTED_KEY'
  | 'BAKEN_ERR_RELEASE_SIGNATURE'
  | 'BAKEN_ERR_RELEASE_DIGEST';

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  /** Extra machine-readable detail (offending field, offset); never contains secrets. */
  readonly detail: Readonly<Record<string, unknown>>;
  constructor(code: ProtocolErrorCode, message: string, detail: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
    this.detail = detail;
  }
}

/** The return type of every decoder: a value or a typed error, never a throw. */
export type Result<T, E = ProtocolError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = (
  code: ProtocolErrorCode,
  message: string,
  detail: Record<string, unknown> = {},
): { ok: false; error: ProtocolError } => ({ ok: false, error: new ProtocolError(code, message, detail) });
