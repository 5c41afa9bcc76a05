import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { type HitCounter, type HitCounters, memoryHitCounters } from '../cluster/hit-counter.js';
import { BakenError, unauthenticated } from '../errors.js';
import { constraintViolation } from '../store/constraint-violation.js';
import type { ApiToken, Repositories, User } from '../store/repositories/index.js';
import { hashPassword, needsRehash, type ScryptParams, verifyDummy, verifyPassword } from './password.js';
import { csrfTokenFor, hashSecret, newHumanPassword, newSecret } from './secrets.js';

/** Who is calling, and how they proved it. */
export interface Principal {
  user: User;
  via: 'session' | 'token';
  /** The CSRF token a cookie-authenticated caller must echo on state changes. */
  csrfToken: string | null;
}

export interface AuthOptions {
  sessionTtlS: number;
  loginMaxFailuresPerUser: number;
  loginMaxFailuresPerIp: number;
  loginWindowS: number;
  /** Cost of human password hashes (`HUMAN_SCRYPT` unless configured); older hashes are redone at login. */
  scrypt: ScryptParams;
}

const BAD_LOGIN = 'Wrong username or password.';

/**
 * Login, sessions and API tokens. Unknown user, wrong password, disabled or expired account all
 * give the same `BAKEN_ERR_UNAUTHENTICATED` after the same scrypt work. Failures are limited per
 * username and per IP on the injected clock. A successful login whose stored hash was made at a
 * lower cost than `scrypt` stores a new hash of the same password at the current cost.
 */
export class AuthService {
  private readonly perUser: HitCounter;
  private readonly perIp: HitCounter;

  constructor(
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly opts: AuthOptions,
    /** Where failed logins are counted: this process (default) or every instance's shared store. */
    counters: HitCounters = memoryHitCounters(clock),
  ) {
    const windowMs = opts.loginWindowS * 1000;
    this.perUser = counters('login.user', opts.loginMaxFailuresPerUser, windowMs);
    this.perIp = counters('login.ip', opts.loginMaxFailuresPerIp, windowMs);
  }

  /** A human password's hash at the configured cost. */
  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.opts.scrypt);
  }

  isActive(user: User): boolean {
    return !user.disabled && (user.validUntil === null || user.validUntil > this.clock.now());
  }

  async login(
    username: string,
    password: string,
    ip: string,
  ): Promise<{ user: User; sessionSecret: string; csrfToken: string; expiresAt: number }> {
    const userKey = username.toLowerCase();
    const wait = Math.max(await this.perUser.retryAfterMs(userKey), await this.perIp.retryAfterMs(ip));
    if (wait > 0) {
      const s = Math.ceil(wait / 1000);
      throw new BakenError('BAKEN_ERR_RATE_LIMITED', 429, `Too many failed logins; try again in ${s} s.`, {
        headers: { 'retry-after': String(s) },
      });
    }
    const found = await this.repos.users.findForLogin(username);
    const ok = found
      ? await verifyPassword(password, found.passwordHash)
      : await verifyDummy(password, this.opts.scrypt);
    if (!found || !ok || !this.isActive(found)) {
      await this.perUser.hit(userKey);
      await this.perIp.hit(ip);
      throw unauthenticated(BAD_LOGIN);
    }
    await this.perUser.reset(userKey);
    if (needsRehash(found.passwordHash, this.opts.scrypt))
      await this.repos.users.update(
        found.id,
        { passwordHash: await this.hashPassword(password) },
        this.clock.now(),
      );
    const { passwordHash: _drop, ...user } = found;
    const sessionSecret = newSecret('');
    const now = this.clock.now();
    const expiresAt = now + this.opts.sessionTtlS * 1000;
    await this.repos.sessions.create({
      idHash: hashSecret(sessionSecret),
      userId: user.id,
      createdAt: now,
      expiresAt,
    });
    return { user, sessionSecret, csrfToken: csrfTokenFor(sessionSecret), expiresAt };
  }

  async fromSession(sessionSecret: string): Promise<Principal | null> {
    const s = await this.repos.sessions.findValid(hashSecret(sessionSecret), this.clock.now());
    if (!s) return null;
    const user = await this.repos.users.get(s.userId);
    if (!user || !this.isActive(user)) return null;
    return { user, via: 'session', csrfToken: csrfTokenFor(sessionSecret) };
  }

  async fromBearer(token: string): Promise<Principal | null> {
    const t = await this.repos.apiTokens.useValid(hashSecret(token), this.clock.now());
    if (!t) return null;
    const user = await this.repos.users.get(t.userId);
    if (!user || !this.isActive(user)) return null;
    return { user, via: 'token', csrfToken: null };
  }

  async logout(sessionSecret: string): Promise<void> {
    await this.repos.sessions.delete(hashSecret(sessionSecret));
  }

  async createApiToken(
    userId: string,
    name: string,
    expiresInS: number | null,
  ): Promise<{ token: string; meta: ApiToken }> {
    const token = newSecret('bkn_');
    const now = this.clock.now();
    const meta: ApiToken = {
      id: randomUUID(),
      userId,
      name,
      createdAt: now,
      expiresAt: expiresInS === null ? null : now + expiresInS * 1000,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.repos.apiTokens.create({ ...meta, tokenHash: hashSecret(token) });
    return { token, meta };
  }

  /**
   * On an empty user table, creates `admin` with a random password and returns it — the only
   * time it exists in clear. The caller shows it once; it is never logged.
   */
  async ensureFirstAdmin(): Promise<{ username: string; password: string } | undefined> {
    if ((await this.repos.users.count()) > 0) return undefined;
    const password = newHumanPassword();
    const passwordHash = await this.hashPassword(password);
    try {
      await this.repos.users.create(
        { username: 'admin', displayName: 'Administrator', role: 'admin', passwordHash },
        this.clock.now(),
      );
    } catch (e) {
      // Another instance starting on the same empty database made it first: that one shows it.
      if (constraintViolation(e)?.kind === 'unique') return undefined;
      throw e;
    }
    return { username: 'admin', password };
  }
}
