import { randomBytes, randomUUID } from 'node:crypto';
import type { AppContext } from '../../app-context.js';
import { hashSecret, newSecret } from '../../auth/secrets.js';
import { BakenError } from '../../errors.js';

export interface ProvisionResult {
  gatewayId: string;
  mqtt: { urls: string[]; username: string; password: string };
  heartbeatIntervalS: number;
}

/**
 * Enrolment: a technician creates a one-time token for a home; the gateway's
 * `provision` exchanges it for its id and MQTT credentials. The token is stored hashed, shown
 * once, expires after `auth.enrolmentTokenTtlS`, and is burnt on first use (atomically — two
 * concurrent provisions cannot both succeed). The gateway password is returned once and stored
 * as a keyed hash (`auth/machine-credentials.ts`).
 */
export class EnrolmentService {
  constructor(
    private readonly ctx: Pick<
      AppContext,
      'clock' | 'config' | 'repos' | 'machineCredentials' | 'brokerCredentials' | 'mqttPublicUrls'
    >,
  ) {}

  async createToken(
    homeId: string,
    createdBy: string,
  ): Promise<{ id: string; token: string; expiresAt: number }> {
    const token = newSecret('enr_');
    const now = this.ctx.clock.now();
    const expiresAt = now + this.ctx.config.auth.enrolmentTokenTtlS * 1000;
    const id = randomUUID();
    await this.ctx.repos.enrolmentTokens.create({
      id,
      homeId,
      createdBy,
      createdAt: now,
      expiresAt,
      usedAt: null,
      gatewayId: null,
      tokenHash: hashSecret(token),
    });
    return { id, token, expiresAt };
  }

  async provision(
    token: string,
    device: { serial?: string; model?: string; firmware?: string },
  ): Promise<ProvisionResult> {
    const { repos, clock, config } = this.ctx;
    const now = clock.now();
    const t = await repos.enrolmentTokens.redeem(hashSecret(token), now);
    if (!t)
      throw new BakenError(
        'BAKEN_ERR_ENROLMENT_TOKEN',
        401,
        'The enrolment token is unknown, already used or expired; ask a technician for a new one.',
      );
    const gatewayId = `gw-${randomBytes(8).toString('hex')}`;
    const password = newSecret('');
    await repos.gateways.create({
      id: gatewayId,
      homeId: t.homeId,
      serial: device.serial ?? null,
      createdAt: now,
      revokedAt: null,
      mqttPasswordHash: this.ctx.machineCredentials.hash(password),
    });
    await repos.enrolmentTokens.attachGateway(t.id, gatewayId);
    await this.ctx.brokerCredentials?.issue(gatewayId, password);
    if (device.serial) {
      await repos.devices.upsertMany(
        [
          {
            serial: device.serial,
            type: 'gateway',
            status: 'installed',
            homeId: t.homeId,
            gatewayId,
            installDate: new Date(now).toISOString().slice(0, 10),
            ...(device.model !== undefined ? { model: device.model } : {}),
            ...(device.firmware !== undefined ? { firmware: device.firmware } : {}),
          },
        ],
        { userId: t.createdBy, note: 'provisioned' },
        now,
      );
    }
    return {
      gatewayId,
      mqtt: { urls: this.ctx.mqttPublicUrls, username: gatewayId, password },
      heartbeatIntervalS: config.heartbeatIntervalS,
    };
  }
}
