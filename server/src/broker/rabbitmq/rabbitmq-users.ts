import { createHash, randomBytes } from 'node:crypto';
import { BakenError } from '../../errors.js';
import type { GatewayCredentialSink } from '../mosquitto-credentials.js';
import {
  assertGatewayUsername,
  gatewayPermissions,
  gatewayTopicPermissions,
  type RabbitPermissions,
  type RabbitTopicPermissions,
} from './rabbitmq-acl.js';

/**
 * Gateway users on a RabbitMQ cluster, kept in step with the registry through RabbitMQ's HTTP
 * management API (docs/adr/0001-clustered-broker.md). Users and permissions live in the cluster's
 * own replicated database: one call reaches every node, and no node needs a file or a reload.
 *
 * - `issue` makes (or replaces) the gateway's user with a salted SHA-256 hash computed here, so the
 *   password itself never leaves the server, then its vhost and topic permissions (`rabbitmq-acl.ts`).
 * - `revoke` deletes the user: RabbitMQ closes its open connections and refuses new ones.
 * Users made here carry the tag `baken-gateway`, so `gatewayUsers()` lists only Baken's.
 */

export interface RabbitManagementOptions {
  /** `http(s)://host:port` of the management listener (private network). */
  url: string;
  username: string;
  password: string;
  vhost?: string;
  /** For tests; the global fetch by default. */
  fetch?: typeof fetch;
}

export const GATEWAY_USER_TAG = 'baken-gateway';

/** RabbitMQ's `rabbit_password_hashing_sha256`: base64(salt ‖ SHA-256(salt ‖ password)), 4-byte salt. */
export function rabbitPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256').update(salt).update(password, 'utf8').digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

export class RabbitManagementApi {
  private readonly auth: string;
  private readonly fetch: typeof fetch;
  readonly vhost: string;

  constructor(private readonly opts: RabbitManagementOptions) {
    this.auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    this.fetch = opts.fetch ?? fetch;
    this.vhost = opts.vhost ?? '/';
  }

  /** One API call; 404 is an answer (`null`) for GET and DELETE, any other failure a BakenError. */
  async call(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await this.fetch(`${this.opts.url}/api/${path}`, {
        method,
        headers: { authorization: this.auth, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new BakenError(
        'BAKEN_ERR_BROKER',
        503,
        `The RabbitMQ management API is unreachable: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (res.status === 404 && method !== 'PUT') return null;
    if (!res.ok) {
      // The body names the refused field; it never echoes a password (we send only hashes).
      const text = (await res.text()).slice(0, 300);
      throw new BakenError(
        'BAKEN_ERR_BROKER',
        502,
        `RabbitMQ refused ${method} ${path.split('/')[0]}: HTTP ${res.status} ${text}; check the management user's tags (administrator) and the vhost.`,
      );
    }
    const text = await res.text();
    return text ? (JSON.parse(text) as unknown) : null;
  }

  get vhostPath(): string {
    return encodeURIComponent(this.vhost);
  }

  async putUser(username: string, passwordHash: string, tags: string): Promise<void> {
    await this.call('PUT', `users/${encodeURIComponent(username)}`, {
      password_hash: passwordHash,
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags,
    });
  }

  async putPermissions(username: string, p: RabbitPermissions): Promise<void> {
    await this.call('PUT', `permissions/${this.vhostPath}/${encodeURIComponent(username)}`, p);
  }

  async putTopicPermissions(username: string, p: RabbitTopicPermissions): Promise<void> {
    await this.call('PUT', `topic-permissions/${this.vhostPath}/${encodeURIComponent(username)}`, p);
  }

  /** Deletes a user (RabbitMQ closes its connections); false when there was none. */
  async deleteUser(username: string): Promise<boolean> {
    const user = await this.call('GET', `users/${encodeURIComponent(username)}`);
    if (user === null) return false;
    await this.call('DELETE', `users/${encodeURIComponent(username)}`);
    return true;
  }

  async users(): Promise<Array<{ name: string; tags: string[] }>> {
    const list = (await this.call('GET', 'users')) as Array<{ name: string; tags: string[] | string }>;
    return list.map((u) => ({
      name: u.name,
      tags: Array.isArray(u.tags) ? u.tags : u.tags.split(',').filter(Boolean),
    }));
  }
}

export class RabbitmqGatewayUsers implements GatewayCredentialSink {
  readonly api: RabbitManagementApi;

  constructor(opts: RabbitManagementOptions | RabbitManagementApi) {
    this.api = opts instanceof RabbitManagementApi ? opts : new RabbitManagementApi(opts);
  }

  async issue(gatewayId: string, password: string): Promise<void> {
    assertGatewayUsername(gatewayId);
    await this.api.putUser(gatewayId, rabbitPasswordHash(password), GATEWAY_USER_TAG);
    await this.api.putPermissions(gatewayId, gatewayPermissions(gatewayId));
    await this.api.putTopicPermissions(gatewayId, gatewayTopicPermissions(gatewayId));
  }

  /** The gateway may no longer connect; its open connections are closed by RabbitMQ. */
  async revoke(gatewayId: string): Promise<boolean> {
    assertGatewayUsername(gatewayId);
    return this.api.deleteUser(gatewayId);
  }

  /** Gateway users on the broker (tag `baken-gateway`). */
  async gatewayUsers(): Promise<string[]> {
    return (await this.api.users()).filter((u) => u.tags.includes(GATEWAY_USER_TAG)).map((u) => u.name);
  }

  /**
   * Brings the broker in line with the registry: removes gateway users the registry does not hold
   * as active (revoked or deleted), and re-applies permissions of the active ones, so a changed ACL
   * reaches every gateway. Passwords are not on the server (only keyed hashes), so a gateway
   * missing on the broker is reported, not made: re-issue its credentials (re-enrolment).
   */
  async reconcile(activeGatewayIds: Iterable<string>): Promise<{ removed: string[]; missing: string[] }> {
    const active = new Set(activeGatewayIds);
    const onBroker = new Set(await this.gatewayUsers());
    const removed: string[] = [];
    for (const name of onBroker) {
      if (active.has(name)) {
        await this.api.putPermissions(name, gatewayPermissions(name));
        await this.api.putTopicPermissions(name, gatewayTopicPermissions(name));
      } else if (await this.api.deleteUser(name)) removed.push(name);
    }
    return { removed, missing: [...active].filter((id) => !onBroker.has(id)) };
  }
}
