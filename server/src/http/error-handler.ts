import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, BakenApp } from '../app-context.js';
import { BakenError, type BakenErrorCode, type ErrorBody, type ErrorDetail } from '../errors.js';
import { storageRefusal, storageRefusedError } from '../store/storage-refused.js';
import { storeUnavailable } from '../store/store-unavailable.js';
import { fromConstraint } from './constraint-errors.js';

interface ValidationItem {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Names the field an Ajv finding is about: `/body/serial`, `/query/limit`, … */
function fieldOf(context: string | undefined, item: ValidationItem): string {
  const base = `/${context ?? 'body'}`;
  const missing = item.params?.['missingProperty'];
  const extra = item.params?.['additionalProperty'];
  const leaf = typeof missing === 'string' ? `/${missing}` : typeof extra === 'string' ? `/${extra}` : '';
  return `${base}${item.instancePath ?? ''}${leaf}`;
}

function validationError(err: FastifyError): BakenError {
  const items = (err.validation ?? []) as ValidationItem[];
  const details: ErrorDetail[] = items.map((i) => {
    const field = fieldOf(err.validationContext, i);
    const extra = i.params?.['additionalProperty'];
    return {
      field,
      message: typeof extra === 'string' ? 'is not an allowed field' : (i.message ?? 'is invalid'),
    };
  });
  const first = details[0];
  const message = first ? `Invalid request: ${first.field} ${first.message}.` : 'Invalid request.';
  return new BakenError('BAKEN_ERR_VALIDATION', 400, message, { details });
}

/** Maps Fastify's own 4xx errors (bad JSON, media type, size) to Baken codes; never a 500. */
function fromFastify(err: FastifyError): BakenError | null {
  const status = err.statusCode ?? 0;
  if (status === 413)
    return new BakenError(
      'BAKEN_ERR_PAYLOAD_TOO_LARGE',
      413,
      'The request body is too large; send less data.',
    );
  if (status === 415)
    return new BakenError(
      'BAKEN_ERR_UNSUPPORTED_MEDIA_TYPE',
      415,
      'Unsupported Content-Type; send application/json (or text/csv where documented).',
    );
  if (status === 429) return new BakenError('BAKEN_ERR_RATE_LIMITED', 429, 'Too many requests; slow down.');
  if (status >= 400 && status < 500) {
    const code: BakenErrorCode = status === 404 ? 'BAKEN_ERR_NOT_FOUND' : 'BAKEN_ERR_BAD_REQUEST';
    return new BakenError(code, status, `The request could not be read: ${err.message}`);
  }
  if (err instanceof SyntaxError)
    return new BakenError('BAKEN_ERR_BAD_REQUEST', 400, 'The request body is not valid JSON.');
  return null;
}

export function toBakenError(err: unknown): BakenError | null {
  if (err instanceof BakenError) return err;
  const fe = err as FastifyError;
  if (fe && typeof fe === 'object' && Array.isArray(fe.validation)) return validationError(fe);
  const constraint = fromConstraint(err);
  if (constraint) return constraint;
  const refused = storageRefusal(err);
  if (refused) return storageRefusedError(refused, err);
  if (storeUnavailable(err))
    return new BakenError(
      'BAKEN_ERR_UNAVAILABLE',
      503,
      'The server cannot reach its database just now; nothing was changed. Try again shortly.',
      { headers: { 'retry-after': '5' }, cause: err },
    );
  if (fe && typeof fe === 'object') return fromFastify(fe);
  return null;
}

export function errorBody(e: BakenError): ErrorBody {
  return { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } };
}

/**
 * Installs the uniform error body and the 404 handler, and tells the server's storage health
 * (`store/storage-health.ts`) of a change the disk refused (507) or stored (a 2xx). Anything not
 * recognised as a client error is logged and answered 500 `BAKEN_ERR_INTERNAL` without internals;
 * malformed input is always a 4xx because Fastify and Ajv flag it with a 4xx status or a
 * `validation` list.
 */
export function installErrorHandling(app: BakenApp): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = toBakenError(err);
    if (known?.statusCode === 507) {
      // a write the disk refused: the storage health logs it at error level with what to do (once a
      // minute, not once a request); the HTTP-only test apps have none
      (app.baken as AppContext | undefined)?.storageHealth?.refused(err);
      request.log.warn({ code: known.code, status: 507, error: (err as Error).message }, 'request refused');
    } else if (known) {
      if (known.statusCode >= 500) request.log.error({ err }, known.message);
      else request.log.info({ code: known.code, status: known.statusCode }, 'request refused');
    }
    if (known) {
      if (known.headers) reply.headers(known.headers);
      return reply.status(known.statusCode).send(errorBody(known));
    }
    request.log.error({ err }, 'unhandled error');
    const internal = new BakenError(
      'BAKEN_ERR_INTERNAL',
      500,
      'Internal error; the server logged it. Try again or contact the operator.',
    );
    return reply.status(500).send(errorBody(internal));
  });
  // a change the server answered 2xx was stored: the disk takes writes again (when it had refused)
  app.addHook('onResponse', async (request, reply) => {
    const health = (app.baken as AppContext | undefined)?.storageHealth;
    if (health?.trouble && reply.statusCode < 300 && !['GET', 'HEAD', 'OPTIONS'].includes(request.method))
      health.wrote();
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new BakenError(
      'BAKEN_ERR_NOT_FOUND',
      404,
      `No route ${request.method} ${request.url.split('?')[0]}; see /docs for the API.`,
    );
    return reply.status(404).send(errorBody(e));
  });
}
