/**
 * The server's error base. Every error that reaches an HTTP caller carries a `BAKEN_ERR_…` code,
 * an HTTP status and a message a person can act on. Later modules add their codes to
 * {@link BakenErrorCode} here (one union for the whole server part).
 */
export type BakenErrorCode =
  | 'BAKEN_ERR_VALIDATION'
  | 'BAKEN_ERR_BAD_REQUEST'
  | 'BAKEN_ERR_NOT_FOUND'
  | 'BAKEN_ERR_UNAUTHENTICATED'
  | 'BAKEN_ERR_FORBIDDEN'
  | 'BAKEN_ERR_CSRF'
  | 'BAKEN_ERR_RATE_LIMITED'
  | 'BAKEN_ERR_CONFLICT'
  | 'BAKEN_ERR_PAYLOAD_TOO_LARGE'
  | 'BAKEN_ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'BAKEN_ERR_ENROLMENT_TOKEN'
  // a gateway version this server does not support (gateway-versions.ts)
  | 'BAKEN_ERR_GATEWAY_VERSION'
  | 'BAKEN_ERR_CONFIG'
  | 'BAKEN_ERR_STORE'
  // the database cannot be reached or is shutting down: try again shortly (503)
  | 'BAKEN_ERR_UNAVAILABLE'
  // the disk under the database refused a write: full, read-only, failing (507; store/storage-refused.ts)
  | 'BAKEN_ERR_STORAGE_FULL'
  | 'BAKEN_ERR_STORAGE_READ_ONLY'
  | 'BAKEN_ERR_STORAGE_IO'
  | 'BAKEN_ERR_BROKER'
  // users and roles (modules/users): the platform keeps an active admin
  | 'BAKEN_ERR_LAST_ADMIN'
  | 'BAKEN_ERR_OWN_ADMIN'
  // key-safe access and audit (modules/access, modules/audit)
  | 'BAKEN_ERR_ACCESS_DENIED'
  | 'BAKEN_ERR_KEYSAFE_UNAVAILABLE'
  // a key safe whose key K is not on the server yet (install or provision it first)
  | 'BAKEN_ERR_KEYSAFE_NO_KEY'
  // gateway releases and rollouts (modules/updates; RELEASE SPEC in protocols/src/release)
  | 'BAKEN_ERR_RELEASE_FORMAT'
  | 'BAKEN_ERR_RELEASE_UNTRUSTED_KEY'
  | 'BAKEN_ERR_RELEASE_SIGNATURE'
  | 'BAKEN_ERR_RELEASE_DIGEST'
  | 'BAKEN_ERR_RELEASE_NO_KEYS'
  | 'BAKEN_ERR_ROLLOUT_STATE'
  | 'BAKEN_ERR_INTERNAL';

export interface ErrorDetail {
  /** JSON pointer or field name the detail is about, e.g. `/body/username` or `BAKEN_HTTP_PORT`. */
  field?: string;
  message: string;
}

export class BakenError extends Error {
  readonly code: BakenErrorCode;
  readonly statusCode: number;
  readonly details: ErrorDetail[] | undefined;
  /** Extra headers for the HTTP answer (e.g. `retry-after`). */
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: BakenErrorCode,
    statusCode: number,
    message: string,
    opts: { details?: ErrorDetail[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BakenError';
    this.code = code;
    this.statusCode = statusCode;
    this.details = opts.details;
    this.headers = opts.headers;
  }
}

export const notFound = (what: string): BakenError =>
  new BakenError('BAKEN_ERR_NOT_FOUND', 404, `${what} was not found; check the id.`);

export const forbidden = (message = 'Your role does not allow this action.'): BakenError =>
  new BakenError('BAKEN_ERR_FORBIDDEN', 403, message);

export const unauthenticated = (message = 'Log in or send a valid API token.'): BakenError =>
  new BakenError('BAKEN_ERR_UNAUTHENTICATED', 401, message);

export const conflict = (message: string): BakenError => new BakenError('BAKEN_ERR_CONFLICT', 409, message);

/** The uniform error body of every non-2xx HTTP answer. */
export interface ErrorBody {
  error: { code: BakenErrorCode; message: string; details?: ErrorDetail[] };
}
