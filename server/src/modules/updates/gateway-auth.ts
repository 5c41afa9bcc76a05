import type { FastifyRequest } from 'fastify';
import type { MachineCredentials } from '../../auth/machine-credentials.js';
import { BakenError } from '../../errors.js';
import type { GatewaysRepository } from '../../store/repositories/index.js';

/** OpenAPI security of the routes a home unit calls with its own credentials (HTTP Basic). */
export const GATEWAY_BASIC = [{ gatewayBasic: [] }];

/**
 * The gateway a request comes from: HTTP Basic with its gateway id and MQTT password, checked as the
 * broker checks them (an unknown or revoked id costs the same time). 401 otherwise; the password is
 * never logged or echoed.
 */
export async function authenticateGateway(
  req: FastifyRequest,
  gateways: GatewaysRepository,
  credentials: MachineCredentials,
): Promise<string> {
  const header = req.headers.authorization ?? '';
  const m = /^Basic ([A-Za-z0-9+/=]{1,512})$/.exec(header);
  const decoded = m ? Buffer.from(m[1] ?? '', 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const id = colon > 0 ? decoded.slice(0, colon) : '';
  const password = colon > 0 ? decoded.slice(colon + 1) : '';
  const v = await credentials.verifyGateway(gateways, id, password);
  if (!v.ok) {
    throw new BakenError(
      'BAKEN_ERR_UNAUTHENTICATED',
      401,
      "Send the home unit's gateway id and MQTT password as HTTP Basic credentials.",
      { headers: { 'www-authenticate': 'Basic realm="baken-gateway"' } },
    );
  }
  return id;
}
