import type { Repositories } from '../repositories/index.js';
import { PgClientsRepository } from './clients.js';
import { PgApiTokensRepository, PgSessionsRepository } from './credentials.js';
import { PgDevicesRepository } from './devices.js';
import { PgEnrolmentTokensRepository } from './enrolment-tokens.js';
import { PgGatewaysRepository } from './gateways.js';
import type { PgHandle } from './pg-database.js';
import { PgUsersRepository } from './users.js';

/**
 * The PostgreSQL binding of every repository interface, over a pool (`PgDatabase`) or over one
 * transaction's handle: repositories built inside `db.transaction(tx => createPgRepositories(tx))`
 * all commit or roll back together.
 */
export function createPgRepositories(db: PgHandle): Repositories {
  return {
    users: new PgUsersRepository(db),
    sessions: new PgSessionsRepository(db),
    apiTokens: new PgApiTokensRepository(db),
    clients: new PgClientsRepository(db),
    gateways: new PgGatewaysRepository(db),
    devices: new PgDevicesRepository(db),
    enrolmentTokens: new PgEnrolmentTokensRepository(db),
  };
}
