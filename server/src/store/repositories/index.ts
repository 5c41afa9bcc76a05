import type { ClientsRepository } from './clients.js';
import type { ApiTokensRepository, SessionsRepository } from './credentials.js';
import type { DevicesRepository } from './devices.js';
import type { EnrolmentTokensRepository } from './enrolment-tokens.js';
import type { GatewaysRepository } from './gateways.js';
import type { UsersRepository } from './users.js';

export type * from './clients.js';
export type * from './credentials.js';
export type * from './devices.js';
export { DEVICE_STATUSES, DEVICE_TYPES } from './devices.js';
export type * from './enrolment-tokens.js';
export type * from './gateways.js';
export type * from './users.js';
export { ROLES } from './users.js';

/** Every aggregate's repository. Domain code depends on these interfaces only. */
export interface Repositories {
  users: UsersRepository;
  sessions: SessionsRepository;
  apiTokens: ApiTokensRepository;
  clients: ClientsRepository;
  gateways: GatewaysRepository;
  devices: DevicesRepository;
  enrolmentTokens: EnrolmentTokensRepository;
}
