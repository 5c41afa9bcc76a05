import type { FastifyRequest } from 'fastify';
import type { BakenApp } from '../app-context.js';
import type { Json } from './read.js';

/** What a page got from one API call. `missing` means the route does not exist (yet). */
export type ApiResult =
  | { ok: true; data: Json }
  | { ok: false; status: number; missing: boolean; message: string; code: string | undefined };

/**
 * Calls the server's own JSON API on behalf of the page's caller, forwarding only their
 * credentials (session cookie or bearer token). Roles and "a client sees only their own home"
 * are therefore enforced by the API routes themselves, in one place; the pages never read the
 * store directly.
 */
export class ApiClient {
  constructor(
    private readonly app: BakenApp,
    private readonly req: FastifyRequest,
  ) {}

  async get(path: string, query: Record<string, string | number | undefined> = {}): Promise<ApiResult> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
    const url = qs.size > 0 ? `${path}?${qs.toString()}` : path;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.req.headers.cookie) headers['cookie'] = this.req.headers.cookie;
    if (this.req.headers.authorization) headers['authorization'] = this.req.headers.authorization;
    const r = await this.app.inject({ method: 'GET', url, headers });
    let body: Json;
    try {
      body = r.body.length > 0 ? JSON.parse(r.body) : null;
    } catch {
      body = r.body;
    }
    if (r.statusCode >= 200 && r.statusCode < 300) return { ok: true, data: body };
    const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof err?.code === 'string' ? err.code : undefined;
    // A 404 for the route itself (not for a record) means that part of the API is not there yet.
    // The core's not-found handler answers unknown routes with "No route …" [server/http/error-handler].
    const message = typeof err?.message === 'string' ? err.message : `HTTP ${r.statusCode}`;
    const missing = r.statusCode === 404 && message.startsWith('No route ');
    return { ok: false, status: r.statusCode, missing, message, code };
  }
}
