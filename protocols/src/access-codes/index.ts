// Public surface of the access-code protocol (HOTP/TOTP and Baken one-time window codes, SPEC.md).
export { constantTimeEqual } from './constant-time.js';
export type { HotpOptions, OtpAlgorithm, TotpOptions } from './hotp.js';
export { dynamicTruncate, hotp, toDigits, totp, totpCounter } from './hotp.js';
export type {
  CodeWindow,
  KeySafeCodeParams,
  WindowCodeAccepted,
  WindowCodeRefusal,
  WindowCodeRefused,
  WindowCodeVerdict,
} from './window-code.js';
export {
  issueWindowCode,
  verifyWindowCode,
  WINDOW_ALIGN_SECONDS,
  WINDOW_CODE_DIGITS,
  WINDOW_CODE_LABEL,
  WINDOW_DURATIONS_SECONDS,
  WINDOW_KEY_MIN_BYTES,
  WINDOW_REASON_HORIZON_SECONDS,
  WINDOW_SLOTS,
  windowUsedKey,
} from './window-code.js';
